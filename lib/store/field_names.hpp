#pragma once
// The readable names crmexport gave a connection's fields (lib/fields/naming.hpp), kept in the
// credential store so that they stay frozen across runs, with every option label seen.
#include <string_view>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/fields/field.hpp"
#include "lib/store/store.hpp"

namespace SQLite {
class Statement;
}

namespace crmexport::store {

// The fields stored for this connection and type, in the order first seen (Store::load_field_names).
Result<std::vector<fields::Field>> load_field_names(Store& store, std::string_view connection, std::string_view type);
// Inserts or updates each field (name, label, type, options); first_seen stays, last_seen is now.
Result<void> save_field_names(Store& store, std::string_view connection, std::string_view type,
                              const std::vector<fields::Field>& fields);

// One field from a row whose columns from `first` on are key, name, label, field type, custom,
// multiple, options (JSON): the layout the SQLite store and mirror select.
fields::Field field_from_row(const SQLite::Statement& row, int first = 0);

}  // namespace crmexport::store
