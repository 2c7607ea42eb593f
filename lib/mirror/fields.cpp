#include "lib/mirror/fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "lib/mirror/schema.hpp"

namespace crmexport::mirror {
namespace {

std::string lower(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string quoted_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string quoted_text(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string labeled_view_name(std::string_view provider, std::string_view type) {
  return table_name(provider, type) + "_labeled";
}

Result<bool> save_fields(Mirror& mirror, const std::string& connection, const std::string& provider,
                         const std::string& type, const fields::FieldsSpec& spec,
                         const std::vector<fields::Field>& fields) {
  return mirror.save_fields(connection, provider, type, spec, fields);
}

Result<void> save_field_values(Mirror& mirror, const std::string& connection, const std::string& type,
                               const std::unordered_map<std::string, std::string>& by_record,
                               const std::vector<std::string>* ids) {
  return mirror.save_field_values(connection, type, by_record, ids);
}

// One column per readable name (across connections: each connection's own key and options).
std::string labeled_view_sql(const std::string& provider, const std::string& type, const fields::FieldsSpec& spec,
                             std::vector<std::pair<std::string, fields::Field>> saved,
                             const std::map<std::string, bool>& multiple, const FieldExpression& labeled) {
  std::vector<std::string> names;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_name;  // name -> (connection, expr)
  std::set<std::string> taken{"connection", "id", "deleted_at"};
  for (auto& [connection, field] : saved) {
    if (auto it = multiple.find(field.key); it != multiple.end()) field.multiple = it->second;
    if (!by_name.contains(field.name)) {
      if (taken.contains(lower(field.name))) continue;
      taken.insert(lower(field.name));
      names.push_back(field.name);
    }
    by_name[field.name].emplace_back(connection, labeled(spec, field, type));
  }
  std::string columns;
  for (const auto& name : names) {
    std::string expr = "CASE connection";
    for (const auto& [connection, value] : by_name[name]) expr += fmt::format(" WHEN {} THEN {}", quoted_text(connection), value);
    columns += fmt::format(",\n  {} AS {}", expr + " END", quoted_identifier(name));
  }
  // The type table is `r`: values kept in field_values are matched to r's row by subqueries.
  return fmt::format("CREATE VIEW {} AS SELECT r.connection AS connection, r.id AS id, r.deleted_at AS deleted_at{}"
                     "\nFROM {} AS r",
                     quoted_identifier(labeled_view_name(provider, type)), columns,
                     quoted_identifier(table_name(provider, type)));
}

}  // namespace crmexport::mirror
