// The fields table and labeled views in SQLite's dialect: values reached with json_extract and
// json_each over the `record` text (what the view holds is decided in fields.cpp).
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>

#include "lib/json/tree.hpp"
#include "lib/mirror/fields.hpp"
#include "lib/mirror/sqlite_mirror.hpp"
#include "lib/store/field_names.hpp"

namespace crmexport::mirror {
namespace {

// Whether SQLite's JSON path can name `key`: between a path's quotes SQLite takes the text as it
// is, up to the next quote, so a quote, backslash or control character would name another member.
bool path_can_name(std::string_view key) {
  return std::ranges::none_of(key, [](char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; });
}

// The member `key` of the object at `object` ("$" or "$.container") in the JSON `source`, as
// json_extract gives it (json_type's answer with `type`): by a path where one can name the key,
// otherwise by json_each, whose keys are unescaped text.
std::string member(std::string_view source, std::string_view object, std::string_view key, bool type = false) {
  if (path_can_name(key))
    return fmt::format("json_{}({}, {})", type ? "type" : "extract", source,
                       quoted_text(fmt::format("{}.\"{}\"", object, key)));
  return fmt::format("(SELECT {} FROM json_each({}, {}) WHERE key = {})", type ? "type" : "value", source,
                     quoted_text(object), quoted_text(key));
}

// The SQL literal an option id compares equal to, as json_extract returns it.
std::string id_literal(const std::string& id_json) {
  auto tree = json::parse_tree(id_json);
  if (tree && tree->is(json::Node::Kind::number)) return tree->text;
  return quoted_text(tree && tree->is(json::Node::Kind::string) ? tree->text : id_json);
}

// Where one field's value sits in `record`: the object holding it.
std::string holder(const fields::FieldsSpec& spec, const fields::Field& field) {
  using fields::Placement;
  bool nested = (field.custom && spec.placement == Placement::member_object) || spec.placement == Placement::properties;
  return nested ? "$." + spec.container : "$";
}

// The raw value of one field in the row `r`, where the spec says it sits.
std::string raw_expression(const fields::FieldsSpec& spec, const fields::Field& field, const std::string& type) {
  using fields::Placement;
  if (field.custom && (spec.placement == Placement::side_loaded || spec.placement == Placement::joined))
    return fmt::format("(SELECT {} FROM field_values v WHERE v.connection = r.connection AND v.type = {} AND v.id = "
                       "CAST(r.id AS TEXT))",
                       member("v.\"values\"", "$", field.key), quoted_text(type));
  if (field.custom && spec.placement == Placement::id_content_list)
    return fmt::format(
        "(SELECT json_extract(value, '$.content') FROM json_each(record, '$.{}') WHERE CAST(json_extract(value, "
        "'$.id') AS TEXT) = {})",
        spec.container, quoted_text(field.key));
  return member("record", holder(spec, field), field.key);
}

// Multi-option text ("a;b", "||A||C||", "141,142") as a JSON array text of its pieces, as
// fields::Relabeler splits it: quotes and backslashes escaped, then each separator a boundary.
std::string pieces_json(fields::Multiple multiple, const std::string& raw) {
  auto escaped = [](const std::string& text) {
    return fmt::format("replace(replace({}, '\\', '\\\\'), '\"', '\\\"')", text);
  };
  auto array_of = [&](const std::string& text, const char* separator) {
    return fmt::format("'[\"' || replace({}, '{}', '\",\"') || '\"]'", escaped(text), separator);
  };
  switch (multiple) {
    case fields::Multiple::semicolon:
      return array_of(raw, ";");
    case fields::Multiple::comma_separated:
      return array_of(raw, ",");
    case fields::Multiple::double_pipe: {
      // "||A||C||" loses its outer pipes first; "||||" (nothing chosen) is an empty list.
      auto inner = fmt::format("(CASE WHEN {0} LIKE '||%||' AND length({0}) >= 4 THEN substr({0}, 3, length({0}) - 4) "
                               "ELSE {0} END)",
                               raw);
      return fmt::format("(CASE WHEN {0} = '' THEN '[]' ELSE {1} END)", inner, array_of(inner, "||"));
    }
    case fields::Multiple::json_array:
      break;
  }
  return raw;
}

// Single options become their labels; several options (a JSON array, or text like "a;b") a JSON
// array of labels. Values that name no option stay as they are.
std::string labeled_expression(const fields::FieldsSpec& spec, const fields::Field& field, const std::string& type) {
  auto raw = raw_expression(spec, field, type);
  if (field.options.empty()) return raw;
  std::string cases;
  for (const auto& option : field.options)
    cases += fmt::format(" WHEN {} THEN {}", id_literal(option.id), quoted_text(option.label));
  if (field.multiple && spec.multiple == fields::Multiple::json_array)
    return fmt::format(
        "CASE {0} WHEN 'array' THEN (SELECT json_group_array(CASE value{1} ELSE value END) FROM json_each({2})) ELSE "
        "{2} END",
        member("record", holder(spec, field), field.key, true), cases, raw);
  if (field.multiple) {
    // Pieces of text are text: they match an option id by its plain text (141 as '141').
    std::string piece_cases;
    for (const auto& option : field.options)
      piece_cases += fmt::format(" WHEN {} THEN {}", quoted_text(fields::plain_id(option.id)), quoted_text(option.label));
    return fmt::format(
        "CASE WHEN typeof({0}) = 'text' AND {0} <> '' THEN (SELECT json_group_array(CASE value{1} ELSE value END) "
        "FROM json_each({2})) ELSE {0} END",
        raw, piece_cases, pieces_json(spec.multiple, raw));
  }
  return fmt::format("CASE {0}{1} ELSE {0} END", raw, cases);
}

// A value as a column of `kind`. The value is read once, in a subquery: it may be a long CASE over
// connections. Money held as {"value": 12.5, "currency": "EUR"} is its amount (the currency stays
// in the record). Numbers are what json_extract reads from its text (so "12", 12 and " 12 " are 12,
// "12abc", "true" and 2^63 as an integer are nothing); dates and instants are checked against the
// calendar (date() alone passes 2023-02-29 through; with a modifier it is March 1st, not itself).
std::string typed_value(fields::ValueKind kind, const std::string& value) {
  using fields::ValueKind;
  const auto number = [&](const char* accepted, const char* member) {
    return fmt::format(
        "(SELECT CASE WHEN typeof(n) IN ({}) AND abs(n) <= 1.7976931348623157e308 THEN n END FROM (SELECT CASE WHEN "
        "NOT json_valid(t) THEN NULL WHEN json_type(t) IN ('integer', 'real') THEN json_extract(t, '$') WHEN "
        "json_type(t, '{}') IN ('integer', 'real') THEN json_extract(t, '{}') END AS n FROM (SELECT "
        "CAST({} AS TEXT) AS t)))",
        accepted, member, member, value);
  };
  constexpr const char* calendar =
      "t GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' AND date(substr(t, 1, 10), '+0 days') = substr(t, 1, 10)";
  switch (kind) {
    case ValueKind::text:
      return value;
    case ValueKind::integer:
      return number("'integer'", "$");
    case ValueKind::decimal:
      return number("'integer', 'real'", "$.value");
    case ValueKind::boolean:
      return fmt::format(
          "(SELECT CASE lower(t) WHEN 'true' THEN 1 WHEN '1' THEN 1 WHEN 'yes' THEN 1 WHEN 'false' THEN 0 WHEN '0' "
          "THEN 0 WHEN 'no' THEN 0 END FROM (SELECT trim(CAST({} AS TEXT)) AS t))",
          value);
    case ValueKind::date:
      return fmt::format("(SELECT CASE WHEN {} THEN date(t) END FROM (SELECT trim(CAST({} AS TEXT)) AS t))", calendar,
                         value);
    case ValueKind::datetime:
      // In UTC to the millisecond (as PostgreSQL keeps it); a value holding only a date stays one
      // (a day compares with '2024-12-31' as it should).
      return fmt::format(
          "(SELECT CASE WHEN {} THEN CASE WHEN length(t) = 10 THEN t ELSE strftime('%Y-%m-%dT%H:%M:%fZ', t) END END "
          "FROM (SELECT trim(CAST({} AS TEXT)) AS t))",
          calendar, value);
  }
  return value;
}

// The view's id: an integer where the table's id is all digits (ORDER BY id counts 1, 2, 10).
constexpr const char* k_view_id =
    "CASE WHEN typeof(r.id) = 'integer' THEN r.id WHEN r.id GLOB '[0-9]*' AND NOT r.id GLOB '*[^0-9]*' AND "
    "length(r.id) <= 18 THEN CAST(r.id AS INTEGER) ELSE r.id END";

// json_object of the pairs, several calls within SQLite's limit on a function's arguments joined
// by json_patch (the keys are unique, so a patch only adds).
std::string json_object_of(const std::vector<std::pair<std::string, std::string>>& pairs, size_t max_args) {
  const size_t per_call = std::max<size_t>(1, max_args / 2);
  std::vector<std::string> parts;
  for (size_t at = 0; at < pairs.size(); at += per_call) {
    std::string args;
    for (size_t i = at; i < std::min(pairs.size(), at + per_call); ++i)
      args += fmt::format("{}{}, {}", args.empty() ? "" : ", ", pairs[i].first, pairs[i].second);
    parts.push_back("json_object(" + args + ")");
  }
  // Pairwise, so the nesting grows with the logarithm of the calls (SQLITE_MAX_EXPR_DEPTH).
  while (parts.size() > 1) {
    std::vector<std::string> joined;
    for (size_t i = 0; i < parts.size(); i += 2)
      joined.push_back(i + 1 < parts.size() ? fmt::format("json_patch({}, {})", parts[i], parts[i + 1]) : parts[i]);
    parts = std::move(joined);
  }
  return parts.empty() ? "json_object()" : parts.front();
}

std::vector<std::pair<std::string, fields::Field>> load_all(SQLite::Database& db, const std::string& provider,
                                                            const std::string& type) {
  SQLite::Statement query(db,
                          "SELECT connection, key, name, label, field_type, custom, 0, options FROM fields WHERE "
                          "provider = ?1 AND type = ?2 ORDER BY connection, first_seen, rowid");
  query.bind(1, provider);
  query.bind(2, type);
  std::vector<std::pair<std::string, fields::Field>> out;
  while (query.executeStep()) out.emplace_back(query.getColumn(0).getString(), store::field_from_row(query, 1));
  return out;
}

}  // namespace

Result<FieldsSaved> SqliteMirror::save_fields(const std::string& connection, const std::string& provider,
                                              const std::string& type, const fields::FieldsSpec& spec,
                                              const std::vector<fields::Field>& fields) {
  return guarded(m_path, fmt::format("save the fields of {}", type), [&]() -> Result<FieldsSaved> {
    auto& db = *m_database;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    bool changed = false;
    SQLite::Statement upsert(
        db,
        "INSERT INTO fields(connection, provider, type, key, name, label, field_type, custom, options, first_seen, "
        "last_seen) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
        "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) ON CONFLICT(connection, type, key) DO UPDATE SET name = "
        "excluded.name, label = excluded.label, field_type = excluded.field_type, custom = excluded.custom, options "
        "= excluded.options, last_seen = excluded.last_seen");
    SQLite::Statement same(db,
                           "SELECT count(*) FROM fields WHERE connection = ?1 AND type = ?2 AND key = ?3 AND name = "
                           "?4 AND label = ?5 AND options = ?6 AND field_type = ?7");
    std::map<std::string, bool> multiple;
    for (const auto& f : fields) {
      multiple[f.key] = f.multiple;
      auto options = fields::options_json(f.options);
      same.bind(1, connection);
      same.bind(2, type);
      same.bind(3, f.key);
      same.bind(4, f.name);
      same.bind(5, f.label);
      same.bind(6, options);
      same.bind(7, f.type);
      same.executeStep();
      changed = changed || same.getColumn(0).getInt() == 0;
      same.reset();
      upsert.bind(1, connection);
      upsert.bind(2, provider);
      upsert.bind(3, type);
      upsert.bind(4, f.key);
      upsert.bind(5, f.name);
      upsert.bind(6, f.label);
      upsert.bind(7, f.type);
      upsert.bind(8, f.custom ? 1 : 0);
      upsert.bind(9, options);
      upsert.exec();
      upsert.reset();
    }
    const auto view = labeled_view_name(provider, type);
    // A view an earlier crmexport built (without this format's mark) is built again.
    SQLite::Statement exists(db, "SELECT count(*) FROM sqlite_master WHERE type = 'view' AND name = ?1 AND instr(sql, "
                                 "?2) > 0");
    exists.bind(1, view);
    exists.bind(2, std::string(k_view_format));
    exists.executeStep();
    if (exists.getColumn(0).getInt() == 0) changed = true;
    FieldsSaved saved;
    if (changed) {
      // The limits this connection to SQLite has: compile-time maxima unless lowered at run time.
      const auto limit = [&](int which) { return static_cast<size_t>(sqlite3_limit(db.getHandle(), which, -1)); };
      const size_t max_args = limit(SQLITE_LIMIT_FUNCTION_ARG);
      ViewDialect dialect{labeled_expression, raw_expression,
                          [&](const auto& pairs) { return json_object_of(pairs, max_args); },
                          limit(SQLITE_LIMIT_COLUMN), typed_value, k_view_id};
      auto built = labeled_view_sql(provider, type, spec, load_all(db, provider, type), multiple, dialect);
      db.exec("DROP VIEW IF EXISTS " + quoted_identifier(view));
      db.exec(built.sql);
      saved = FieldsSaved{true, built.fields, built.left_out, dialect.max_columns};
    }
    transaction.commit();
    return saved;
  });
}

Result<void> SqliteMirror::save_field_values(const std::string& connection, const std::string& type,
                                            const std::unordered_map<std::string, std::string>& by_record,
                                            const std::vector<std::string>* ids) {
  return guarded(m_path, fmt::format("save the custom field values of {}", type), [&]() -> Result<void> {
    auto& db = *m_database;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement clear(db, ids ? "DELETE FROM field_values WHERE connection = ?1 AND type = ?2 AND id = ?3"
                                    : "DELETE FROM field_values WHERE connection = ?1 AND type = ?2");
    for (size_t i = 0; i < (ids ? ids->size() : 1); ++i) {
      clear.bind(1, connection);
      clear.bind(2, type);
      if (ids) clear.bind(3, (*ids)[i]);
      clear.exec();
      clear.reset();
    }
    SQLite::Statement insert(db, "INSERT INTO field_values(connection, type, id, \"values\") VALUES(?1, ?2, ?3, ?4)");
    for (const auto& [id, members] : by_record) {
      insert.bind(1, connection);
      insert.bind(2, type);
      insert.bind(3, id);
      insert.bind(4, "{" + members + "}");
      insert.exec();
      insert.reset();
    }
    transaction.commit();
    return {};
  });
}

}  // namespace crmexport::mirror
