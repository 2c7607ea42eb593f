#include "lib/store/field_names.hpp"

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

namespace crmexport::store {

fields::Field field_from_row(const SQLite::Statement& row, int first) {
  fields::Field f;
  f.key = row.getColumn(first).getString();
  f.name = row.getColumn(first + 1).getString();
  f.label = row.getColumn(first + 2).getString();
  f.type = row.getColumn(first + 3).getString();
  f.custom = row.getColumn(first + 4).getInt() != 0;
  f.multiple = row.getColumn(first + 5).getInt() != 0;
  f.options = fields::parse_options(row.getColumn(first + 6).getString());
  return f;
}

Result<std::vector<fields::Field>> load_field_names(Store& store, std::string_view connection,
                                                    std::string_view type) {
  return store.load_field_names(connection, type);
}

Result<void> save_field_names(Store& store, std::string_view connection, std::string_view type,
                              const std::vector<fields::Field>& fields) {
  return store.save_field_names(connection, type, fields);
}

}  // namespace crmexport::store
