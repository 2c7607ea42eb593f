#include "lib/store/field_names.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

#include "lib/store/sqlite_error.hpp"

namespace crmexport::store {
namespace {

constexpr const char* k_select =
    "SELECT key, name, label, field_type, custom, multiple, options FROM field_names "
    "WHERE connection = ?1 AND type = ?2 ORDER BY first_seen, rowid";

constexpr const char* k_upsert =
    "INSERT INTO field_names(connection, type, key, name, label, field_type, custom, multiple, options, first_seen, "
    "last_seen) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) "
    "ON CONFLICT(connection, type, key) DO UPDATE SET name = excluded.name, label = excluded.label, "
    "field_type = excluded.field_type, custom = excluded.custom, multiple = excluded.multiple, "
    "options = excluded.options, last_seen = excluded.last_seen";

}  // namespace

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
  return guard_sqlite(store.path(), fmt::format("read the field names of {} {}", connection, type),
                      [&]() -> Result<std::vector<fields::Field>> {
                        SQLite::Statement query(store.database(), k_select);
                        query.bind(1, std::string(connection));
                        query.bind(2, std::string(type));
                        std::vector<fields::Field> fields;
                        while (query.executeStep()) fields.push_back(field_from_row(query));
                        return fields;
                      });
}

Result<void> save_field_names(Store& store, std::string_view connection, std::string_view type,
                              const std::vector<fields::Field>& fields) {
  return guard_sqlite(store.path(), fmt::format("save the field names of {} {}", connection, type),
                      [&]() -> Result<void> {
                        SQLite::Transaction transaction(store.database(), SQLite::TransactionBehavior::IMMEDIATE);
                        SQLite::Statement upsert(store.database(), k_upsert);
                        for (const auto& f : fields) {
                          upsert.bind(1, std::string(connection));
                          upsert.bind(2, std::string(type));
                          upsert.bind(3, f.key);
                          upsert.bind(4, f.name);
                          upsert.bind(5, f.label);
                          upsert.bind(6, f.type);
                          upsert.bind(7, f.custom ? 1 : 0);
                          upsert.bind(8, f.multiple ? 1 : 0);
                          upsert.bind(9, fields::options_json(f.options));
                          upsert.exec();
                          upsert.reset();
                        }
                        transaction.commit();
                        return {};
                      });
}

}  // namespace crmexport::store
