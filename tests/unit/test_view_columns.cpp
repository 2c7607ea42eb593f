// Labels from outside become the labeled views' columns (issue: hostile names): random labels of
// every awkward kind (NUL, C0, C1, invalid bytes, quotes, brackets, SQL words, the views' own
// column names, very long) and keys SQLite's JSON paths cannot name, through the real naming and
// the real view builder, into SQLite and PostgreSQL; every column is then read back by its name.
// And views wider than the database allows: the columns that fit, the rest in `more_fields`.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <map>
#include <random>
#include <set>

#include "lib/fields/naming.hpp"
#include "lib/core/utf8.hpp"
#include "lib/mirror/fields.hpp"
#include "lib/mirror/sqlite_mirror.hpp"
#include "support/mirror_db.hpp"

using namespace crmexport;
using crmexport::testing::Backend;
using crmexport::testing::MirrorDb;

namespace {

std::string json_string(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return buffer.GetString();
}

std::string utf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

// A label as a hostile or careless CRM might send: pieces of every awkward kind.
std::string random_label(std::mt19937& random) {
  static const std::vector<std::string> words = {
      "select", "FROM", "deleted_at", "Connection", "id", "ID", "more_fields", "record", "NULL", "\"", "'", "''",
      "[", "]", "(", ")", "`", ";", "--", "/*", "*/", "\\", "%", "$.x", "a.b", "c,d", " ", "  ", "Dup", "dup"};
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random); };
  std::string label;
  const std::size_t pieces = pick(6);
  for (std::size_t i = 0; i < pieces; ++i) {
    switch (pick(8)) {
      case 0: label += words[pick(words.size())]; break;
      case 1: label += static_cast<char>(pick(0x20)); break;        // C0, NUL included
      case 2: label += utf8(static_cast<char32_t>(0x80 + pick(0x20))); break;  // C1
      case 3: label += "\x7f"; break;
      case 4: label += pick(2) ? "\xff" : "\xc3"; break;             // not UTF-8
      case 5: label += utf8(static_cast<char32_t>(0xA0 + pick(0x2F00))); break;  // Latin to CJK
      case 6: label += utf8(static_cast<char32_t>(0x1F300 + pick(0x300))); break;  // four bytes
      default: label += std::string(40 + pick(200), static_cast<char>('a' + pick(26)));  // very long
    }
  }
  return label;
}

// Keys: most share a prefix (as equal labels' keys may), some hold what a JSON path cannot name.
std::string random_key(std::mt19937& random, std::size_t i) {
  static const std::vector<std::string> odd = {"q\"uote", "back\\slash", "dot.ted", "sp ace", "ap'os", "[0]"};
  if (i % 5 == 4) return odd[(i / 5) % odd.size()] + std::to_string(i);
  return "deadbeef" + std::to_string(std::uniform_int_distribution<int>(0, 9)(random)) + "k" + std::to_string(i);
}

fields::Field field(std::string key, std::string label, bool custom) {
  fields::Field f;
  f.key = std::move(key);
  f.label = std::move(label);
  f.type = "varchar";
  f.custom = custom;
  return f;
}

// A view's columns and its one row, by column name, as the database reports them.
struct ViewRow {
  std::vector<std::string> columns;
  std::map<std::string, std::optional<std::string>> values;
};

ViewRow read_view(const MirrorDb& db, const std::string& view, const std::string& select = "*") {
  ViewRow out;
  const std::string sql = "SELECT " + select + " FROM " + mirror::quoted_identifier(view);
  if (db.backend() == Backend::sqlite) {
    SQLite::Database file(db.location(), SQLite::OPEN_READONLY);
    SQLite::Statement query(file, sql);
    REQUIRE(query.executeStep());
    for (int i = 0; i < query.getColumnCount(); ++i) {
      out.columns.emplace_back(query.getColumnName(i));
      auto column = query.getColumn(i);
      out.values[out.columns.back()] =
          column.isNull() ? std::nullopt : std::optional<std::string>(column.getString());
    }
    CHECK_FALSE(query.executeStep());
  } else {
    auto table = db.postgres_query(sql);
    REQUIRE(table.rows.size() == 1);
    out.columns = table.columns;
    for (std::size_t i = 0; i < table.columns.size(); ++i) out.values[table.columns[i]] = table.rows[0][i];
  }
  return out;
}

// One record, id 1, `name` "Ada", custom_fields {KEY_i: "v" + i}, saved for connection `c1`.
void save_record(mirror::Mirror& m, const std::vector<fields::Field>& customs) {
  std::string values;
  for (std::size_t i = 0; i < customs.size(); ++i)
    values += (i ? "," : "") + json_string(customs[i].key) + ":" + json_string("v" + std::to_string(i));
  auto state = m.load("c1", "pipedrive", "persons", "v2");
  REQUIRE(state);
  REQUIRE(m.start_run(*state, mirror::RunMode::full, std::nullopt));
  std::vector<mirror::Record> records{
      mirror::Record{std::int64_t{1}, std::nullopt, R"({"id":1,"name":"Ada","custom_fields":{)" + values + "}}"}};
  REQUIRE(m.save_page(*state, records, "", std::nullopt));
}

fields::FieldsSpec pipedrive_v2_spec() {
  fields::FieldsSpec spec;
  spec.placement = fields::Placement::member_object;
  spec.container = "custom_fields";
  return spec;
}

std::unique_ptr<mirror::Mirror> open(const MirrorDb& db) {
  auto m = mirror::Mirror::open(db.location());
  INFO((m ? "" : m.error().message));
  REQUIRE(m);
  return std::move(*m);
}

Backend each_backend() {
  auto backend = GENERATE(Backend::sqlite, Backend::postgres);
  UNSCOPED_INFO((backend == Backend::sqlite ? "SQLite" : "PostgreSQL"));
  return backend;
}

bool has_control(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9f) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("random hostile labels become view columns that each read back their own value", "[mirror][postgres][fields]") {
  auto backend = each_backend();
  const auto seed = GENERATE(1u, 2u, 3u, 4u);
  UNSCOPED_INFO("seed " << seed);
  std::mt19937 random(seed);
  std::vector<fields::Field> read{field("id", "ID", false), field("name", "Name", false)};
  for (std::size_t i = 0; i < 40; ++i) read.push_back(field(random_key(random, i), random_label(random), true));
  for (auto& f : read) fields::make_storable(f);
  auto named = fields::assign_names(read, {}, false);
  REQUIRE(named.current == read.size());
  std::vector<fields::Field> customs(named.fields.begin() + 2, named.fields.end());

  // The names alone: unique ignoring case, within 63 bytes, valid UTF-8, no control character,
  // none of the views' own columns.
  std::set<std::string> seen{"connection", "id", "deleted_at", "more_fields", "name"};
  for (const auto& f : customs) {
    INFO("label " << json_string(f.label) << " named " << json_string(f.name));
    CHECK(seen.insert(fields::lower(f.name)).second);
    CHECK(!f.name.empty());
    CHECK(f.name.size() <= 63);
    CHECK(is_valid_utf8(f.name));
    CHECK_FALSE(has_control(f.name));
  }

  MirrorDb db(backend);
  auto m = open(db);
  save_record(*m, customs);
  auto saved = mirror::save_fields(*m, "c1", "pipedrive", "persons", pipedrive_v2_spec(),
                                   {named.fields.begin(), named.fields.begin() + static_cast<long>(named.current)});
  INFO((saved ? "" : saved.error().message));
  REQUIRE(saved);
  CHECK(saved->rebuilt);
  CHECK(saved->left_out == 0);
  CHECK(saved->fields == 41);

  // Every column, in order: the view's own, the built-in name, then each custom field's name.
  auto row = read_view(db, "pipedrive_persons_labeled");
  std::vector<std::string> expected_columns{"connection", "id", "deleted_at", "name"};
  for (const auto& f : customs) expected_columns.push_back(f.name);
  CHECK(row.columns == expected_columns);
  CHECK(row.values["name"] == std::optional<std::string>("Ada"));
  for (std::size_t i = 0; i < customs.size(); ++i) {
    INFO("key " << json_string(customs[i].key) << " name " << json_string(customs[i].name));
    CHECK(row.values[customs[i].name] == std::optional<std::string>("v" + std::to_string(i)));
    // And by its quoted name alone, as a user's query would.
    auto one = read_view(db, "pipedrive_persons_labeled", mirror::quoted_identifier(customs[i].name));
    REQUIRE(one.columns.size() == 1);
    CHECK(one.columns[0] == customs[i].name);
    CHECK(one.values[customs[i].name] == std::optional<std::string>("v" + std::to_string(i)));
  }
}

TEST_CASE("a frozen name the views would shadow, or that never fit, still gets a column of its own", "[mirror][postgres][fields]") {
  auto backend = each_backend();
  // As a store written by an older crmexport, or by hand, may hold them.
  std::vector<fields::Field> frozen{field("id", "ID", false), field("k1", "deleted_at", true),
                                    field("k2", "Connection", true), field("k3", "x", true), field("k4", "x", true)};
  frozen[1].name = "deleted_at";
  frozen[2].name = "Connection";
  frozen[3].name = "a\x1b\x07\xc2\x9b b" + std::string(100, 'y');
  frozen[4].name = std::string("a b") + std::string(100, 'y');  // the same once made fit
  MirrorDb db(backend);
  auto m = open(db);
  std::vector<fields::Field> customs(frozen.begin() + 1, frozen.end());
  save_record(*m, customs);
  auto saved = mirror::save_fields(*m, "c1", "pipedrive", "persons", pipedrive_v2_spec(), frozen);
  INFO((saved ? "" : saved.error().message));
  REQUIRE(saved);
  auto row = read_view(db, "pipedrive_persons_labeled");
  const std::string fit = "a b" + std::string(60, 'y');
  CHECK(row.columns == std::vector<std::string>{"connection", "id", "deleted_at", "deleted_at (custom)",
                                                "Connection (custom)", fit, fit.substr(0, 58) + " (k4)"});
  CHECK(row.values["deleted_at"] == std::nullopt);  // the mirror's own: the record is live
  CHECK(row.values["deleted_at (custom)"] == std::optional<std::string>("v0"));
  CHECK(row.values["Connection (custom)"] == std::optional<std::string>("v1"));
  CHECK(row.values["connection"] == std::optional<std::string>("c1"));
  CHECK(row.values[fit] == std::optional<std::string>("v2"));
  CHECK(row.values[fit.substr(0, 58) + " (k4)"] == std::optional<std::string>("v3"));
}

namespace {

// `count` custom fields F00000.. with keys k00000.., each record value "v" + i.
std::vector<fields::Field> wide(std::size_t count) {
  std::vector<fields::Field> out{field("id", "ID", false), field("name", "Name", false)};
  for (std::size_t i = 0; i < count; ++i) {
    const auto label = fmt::format("F{:05}", i);
    out.push_back(field(fmt::format("k{:05}", i), label, true));
    out.back().name = label;
  }
  out[0].name = "id";
  out[1].name = "name";
  return out;
}

// What the view must hold with `columns` allowed: its 3 own, `name`, the first custom fields
// that fit beside `more_fields`, and in `more_fields` the others by name.
void check_wide_view(const MirrorDb& db, std::size_t count, std::size_t columns, const mirror::FieldsSaved& saved) {
  const std::size_t shown = columns - 5;
  CHECK(saved.max_columns == columns);
  CHECK(saved.left_out == count - shown);
  CHECK(saved.fields == 1 + shown);
  CHECK(db.scalar("SELECT count(*) FROM pipedrive_persons_labeled") == "1");
  auto row = read_view(db, "pipedrive_persons_labeled");
  REQUIRE(row.columns.size() == columns);
  CHECK(row.columns[3] == "name");
  CHECK(row.columns[4] == "F00000");
  CHECK(row.columns[columns - 2] == fmt::format("F{:05}", shown - 1));
  CHECK(row.columns[columns - 1] == "more_fields");
  CHECK(row.values[fmt::format("F{:05}", shown - 1)] == std::optional<std::string>(fmt::format("v{}", shown - 1)));
  const bool sqlite = db.backend() == Backend::sqlite;
  auto member = [&](std::size_t i) {
    const auto name = fmt::format("F{:05}", i);
    return db.scalar(sqlite ? "SELECT json_extract(more_fields, '$.\"" + name + "\"') FROM pipedrive_persons_labeled"
                            : "SELECT more_fields ->> '" + name + "' FROM pipedrive_persons_labeled");
  };
  for (std::size_t i = shown; i < count; ++i) CHECK(member(i) == fmt::format("v{}", i));
  CHECK(member(0) == "");  // a column already: not repeated
  CHECK(db.scalar(sqlite ? "SELECT count(*) FROM json_each((SELECT more_fields FROM pipedrive_persons_labeled))"
                         : "SELECT count(*) FROM jsonb_object_keys((SELECT more_fields FROM pipedrive_persons_labeled))") ==
        std::to_string(count - shown));
}

}  // namespace

TEST_CASE("a type with more fields than SQLite allows columns still gets a view every query can read", "[mirror][fields]") {
  MirrorDb db(Backend::sqlite);
  auto m = mirror::SqliteMirror::open(db.location());
  REQUIRE(m);
  SECTION("at SQLite's own limit") {
    const auto limit = static_cast<std::size_t>(sqlite3_limit((*m)->database().getHandle(), SQLITE_LIMIT_COLUMN, -1));
    const std::size_t count = limit + 100;
    auto all = wide(count);
    save_record(**m, {all.begin() + 2, all.end()});
    auto saved = (*m)->save_fields("c1", "pipedrive", "persons", pipedrive_v2_spec(), all);
    INFO((saved ? "" : saved.error().message));
    REQUIRE(saved);
    check_wide_view(db, count, limit, *saved);
  }
  SECTION("at a lowered limit, with json_object's arguments lowered too") {
    sqlite3_limit((*m)->database().getHandle(), SQLITE_LIMIT_COLUMN, 30);
    sqlite3_limit((*m)->database().getHandle(), SQLITE_LIMIT_FUNCTION_ARG, 6);
    auto all = wide(40);
    save_record(**m, {all.begin() + 2, all.end()});
    auto saved = (*m)->save_fields("c1", "pipedrive", "persons", pipedrive_v2_spec(), all);
    INFO((saved ? "" : saved.error().message));
    REQUIRE(saved);
    check_wide_view(db, 40, 30, *saved);
  }
  SECTION("built-in fields past the limit go to more_fields too, after every column they fit") {
    sqlite3_limit((*m)->database().getHandle(), SQLITE_LIMIT_COLUMN, 10);
    std::vector<fields::Field> all{field("id", "ID", false)};
    for (int i = 0; i < 12; ++i) all.push_back(field(fmt::format("b{:02}", i), "", false));
    for (int i = 0; i < 3; ++i) all.push_back(field(fmt::format("c{}", i), "", true));
    for (auto& f : all) f.name = f.key;
    // Built-in values sit on the record itself: b00 = "B0"...; custom ones under custom_fields.
    std::string builtins;
    for (int i = 0; i < 12; ++i) builtins += fmt::format(R"(,"b{:02}":"B{}")", i, i);
    auto state = (*m)->load("c1", "pipedrive", "persons", "v2");
    REQUIRE(state);
    REQUIRE((*m)->start_run(*state, mirror::RunMode::full, std::nullopt));
    std::vector<mirror::Record> records{mirror::Record{
        std::int64_t{1}, std::nullopt, R"({"id":1)" + builtins + R"(,"custom_fields":{"c0":"C0","c1":"C1","c2":"C2"}})"}};
    REQUIRE((*m)->save_page(*state, records, "", std::nullopt));
    auto saved = (*m)->save_fields("c1", "pipedrive", "persons", pipedrive_v2_spec(), all);
    INFO((saved ? "" : saved.error().message));
    REQUIRE(saved);
    CHECK(saved->fields == 6);
    CHECK(saved->left_out == 9);
    auto row = read_view(db, "pipedrive_persons_labeled");
    CHECK(row.columns == std::vector<std::string>{"connection", "id", "deleted_at", "b00", "b01", "b02", "b03", "b04",
                                                  "b05", "more_fields"});
    CHECK(row.values["b05"] == std::optional<std::string>("B5"));
    CHECK(row.values["more_fields"] ==
          std::optional<std::string>(
              R"({"b06":"B6","b07":"B7","b08":"B8","b09":"B9","b10":"B10","b11":"B11","c0":"C0","c1":"C1","c2":"C2"})"));
  }
}

TEST_CASE("a type with more fields than PostgreSQL allows in a view still gets a view every query can read", "[mirror][postgres][fields]") {
  MirrorDb db(Backend::postgres);
  auto m = open(db);
  auto all = wide(1700);
  save_record(*m, {all.begin() + 2, all.end()});
  auto saved = mirror::save_fields(*m, "c1", "pipedrive", "persons", pipedrive_v2_spec(), all);
  INFO((saved ? "" : saved.error().message));
  REQUIRE(saved);
  check_wide_view(db, 1700, 1600, *saved);
}
