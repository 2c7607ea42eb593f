// The fields table and labeled views in SQLite's dialect: values reached with json_extract and
// json_each over the `record` text (what the view holds is decided in fields.cpp).
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

#include <map>

#include "lib/json/tree.hpp"
#include "lib/mirror/fields.hpp"
#include "lib/mirror/sqlite_mirror.hpp"
#include "lib/store/field_names.hpp"
#include "lib/store/sqlite_error.hpp"

namespace crmexport::mirror {
namespace {

// A JSON path to one member, quoted so keys with dots or spaces stay one step.
std::string member_path(std::string_view prefix, std::string_view key) {
  std::string escaped;
  for (char c : key) escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
  return quoted_text(fmt::format("{}.\"{}\"", prefix, escaped));
}

// The SQL literal an option id compares equal to, as json_extract returns it.
std::string id_literal(const std::string& id_json) {
  auto tree = json::parse_tree(id_json);
  if (tree && tree->is(json::Node::Kind::number)) return tree->text;
  return quoted_text(tree && tree->is(json::Node::Kind::string) ? tree->text : id_json);
}

// The raw value of one field in the row `r`, where the spec says it sits.
std::string raw_expression(const fields::FieldsSpec& spec, const fields::Field& field, const std::string& type) {
  using fields::Placement;
  if (!field.custom && spec.placement != Placement::properties) return "json_extract(record, " + member_path("$", field.key) + ")";
  switch (spec.placement) {
    case Placement::member_object:
    case Placement::properties:
      return "json_extract(record, " + member_path("$." + spec.container, field.key) + ")";
    case Placement::flat:
      return "json_extract(record, " + member_path("$", field.key) + ")";
    case Placement::side_loaded:
    case Placement::joined:
      return fmt::format("(SELECT json_extract(v.\"values\", {}) FROM field_values v WHERE v.connection = r.connection "
                         "AND v.type = {} AND v.id = CAST(r.id AS TEXT))",
                         member_path("$", field.key), quoted_text(type));
    case Placement::id_content_list:
      return fmt::format(
          "(SELECT json_extract(value, '$.content') FROM json_each(record, '$.{}') WHERE CAST(json_extract(value, "
          "'$.id') AS TEXT) = {})",
          spec.container, quoted_text(field.key));
  }
  return "NULL";
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
        "CASE json_type(record, {0}) WHEN 'array' THEN (SELECT json_group_array(CASE value{1} ELSE value END) FROM "
        "json_each(record, {0})) ELSE {2} END",
        field.custom && spec.placement == fields::Placement::member_object
            ? member_path("$." + spec.container, field.key)
            : member_path("$", field.key),
        cases, raw);
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

Result<bool> SqliteMirror::save_fields(const std::string& connection, const std::string& provider,
                                       const std::string& type, const fields::FieldsSpec& spec,
                                       const std::vector<fields::Field>& fields) {
  return store::guard_sqlite(m_path, fmt::format("save the fields of {}", type), [&]() -> Result<bool> {
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
                           "?4 AND label = ?5 AND options = ?6");
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
    SQLite::Statement exists(db, "SELECT count(*) FROM sqlite_master WHERE type = 'view' AND name = ?1");
    exists.bind(1, view);
    exists.executeStep();
    if (exists.getColumn(0).getInt() == 0) changed = true;
    if (changed) {
      db.exec("DROP VIEW IF EXISTS " + quoted_identifier(view));
      db.exec(labeled_view_sql(provider, type, spec, load_all(db, provider, type), multiple, labeled_expression));
    }
    transaction.commit();
    return changed;
  });
}

Result<void> SqliteMirror::save_field_values(const std::string& connection, const std::string& type,
                                            const std::unordered_map<std::string, std::string>& by_record,
                                            const std::vector<std::string>* ids) {
  return store::guard_sqlite(m_path, fmt::format("save the custom field values of {}", type), [&]() -> Result<void> {
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
