#include "lib/mirror/fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "lib/fields/naming.hpp"
#include "lib/core/utf8.hpp"
#include "lib/mirror/schema.hpp"

namespace crmexport::mirror {

std::string quoted_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : fields::fit_name(name)) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string quoted_text(std::string_view text) {
  const std::string valid = is_valid_utf8(text) ? std::string(text) : to_valid_utf8(text);
  std::string out = "'";
  for (char c : valid) {
    if (c == '\0')
      out += k_replacement_character;
    else
      out += c == '\'' ? std::string("''") : std::string(1, c);
  }
  return out + "'";
}

std::string labeled_view_name(std::string_view provider, std::string_view type) {
  return table_name(provider, type) + "_labeled";
}

Result<FieldsSaved> save_fields(Mirror& mirror, const std::string& connection, const std::string& provider,
                                const std::string& type, const fields::FieldsSpec& spec,
                                const std::vector<fields::Field>& fields) {
  return mirror.save_fields(connection, provider, type, spec, fields);
}

Result<void> save_field_values(Mirror& mirror, const std::string& connection, const std::string& type,
                               const std::unordered_map<std::string, std::string>& by_record,
                               const std::vector<std::string>* ids) {
  return mirror.save_field_values(connection, type, by_record, ids);
}

LabeledView labeled_view_sql(const std::string& provider, const std::string& type, const fields::FieldsSpec& spec,
                             std::vector<std::pair<std::string, fields::Field>> saved,
                             const std::map<std::string, bool>& multiple, const ViewDialect& dialect) {
  // One entry per readable name, in first-seen order, each connection's own key and options.
  struct Name {
    std::string name;
    std::string key;  // the first field's: what a suffix is made of
    bool custom = false;
    fields::ValueKind kind = fields::ValueKind::text;  // text unless every connection's field agrees
    std::vector<std::pair<std::string, std::string>> by_connection;  // (connection, expression)
    std::vector<std::pair<std::string, std::string>> raw_by_connection;  // the values as sent
    bool options = false;  // some connection's field has options: its labels, and the raw sibling
    bool raw = false;      // the raw sibling of the name before it (NAME_raw)
  };
  std::vector<Name> names;
  std::map<std::string, size_t> index;
  for (auto& [connection, field] : saved) {
    if (auto it = multiple.find(field.key); it != multiple.end()) field.multiple = it->second;
    // A store written by hand may hold no name: the key stands in, as for a label with none.
    const std::string& name = field.name.empty() ? field.key : field.name;
    if (!field.custom && fields::lower(name) == "id") continue;  // the view's own id
    auto [at, added] = index.try_emplace(name, names.size());
    const auto kind = spec.kind_of(field);
    if (added) names.push_back(Name{name, field.key, field.custom, kind, {}, {}, false, false});
    auto& entry = names[at->second];
    if (entry.kind != kind) entry.kind = fields::ValueKind::text;
    entry.by_connection.emplace_back(connection, dialect.labeled(spec, field, type));
    entry.raw_by_connection.emplace_back(connection, dialect.raw(spec, field, type));
    entry.options = entry.options || !field.options.empty() || field.multiple;
  }
  // A field with options is its labels and, right after, its values as the record has them
  // ("status" 'Open' and "status_raw" 'open'), so a query can match either.
  for (size_t i = 0; i < names.size(); ++i) {
    if (!names[i].options) continue;
    Name sibling{names[i].name + "_raw", names[i].key, names[i].custom, fields::ValueKind::text,
                 names[i].raw_by_connection, {}, false, true};
    names.insert(names.begin() + static_cast<std::ptrdiff_t>(++i), std::move(sibling));
  }

  // Columns left beside the view's own 3 (and `more_fields`, once anything is left out): built-in
  // fields take them first, then custom ones in first-seen order.
  const size_t own = 3;
  const size_t available = dialect.max_columns > own ? dialect.max_columns - own : 0;
  const size_t room = names.size() <= available ? names.size() : (available > 0 ? available - 1 : 0);
  const size_t builtins = static_cast<size_t>(std::ranges::count_if(names, [](const Name& n) { return !n.custom; }));
  size_t builtin_room = std::min(builtins, room);
  size_t custom_room = room - builtin_room;

  std::unordered_set<std::string> taken;
  for (const auto& reserved : fields::reserved_names()) taken.insert(reserved);
  std::string columns;
  std::vector<std::pair<std::string, std::string>> more;  // (quoted name, expression)
  LabeledView view;
  std::string last_column;  // the column just made: a raw sibling is named after it
  for (const auto& n : names) {
    std::string expr = "CASE connection";
    for (const auto& [connection, value] : n.by_connection)
      expr += fmt::format(" WHEN {} THEN {}", quoted_text(connection), value);
    expr = dialect.typed(n.kind, expr + " END");
    size_t& left = n.custom ? custom_room : builtin_room;
    if (left == 0) {
      more.emplace_back(quoted_text(n.name), std::move(expr));
      view.left_out += n.raw ? 0 : 1;
      last_column.clear();
      continue;
    }
    --left;
    view.fields += n.raw ? 0 : 1;
    auto fit = fields::fit_name(n.raw && !last_column.empty() ? last_column + "_raw" : n.name);
    const auto column = fields::unique_name(fit.empty() ? "field" : fit, n.key, taken);
    columns += fmt::format(",\n  {} AS {}", expr, quoted_identifier(column));
    last_column = column;
  }
  if (!more.empty()) columns += fmt::format(",\n  {} AS more_fields", dialect.object(more));
  // The type table is `r`: values kept in field_values are matched to r's row by subqueries.
  view.sql = fmt::format("CREATE VIEW {} AS /* {} */ SELECT r.connection AS connection, {} AS id, r.deleted_at AS "
                         "deleted_at{}\nFROM {} AS r",
                         quoted_identifier(labeled_view_name(provider, type)), k_view_format, dialect.id, columns,
                         quoted_identifier(table_name(provider, type)));
  return view;
}

}  // namespace crmexport::mirror
