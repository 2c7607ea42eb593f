// The labeled views' typed columns (issue: a mirror you can query): each kind of value a provider
// names (integer, decimal, boolean, date, datetime) read back from SQLite and PostgreSQL as the
// database's own type, every awkward raw value either converted or NULL, never a failed query.
// The expected values are this file's own table, written from the rules in docs/USAGE.md.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <map>
#include <optional>

#include "lib/mirror/fields.hpp"
#include "support/mirror_db.hpp"

using namespace crmexport;
using crmexport::testing::Backend;
using crmexport::testing::MirrorDb;
using Value = std::optional<std::string>;


namespace {

const Value null = std::nullopt;

// A cell as a failure message shows it.
std::string show(const Value& value) { return value ? "'" + *value + "'" : "NULL"; }

// One raw value (as JSON in the record) and what each kind's column holds for it: booleans as
// "1"/"0", dates as YYYY-MM-DD, instants as YYYY-MM-DDTHH:MM:SS.mmmZ in UTC (a date-only value of a
// datetime field: SQLite keeps the date, PostgreSQL has that day's midnight UTC).
struct Case {
  std::string raw;
  Value integer, decimal, boolean, date, datetime;
};

const std::vector<Case> k_cases = {
    {"12", "12", "12", null, null, null},
    {R"("12")", "12", "12", null, null, null},
    {R"(" 12 ")", "12", "12", null, null, null},
    {R"("-7")", "-7", "-7", null, null, null},
    {R"("12abc")", null, null, null, null, null},
    {"1.5", null, "1.5", null, null, null},
    {R"("-0.25")", null, "-0.25", null, null, null},
    {R"("1e999999")", null, null, null, null, null},
    {R"("9223372036854775808")", null, "9223372036854775808", null, null, null},
    {R"("true")", null, null, "1", null, null},
    {R"("yes")", null, null, "1", null, null},
    {R"("No")", null, null, "0", null, null},
    {R"("0")", "0", "0", "0", null, null},
    {R"("2024-02-29")", null, null, null, "2024-02-29", "2024-02-29"},
    {R"("2023-02-29")", null, null, null, null, null},
    {R"("2024-13-01")", null, null, null, null, null},
    {R"("2024-01-01T10:00:00.123Z")", null, null, null, "2024-01-01", "2024-01-01T10:00:00.123Z"},
    {R"("2024-01-01 23:30:00-05:00")", null, null, null, "2024-01-02", "2024-01-02T04:30:00.000Z"},
    {R"("2024-01-01 10:00:00")", null, null, null, "2024-01-01", "2024-01-01T10:00:00.000Z"},
    {R"("2024-01-01T25:00:00Z")", null, null, null, null, null},
    {R"("2024-01-01 garbage")", null, null, null, null, null},
    {R"("1704067200000")", "1704067200000", "1704067200000", null, null, null},
    {"null", null, null, null, null, null},
    {R"("")", null, null, null, null, null},
    {R"({"value":5})", null, "5", null, null, null},  // money: its amount
    {R"({"value":2312.25,"currency":"EUR"})", null, "2312.25", null, null, null},
    {R"({"amount":5})", null, null, null, null, null},
    {"[1,2]", null, null, null, null, null},
};

const std::vector<std::pair<std::string, std::string>> k_fields = {
    {"int_f", "int"}, {"dec_f", "double"}, {"bool_f", "boolean"}, {"date_f", "day"}, {"dt_f", "instant"}};

fields::FieldsSpec spec() {
  fields::FieldsSpec s;
  s.placement = fields::Placement::member_object;
  s.container = "custom_fields";
  s.value_kinds = {{"int", fields::ValueKind::integer},
                   {"double", fields::ValueKind::decimal},
                   {"boolean", fields::ValueKind::boolean},
                   {"day", fields::ValueKind::date},
                   {"instant", fields::ValueKind::datetime}};
  return s;
}

std::vector<fields::Field> definitions() {
  std::vector<fields::Field> out;
  for (const auto& [key, type] : k_fields) {
    fields::Field f;
    f.key = key;
    f.name = key;
    f.label = key;
    f.type = type;
    f.custom = true;
    out.push_back(f);
  }
  return out;
}

// Ids 1, 2, 10, 11...: text order would put 10 before 2.
std::int64_t id_of(std::size_t i) { return i < 2 ? static_cast<std::int64_t>(i) + 1 : static_cast<std::int64_t>(i) + 8; }

void save_records(mirror::Mirror& m) {
  auto state = m.load("c1", "pipedrive", "deals", "v2");
  REQUIRE(state);
  REQUIRE(m.start_run(*state, mirror::RunMode::full, std::nullopt));
  std::vector<mirror::Record> records;
  for (std::size_t i = 0; i < k_cases.size(); ++i) {
    std::string values;
    for (const auto& [key, type] : k_fields) values += (values.empty() ? "" : ",") + fmt::format("\"{}\":{}", key, k_cases[i].raw);
    records.push_back(mirror::Record{id_of(i), std::nullopt,
                                     fmt::format(R"({{"id":{},"custom_fields":{{{}}}}})", id_of(i), values)});
  }
  REQUIRE(m.save_page(*state, records, "", std::nullopt));
}

using Rows = std::vector<std::vector<Value>>;

Rows query(const MirrorDb& db, const std::string& sql) {
  Rows rows;
  if (db.backend() == Backend::sqlite) {
    SQLite::Database file(db.location(), SQLite::OPEN_READONLY);
    SQLite::Statement q(file, sql);
    while (q.executeStep()) {
      auto& row = rows.emplace_back();
      for (int i = 0; i < q.getColumnCount(); ++i)
        row.push_back(q.getColumn(i).isNull() ? null : Value(q.getColumn(i).getString()));
    }
    return rows;
  }
  return db.postgres_query(sql).rows;
}

}  // namespace

TEST_CASE("a labeled view's columns have their field's type, and what does not convert is NULL",
          "[mirror][postgres][fields][typed]") {
  const auto backend = GENERATE(Backend::sqlite, Backend::postgres);
  const bool sqlite = backend == Backend::sqlite;
  INFO((sqlite ? "SQLite" : "PostgreSQL"));
  MirrorDb db(backend);
  auto opened = mirror::Mirror::open(db.location());
  REQUIRE(opened);
  auto& m = **opened;
  save_records(m);
  auto saved = mirror::save_fields(m, "c1", "pipedrive", "deals", spec(), definitions());
  INFO((saved ? "" : saved.error().message));
  REQUIRE(saved);
  CHECK(saved->rebuilt);

  // Booleans and instants read back in one text form on both databases.
  const std::string columns =
      sqlite ? "id, typeof(id), int_f, typeof(int_f), dec_f, bool_f, date_f, dt_f"
             : "id::text, pg_typeof(id)::text, int_f::text, pg_typeof(int_f)::text, dec_f::text, "
               "CASE bool_f WHEN true THEN '1' WHEN false THEN '0' END, date_f::text, "
               "to_char(dt_f AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
  // By the view's id (PostgreSQL would take a bare `id` for the text column selected here).
  auto rows = query(db, "SELECT " + columns + " FROM pipedrive_deals_labeled AS v ORDER BY v.id");
  REQUIRE(rows.size() == k_cases.size());
  for (std::size_t i = 0; i < k_cases.size(); ++i) {
    const auto& c = k_cases[i];
    const auto& row = rows[i];
    INFO("raw " << c.raw);
    CHECK(show(row[0]) == show(Value(std::to_string(id_of(i)))));  // numeric order: 1, 2, 10, 11...
    CHECK(show(row[1]) == show(Value(sqlite ? "integer" : "bigint")));
    CHECK(show(row[2]) == show(c.integer));
    if (c.integer) CHECK(show(row[3]) == show(Value(sqlite ? "integer" : "bigint")));
    if (sqlite && c.decimal && c.raw == R"("9223372036854775808")") {
      CHECK(show(row[4]) == show(Value("9.22337203685478e+18")));  // SQLite's numbers are 64-bit; PostgreSQL's numeric is exact
    } else {
      CHECK(show(row[4]) == show(c.decimal));
    }
    CHECK(show(row[5]) == show(c.boolean));
    CHECK(show(row[6]) == show(c.date));
    const bool date_only = c.datetime && c.datetime->size() == 10;
    CHECK(show(row[7]) == show((date_only && !sqlite ? Value(*c.datetime + "T00:00:00.000Z") : c.datetime)));
  }

  // The view's columns are the database's own types (what makes `amount > 50000` compare numbers).
  if (!sqlite) {
    auto types = db.postgres_query(
        "SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_name = "
        "'pipedrive_deals_labeled' ORDER BY ordinal_position");
    std::map<std::string, Value> by_name;
    for (const auto& row : types.rows) by_name[*row[0]] = row[1];
    CHECK(show(by_name["id"]) == show(Value("bigint")));
    CHECK(show(by_name["int_f"]) == show(Value("bigint")));
    CHECK(show(by_name["dec_f"]) == show(Value("numeric")));
    CHECK(show(by_name["bool_f"]) == show(Value("boolean")));
    CHECK(show(by_name["date_f"]) == show(Value("date")));
    CHECK(show(by_name["dt_f"]) == show(Value("timestamp with time zone")));
  }
  CHECK(show(query(db, "SELECT count(*) FROM pipedrive_deals_labeled WHERE dec_f > 10")[0][0]) == show(Value("6")));
}

TEST_CASE("a view an earlier crmexport built with text columns is built again, an unchanged one is not",
          "[mirror][postgres][fields][typed]") {
  const auto backend = GENERATE(Backend::sqlite, Backend::postgres);
  INFO((backend == Backend::sqlite ? "SQLite" : "PostgreSQL"));
  MirrorDb db(backend);
  auto opened = mirror::Mirror::open(db.location());
  REQUIRE(opened);
  auto& m = **opened;
  save_records(m);
  REQUIRE(mirror::save_fields(m, "c1", "pipedrive", "deals", spec(), definitions())->rebuilt);
  CHECK_FALSE(mirror::save_fields(m, "c1", "pipedrive", "deals", spec(), definitions())->rebuilt);
  // As an earlier version left it: same name, no format mark.
  const std::string old_view = "DROP VIEW pipedrive_deals_labeled; CREATE VIEW pipedrive_deals_labeled AS SELECT "
                               "connection, id FROM pipedrive_deals";
  if (backend == Backend::sqlite) {
    SQLite::Database file(db.location(), SQLite::OPEN_READWRITE);
    file.exec(old_view);
  } else {
    db.postgres_query(old_view + "; SELECT 1");
  }
  CHECK(mirror::save_fields(m, "c1", "pipedrive", "deals", spec(), definitions())->rebuilt);
  CHECK(show(query(db, "SELECT count(*) FROM pipedrive_deals_labeled WHERE int_f = 12")[0][0]) == show(Value("3")));

  // A field whose type changed (a text field made a number in the CRM) rebuilds the view too.
  auto changed = definitions();
  changed[0].type = "double";
  CHECK(mirror::save_fields(m, "c1", "pipedrive", "deals", spec(), changed)->rebuilt);
}
