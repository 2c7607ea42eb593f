#pragma once
// The field-metadata step shared by export, sync and `crmexport fields`: read a type's field
// definitions from the provider (as its FieldsSpec says), give them readable names frozen in the
// store, and hand back what rewrites records into readable ones. Read once per run and type,
// and only when labels are needed.
#include <memory>
#include <mutex>

#include "lib/engine/session.hpp"
#include "lib/fields/relabel.hpp"
#include "lib/mirror/mirror.hpp"
#include "lib/store/store.hpp"

namespace crmexport::engine {

struct TypeFields {
  std::shared_ptr<fields::Relabeler> relabeler;  // null: the type has no field metadata
  size_t current = 0;  // relabeler->fields()[0, current) are what the provider lists now
  long requests = 0;   // requests the metadata took
};

Result<TypeFields> load_fields(Session& session, const providers::TypeSpec& type, store::Store& store,
                               bool refresh_names = false);

// Placement::joined: reads the type's values collection once (FieldsSpec::joined) into the
// relabeler, adding its requests to `loaded.requests`. Nothing to do for other placements.
Result<void> join_values(Session& session, const providers::TypeSpec& type, TypeFields& loaded);

// Sync's field step: the type's fields, named as export names them, saved in the mirror's
// `fields` table, its labeled view rebuilt when they changed, and values kept outside its records
// saved in `field_values`. Returns the requests it took (0 for a type without field metadata).
// The definitions and values are read first; the store and the mirror are written under
// `writer`, the lock of their one writer.
Result<long> refresh_mirror_fields(Session& session, mirror::Mirror& mirror, store::Store& store,
                                   const providers::TypeSpec& type, bool refresh_names, std::mutex& writer);

}  // namespace crmexport::engine
