// The fields table and labeled views in PostgreSQL's dialect: values reached with jsonb
// operators over `record` (what the view holds is decided in fields.cpp). A value is read as text
// (`record #>> path`, a label, an array of labels as jsonb text), then typed (typed_value).
#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <map>

#include "lib/mirror/fields.hpp"
#include "lib/mirror/postgres_mirror.hpp"
#include "lib/mirror/postgres_schema.hpp"

namespace crmexport::mirror {
namespace {

// `text` as a JSON string.
std::string json_quoted(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

// ARRAY['custom_fields','abc'] : a jsonb path whose steps may hold any character.
std::string path_array(std::initializer_list<std::string_view> steps) {
  std::string out = "ARRAY[";
  for (auto step : steps) out += (out.size() > 6 ? "," : "") + quoted_text(step);
  return out + "]::text[]";
}

// Where one field's value sits in `record`, as a jsonb path.
std::string field_path(const fields::FieldsSpec& spec, const fields::Field& field) {
  using fields::Placement;
  bool nested = (field.custom && spec.placement == Placement::member_object) || spec.placement == Placement::properties;
  return nested ? path_array({spec.container, field.key}) : path_array({field.key});
}

// One field's value in the row `r` as jsonb, where the spec says it sits: in `record`, or for
// values kept outside the records in r's row of field_values (ids compared as text).
std::string json_expression(const fields::FieldsSpec& spec, const fields::Field& field, const std::string& type) {
  using fields::Placement;
  if (field.custom && (spec.placement == Placement::side_loaded || spec.placement == Placement::joined))
    return fmt::format("(SELECT v.\"values\" -> {} FROM field_values v WHERE v.connection = r.connection AND v.type = "
                       "{} AND v.id = r.id #>> '{{}}')",
                       quoted_text(field.key), quoted_text(type));
  if (field.custom && spec.placement == Placement::id_content_list)
    // jsonb_array_elements fails on anything but an array: a record without the list reads NULL.
    return fmt::format(
        "(SELECT e -> 'content' FROM jsonb_array_elements(CASE jsonb_typeof(record -> {0}) WHEN 'array' THEN "
        "record -> {0} ELSE '[]'::jsonb END) AS e WHERE e ->> 'id' = {1} LIMIT 1)",
        quoted_text(spec.container), quoted_text(field.key));
  return "(record #> " + field_path(spec, field) + ")";
}

// One field's value in the row `r` as text, as the record has it.
std::string raw_text(const fields::FieldsSpec& spec, const fields::Field& field, const std::string& type) {
  return "(" + json_expression(spec, field, type) + " #>> '{}')";
}

// Multi-option text ("a;b", "||A||C||", "141,142") as a text[] of its pieces, as
// fields::Relabeler splits it.
std::string pieces_array(fields::Multiple multiple, const std::string& text) {
  switch (multiple) {
    case fields::Multiple::semicolon:
      return fmt::format("string_to_array({}, ';')", text);
    case fields::Multiple::comma_separated:
      return fmt::format("string_to_array({}, ',')", text);
    case fields::Multiple::double_pipe: {
      // "||A||C||" loses its outer pipes first; "||||" (nothing chosen) is an empty list.
      auto inner = fmt::format("(CASE WHEN {0} LIKE '||%||' AND length({0}) >= 4 THEN substr({0}, 3, length({0}) - 4) "
                               "ELSE {0} END)",
                               text);
      return fmt::format("(CASE WHEN {0} = '' THEN ARRAY[]::text[] ELSE string_to_array({0}, '||') END)", inner);
    }
    case fields::Multiple::json_array:
      break;
  }
  return fmt::format("ARRAY[{}]", text);
}

// Single options become their labels; several options (a JSON array, or text like "a;b") a JSON
// array of labels. Values that name no option stay as they are. Ids compare as text.
std::string labeled_expression(const fields::FieldsSpec& spec, const fields::Field& field, const std::string& type) {
  const auto json = json_expression(spec, field, type);
  const auto raw = "(" + json + " #>> '{}')";
  if (field.options.empty()) return raw;
  auto cases = [&](std::string_view label_form) {
    std::string out;
    for (const auto& option : field.options)
      out += fmt::format(" WHEN {} THEN {}", quoted_text(fields::plain_id(option.id)),
                         fmt::format(fmt::runtime(label_form), quoted_text(option.label)));
    return out;
  };
  // jsonb_agg of no rows is NULL: an empty array stays [].
  if (field.multiple && spec.multiple == fields::Multiple::json_array)
    return fmt::format(
        "CASE jsonb_typeof({0}) WHEN 'array' THEN (SELECT coalesce(jsonb_agg(CASE e #>> '{{}}'{1} ELSE e "
        "END ORDER BY n), '[]')::text FROM jsonb_array_elements({0}) WITH ORDINALITY AS a(e, n)) ELSE {2} "
        "END",
        json, cases("to_jsonb({}::text)"), raw);
  if (field.multiple)
    // Only text is split, as SQLite's view does: a number or an array stays as it is.
    return fmt::format(
        "CASE WHEN jsonb_typeof({0}) = 'string' AND {1} <> '' THEN (SELECT coalesce(jsonb_agg(CASE p{2} ELSE "
        "to_jsonb(p) END ORDER BY n), '[]')::text FROM unnest({3}) WITH ORDINALITY AS a(p, n)) ELSE {1} END",
        json, raw, cases("to_jsonb({}::text)"), pieces_array(spec.multiple, raw));
  return fmt::format("CASE {0}{1} ELSE {0} END", raw, cases("{}"));
}

// A value (text) as a column of `kind`, without an error for any text: a cast that could fail
// (bigint, numeric, date, timestamptz) is reached only after its text matched a form the cast
// takes, dates checked against the calendar; CASE keeps that order. The value is read once, in
// a subquery: it may be a long CASE over connections.
std::string typed_value(fields::ValueKind kind, const std::string& value) {
  using fields::ValueKind;
  // Year, month, day (m[1..3]); [T ]hour:minute[:second[.fraction]] (m[4]); a zone (m[8]: Z, +01,
  // +0100, +01:00).
  constexpr const char* instant =
      R"(^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,9})?)?)?)"
      R"(\s*(Z|[+-](0[0-9]|1[0-5])(:?[0-5][0-9])?)?$)";
  // The day exists in its month (no make_date: it fails on year 0).
  constexpr const char* real_day =
      "m[1]::int >= 1 AND m[3]::int <= CASE m[2]::int WHEN 2 THEN CASE WHEN (m[1]::int % 4 = 0 AND m[1]::int % 100 "
      "<> 0) OR m[1]::int % 400 = 0 THEN 29 ELSE 28 END WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30 "
      "ELSE 31 END";
  const auto matched = [&](const std::string& result) {
    return fmt::format(
        "(SELECT CASE WHEN m IS NULL THEN NULL WHEN {} THEN {} END FROM (SELECT t, regexp_match(t, {}) AS m FROM "
        "(SELECT btrim({}) AS t) AS a) AS b)",
        real_day, result, quoted_text(instant), value);
  };
  // The instant: the zone as given, UTC without one.
  constexpr const char* as_instant =
      "(CASE WHEN m[4] IS NULL THEN substr(t, 1, 10) || ' 00:00:00+00' WHEN m[8] IS NULL THEN t || '+00' ELSE t "
      "END)::timestamptz";
  switch (kind) {
    case ValueKind::text:
      return value;
    case ValueKind::integer:
      return fmt::format(R"((SELECT CASE WHEN t ~ '^\s*[-+]?[0-9]{{1,18}}\s*$' THEN t::bigint END FROM (SELECT {} AS t) AS a))",
                         value);
    case ValueKind::decimal:
      return fmt::format(
          // Within numeric's range: at most 1,000 characters, an exponent of at most 3 digits. Money
          // as jsonb text ({"value": 12.5, "currency": "EUR"}) is its amount.
          R"((SELECT CASE WHEN length(s) <= 1000 AND s ~ '^\s*[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]{{1,3}})?\s*$' )"
          R"(THEN s::numeric END FROM (SELECT CASE WHEN t LIKE '{{%' THEN (regexp_match(t, '"value": ([^,}}]*)'))[1] ELSE t )"
          "END AS s FROM (SELECT {} AS t) AS a) AS b)",
          value);
    case ValueKind::boolean:
      return fmt::format(
          "(SELECT CASE lower(btrim(t)) WHEN 'true' THEN true WHEN '1' THEN true WHEN 'yes' THEN true WHEN 'false' "
          "THEN false WHEN '0' THEN false WHEN 'no' THEN false END FROM (SELECT {} AS t) AS a)",
          value);
    case ValueKind::date:
      return matched(fmt::format("CASE WHEN m[4] IS NULL THEN substr(t, 1, 10)::date ELSE ({} AT TIME ZONE 'UTC')::date END",
                                 as_instant));
    case ValueKind::datetime:
      return matched(as_instant);
  }
  return value;
}

// The view's id: a bigint where the table's id is all digits (ORDER BY id counts 1, 2, 10); no
// provider's type with field metadata has other ids.
constexpr const char* k_view_id =
    "CASE WHEN (r.id #>> '{}') ~ '^[0-9]{1,18}$' THEN (r.id #>> '{}')::bigint END";

// jsonb_build_object of the pairs, several calls within PostgreSQL's 100 arguments joined by ||.
std::string jsonb_object_of(const std::vector<std::pair<std::string, std::string>>& pairs) {
  constexpr size_t k_pairs_per_call = 50;
  std::string out;
  for (size_t at = 0; at < pairs.size(); at += k_pairs_per_call) {
    std::string args;
    for (size_t i = at; i < std::min(pairs.size(), at + k_pairs_per_call); ++i)
      args += fmt::format("{}{}, {}", args.empty() ? "" : ", ", pairs[i].first, pairs[i].second);
    out += fmt::format("{}jsonb_build_object({})", out.empty() ? "" : " || ", args);
  }
  return out.empty() ? "'{}'::jsonb" : "(" + out + ")";
}

// A view is a relation: like a table it has at most MaxHeapAttributeNumber columns (its target
// list alone could hold 1,664).
constexpr size_t k_max_view_columns = 1600;

}  // namespace

Result<FieldsSaved> PostgresMirror::save_fields(const std::string& connection, const std::string& provider,
                                                const std::string& type, const fields::FieldsSpec& spec,
                                                const std::vector<fields::Field>& fields) {
  const std::string doing = fmt::format("save the fields of {}", type);
  auto transaction = pg::Transaction::begin(m_connection, doing);
  if (!transaction) return std::unexpected(transaction.error());
  // The view is shared by every connection of the provider: one rebuild at a time, on any host.
  if (auto locked = m_connection.exec(doing, std::string(k_schema_lock_sql)); !locked)
    return std::unexpected(locked.error());
  bool changed = false;
  std::map<std::string, bool> multiple;
  for (const auto& f : fields) {
    multiple[f.key] = f.multiple;
    auto options = jsonb_compatible(fields::options_json(f.options));
    auto same = m_connection.exec(doing,
                                  "SELECT count(*) FROM fields WHERE connection = $1 AND type = $2 AND key = $3 AND "
                                  "name = $4 AND label = $5 AND options = $6::jsonb AND field_type = $7",
                                  {connection, type, f.key, f.name, f.label, options, f.type});
    if (!same) return std::unexpected(same.error());
    changed = changed || same->text(0, 0) == "0";
    auto upsert = m_connection.exec(
        doing,
        "INSERT INTO fields(connection, provider, type, key, name, label, field_type, custom, options, first_seen, "
        "last_seen) VALUES($1, $2, $3, $4, $5, $6, $7, $8::boolean, $9::jsonb, now(), now()) ON CONFLICT(connection, "
        "type, key) DO UPDATE SET name = excluded.name, label = excluded.label, field_type = excluded.field_type, "
        "custom = excluded.custom, options = excluded.options, last_seen = excluded.last_seen",
        {connection, provider, type, f.key, f.name, f.label, f.type, f.custom ? "true" : "false", options});
    if (!upsert) return std::unexpected(upsert.error());
  }
  const auto view = quoted_identifier(labeled_view_name(provider, type));
  // A view an earlier crmexport built (without this format's mark) is built again.
  auto exists = m_connection.exec(
      doing, "SELECT to_regclass($1) IS NOT NULL AND obj_description(to_regclass($1), 'pg_class') = $2",
      {view, std::string(k_view_format)});
  if (!exists) return std::unexpected(exists.error());
  if (exists->text(0, 0) != "t") changed = true;
  FieldsSaved result;
  if (changed) {
    auto rows = m_connection.exec(doing,
                                  "SELECT connection, key, name, label, field_type, custom, options::text FROM fields "
                                  "WHERE provider = $1 AND type = $2 ORDER BY connection, seen_order",
                                  {provider, type});
    if (!rows) return std::unexpected(rows.error());
    std::vector<std::pair<std::string, fields::Field>> saved;
    for (int i = 0; i < rows->size(); ++i) {
      fields::Field f;
      f.key = rows->text(i, 1);
      f.name = rows->text(i, 2);
      f.label = rows->text(i, 3);
      f.type = rows->text(i, 4);
      f.custom = rows->text(i, 5) == "t";
      f.options = fields::parse_options(rows->text(i, 6));
      saved.emplace_back(rows->text(i, 0), std::move(f));
    }
    ViewDialect dialect{labeled_expression, raw_text, jsonb_object_of, k_max_view_columns, typed_value, k_view_id};
    auto built = labeled_view_sql(provider, type, spec, std::move(saved), multiple, dialect);
    for (const std::string& sql :
         {"DROP VIEW IF EXISTS " + view, built.sql,
          fmt::format("COMMENT ON VIEW {} IS {}", view, quoted_text(k_view_format))})
      if (auto done = m_connection.exec(doing, sql); !done) return std::unexpected(done.error());
    result = FieldsSaved{true, built.fields, built.left_out, dialect.max_columns};
  }
  if (auto committed = transaction->commit(doing); !committed) return std::unexpected(committed.error());
  return result;
}

Result<void> PostgresMirror::save_field_values(const std::string& connection, const std::string& type,
                                              const std::unordered_map<std::string, std::string>& by_record,
                                              const std::vector<std::string>* ids) {
  const std::string doing = fmt::format("save the custom field values of {}", type);
  // A page's rows go as one JSON parameter per statement, not a round trip per record.
  std::string cleared_ids = "[";
  for (size_t i = 0; ids && i < ids->size(); ++i) cleared_ids += (i ? "," : "") + json_quoted((*ids)[i]);
  cleared_ids += "]";
  std::string rows = "{";
  for (const auto& [id, members] : by_record) rows += (rows.size() > 1 ? "," : "") + json_quoted(id) + ":{" + members + "}";
  rows += "}";
  auto transaction = pg::Transaction::begin(m_connection, doing);
  if (!transaction) return std::unexpected(transaction.error());
  auto cleared = ids ? m_connection.exec(doing,
                                         "DELETE FROM field_values WHERE connection = $1 AND type = $2 AND id IN "
                                         "(SELECT jsonb_array_elements_text($3::jsonb))",
                                         {connection, type, cleared_ids})
                     : m_connection.exec(doing, "DELETE FROM field_values WHERE connection = $1 AND type = $2",
                                         {connection, type});
  if (!cleared) return std::unexpected(cleared.error());
  auto inserted = m_connection.exec(doing,
                                    "INSERT INTO field_values(connection, type, id, \"values\") SELECT $1, $2, key, "
                                    "value FROM jsonb_each($3::jsonb)",
                                    {connection, type, rows});
  if (!inserted) return std::unexpected(inserted.error());
  if (auto committed = transaction->commit(doing); !committed) return std::unexpected(committed.error());
  return {};
}

}  // namespace crmexport::mirror
