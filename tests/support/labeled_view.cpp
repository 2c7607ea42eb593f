#include "support/labeled_view.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <regex>

#include "support/json_text.hpp"

namespace crmexport::testing {
namespace {

// A number's text in one form: no "+", no trailing zeros after the point ("1234.50" and SQLite's
// 1234.5 are one); nullopt when `text` is not a plain decimal number.
std::optional<std::string> plain_number(std::string text) {
  static const std::regex number(R"(^\s*[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*$)");
  if (!std::regex_match(text, number)) return std::nullopt;
  text = std::regex_replace(text, std::regex(R"(^\s+|\s+$|^\+)"), "");
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

// An instant's text as YYYY-MM-DDTHH:MM:SS.mmmZ in UTC: ISO 8601 with T or a space, optional
// seconds and fraction, Z or an offset (PostgreSQL's +00), or a date alone (midnight UTC).
std::optional<std::string> plain_instant(const std::string& text) {
  static const std::regex instant(
      R"(^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|([+-])(\d{2}):?(\d{2})?)?$)");
  std::smatch m;
  if (!std::regex_match(text, m, instant)) return std::nullopt;
  auto number = [&](int i) { return m[i].matched ? std::stoi(m[i].str()) : 0; };
  using namespace std::chrono;
  const sys_days midnight = year_month_day{year{number(1)}, month{static_cast<unsigned>(number(2))},
                                            std::chrono::day{static_cast<unsigned>(number(3))}};
  auto at = sys_time<milliseconds>(midnight) + hours(number(4)) + minutes(number(5)) + seconds(number(6));
  if (m[7].matched) at += milliseconds(std::stoi((m[7].str() + "000").substr(0, 3)));
  if (m[9].matched) {
    const auto offset = hours(number(10)) + minutes(number(11));
    at += m[9].str() == "+" ? -offset : offset;
  }
  const auto whole_day = floor<days>(at);
  const year_month_day date{whole_day};
  const hh_mm_ss time{at - whole_day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), time.hours().count(),
                     time.minutes().count(), time.seconds().count(), time.subseconds().count());
}

// Whether a view's cell holds the readable record's value: as text, or as the typed column
// holds it (a number, an instant in UTC, a boolean), which the view's column type decides.
}  // namespace

bool view_cell_holds(const rapidjson::Value& value, const std::string& cell) {
  // Money ({value, currency}) is its amount in a typed column; as text, the object.
  if (value.IsObject() && value.HasMember("value") && plain_number(cell)) return view_cell_holds(value["value"], cell);
  if (value.IsArray() || value.IsObject()) return parse_exact(cell) == value;
  if (value.IsBool()) return cell == (value.GetBool() ? "1" : "0") || cell == (value.GetBool() ? "t" : "f");
  if (value.IsNumber()) {
    const auto expected = plain_number(compact(value));
    return expected && plain_number(cell) == expected;
  }
  if (!value.IsString()) return false;
  const std::string text = value.GetString();
  if (cell == text) return true;
  if (auto number = plain_number(text)) return plain_number(cell) == number;
  if (auto instant = plain_instant(text)) return plain_instant(cell) == instant;
  return false;
}

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
      CHECK(view_cell_holds(value, cell.getString()));
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
  // Instants as UTC text; `id` as text.
  auto table = db.postgres_query("SET TIME ZONE 'UTC'; SELECT *, id::text AS id_text FROM \"" + view +
                                 "\" WHERE connection = '" + connection + "'");
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
      CHECK(view_cell_holds(value, *cell));
    }
  }
  CHECK(table.rows.size() == expected.size());
}

}  // namespace crmexport::testing
