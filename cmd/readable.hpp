#pragma once
// What export needs from the field-metadata step for one type: the relabeler when records are
// written readable, and the CSV columns a --fields list names (readable names or keys).
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lib/engine/labels.hpp"

namespace crmexport::cmd {

// --refresh-names, on fields, export and sync alike.
inline constexpr const char* k_refresh_names_help =
    "name every field from its current label again (names are otherwise frozen at first sight)";

struct ReadablePlan {
  std::shared_ptr<const fields::Relabeler> labels;  // null: records stay raw
  std::vector<std::string> columns;                 // --fields resolved (as given when not resolvable)
  long requests = 0;                                // metadata requests, for the summary
};

// Reads the type's metadata only when labels are wanted or `columns` may name fields by name.
// Labels that are only CSV's default (`labels_asked` false) give way to a raw CSV, with a
// warning, when the metadata cannot be read; asked-for labels and --fields names fail the run.
// The store is used under `store_lock`; a values collection (FieldsSpec::joined) is read outside it.
ReadablePlan plan_readable(engine::Session& session, store::Store& store, std::mutex& store_lock,
                           const providers::TypeSpec& type,
                           bool labels, bool labels_asked, const std::vector<std::string>& columns,
                           bool refresh_names = false);

}  // namespace crmexport::cmd
