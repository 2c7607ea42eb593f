#pragma once
// The field-metadata step shared by export, sync and `crmexport fields`: read a type's field
// definitions from the provider (as its FieldsSpec says), give them readable names frozen in the
// store, and hand back what rewrites records into readable ones. Read once per run and type,
// and only when labels are needed.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lib/engine/progress.hpp"
#include "lib/engine/session.hpp"
#include "lib/fields/relabel.hpp"
#include "lib/mirror/mirror.hpp"
#include "lib/store/store.hpp"

namespace crmexport::engine {

struct TypeFields {
  std::shared_ptr<fields::Relabeler> relabeler;  // null: the type has no field metadata
  size_t current = 0;  // relabeler->fields()[0, current) are what the provider lists now
  std::vector<PhaseSpent> phases;  // what reading the metadata took
};

// `shown`: each phase (the definitions, a values collection) has its status line meanwhile
// (progress_wanted says whether one is).
Result<TypeFields> load_fields(Session& session, const providers::TypeSpec& type, store::Store& store,
                               bool refresh_names = false, bool shown = false);

// Placement::joined: reads the type's values collection once (FieldsSpec::joined) into the
// relabeler, adding its phase to `loaded.phases`. Nothing to do for other placements.
Result<void> join_values(Session& session, const providers::TypeSpec& type, TypeFields& loaded, bool shown = false);

// Sync's field step: the type's fields, named as export names them, saved in the mirror's
// `fields` table, its labeled view rebuilt when they changed, and values kept outside its records
// saved in `field_values`. Returns its phases (none for a type without field metadata).
// The definitions and values are read first; then the store is written under `store_writer` and
// the mirror under `mirror_writer`, the locks of their writers (one lock when they are the same).
Result<std::vector<PhaseSpent>> refresh_mirror_fields(Session& session, mirror::Mirror& mirror, store::Store& store,
                                                      const providers::TypeSpec& type, bool refresh_names,
                                                      std::mutex& store_writer, std::mutex& mirror_writer, bool shown);

// What export needs from this step for one type: the relabeler when records are written
// readable, and the CSV columns a --fields list names (readable names or keys).
struct ReadablePlan {
  std::shared_ptr<const fields::Relabeler> labels;  // null: records stay raw
  std::vector<std::string> columns;                 // --fields resolved (as given when not resolvable)
  std::vector<PhaseSpent> phases;                   // reading the metadata, for the summary
};

// Reads the type's metadata only when labels are wanted or `columns` may name fields by name.
// Labels that are only CSV's default (`labels_asked` false) give way to a raw CSV, with a
// warning, when the metadata cannot be read; asked-for labels and --fields names fail the run
// (thrown). The store is used under `store_lock`; a values collection (FieldsSpec::joined) is
// read outside it.
ReadablePlan plan_readable(Session& session, store::Store& store, std::mutex& store_lock,
                           const providers::TypeSpec& type, bool labels, bool labels_asked,
                           const std::vector<std::string>& columns, bool refresh_names = false, bool shown = false);

}  // namespace crmexport::engine
