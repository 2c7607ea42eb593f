#include "support/labeled_view.hpp"

#include <catch2/catch.hpp>

#include "support/json_text.hpp"

namespace crmexport::testing {

void check_labeled_view(SQLite::Database& database, const std::string& view, const std::string& connection,
                        const std::map<std::string, rapidjson::Document>& expected, const std::string& container,
                        const std::vector<std::string>& names) {
  SQLite::Statement rows(database, "SELECT * FROM \"" + view + "\" WHERE connection = ?1");
  rows.bind(1, connection);
  size_t n = 0;
  for (; rows.executeStep(); ++n) {
    auto it = expected.find(rows.getColumn("id").getString());
    REQUIRE(it != expected.end());
    const auto& values = it->second[container.c_str()];
    for (const auto& name : names) {
      INFO(view << " column " << name << " of " << compact(it->second));
      const auto cell = rows.getColumn(name.c_str());
      if (!values.HasMember(name.c_str()) || values[name.c_str()].IsNull()) {
        CHECK(cell.isNull());
        continue;
      }
      const auto& value = values[name.c_str()];
      if (value.IsString()) CHECK(cell.getString() == value.GetString());
      else if (value.IsInt64()) CHECK(cell.getInt64() == value.GetInt64());
      else if (value.IsBool()) CHECK(cell.getInt() == (value.GetBool() ? 1 : 0));
      else CHECK(parse_exact(cell.getString()) == value);
    }
  }
  CHECK(n == expected.size());
}

void check_labeled_view(const MirrorDb& db, const std::string& view, const std::string& connection,
                        const std::map<std::string, rapidjson::Document>& expected, const std::string& container,
                        const std::vector<std::string>& names) {
  if (db.backend() == Backend::sqlite) {
    SQLite::Database database(db.location(), SQLite::OPEN_READONLY);
    return check_labeled_view(database, view, connection, expected, container, names);
  }
  // `id` is jsonb there: its text without a string's quotes.
  auto table = db.postgres_query("SELECT *, id #>> '{}' AS id_text FROM \"" + view + "\" WHERE connection = '" +
                                 connection + "'");
  std::map<std::string, size_t> column;
  for (size_t c = 0; c < table.columns.size(); ++c) column[table.columns[c]] = c;
  for (const auto& row : table.rows) {
    auto it = expected.find(row[column.at("id_text")].value_or(""));
    REQUIRE(it != expected.end());
    const auto& values = it->second[container.c_str()];
    for (const auto& name : names) {
      INFO(view << " column " << name << " of " << compact(it->second));
      REQUIRE(column.contains(name));
      const auto& cell = row[column.at(name)];
      if (!values.HasMember(name.c_str()) || values[name.c_str()].IsNull()) {
        CHECK(!cell);
        continue;
      }
      const auto& value = values[name.c_str()];
      REQUIRE(cell);
      if (value.IsString()) CHECK(*cell == value.GetString());
      else if (value.IsInt64()) CHECK(*cell == std::to_string(value.GetInt64()));
      else if (value.IsBool()) CHECK(*cell == (value.GetBool() ? "true" : "false"));
      else CHECK(parse_exact(*cell) == value);
    }
  }
  CHECK(table.rows.size() == expected.size());
}

}  // namespace crmexport::testing
