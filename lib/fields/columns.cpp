#include "lib/fields/columns.hpp"

#include <fmt/format.h>

#include "lib/core/suggest.hpp"

namespace crmexport::fields {
namespace {

const Field* custom_named(const std::vector<Field>& fields, std::string_view name) {
  for (const auto& field : fields)
    if (field.custom && (field.key == name || field.name == name)) return &field;
  return nullptr;
}

bool is_builtin(const std::vector<Field>& fields, std::string_view key) {
  for (const auto& field : fields)
    if (!field.custom && field.key == key) return true;
  return false;
}

// The built-in field with this label, when exactly one has it.
const Field* builtin_labeled(const std::vector<Field>& fields, std::string_view label) {
  const Field* found = nullptr;
  for (const auto& field : fields)
    if (!field.custom && field.label == label) {
      if (found) return nullptr;
      found = &field;
    }
  return found;
}

// Where a custom field's value is written: under the container (or, raw and flat, on the record).
std::string custom_column(const FieldsSpec& spec, const Field& field, bool labeled) {
  bool by_name = labeled && spec.placement != Placement::properties;
  if (!labeled && spec.placement == Placement::flat) return field.key;
  return spec.container + "." + (by_name ? field.name : field.key);
}

}  // namespace

Result<std::vector<std::string>> resolve_columns(std::span<const std::string> wanted, const FieldsSpec& spec,
                                                 const std::vector<Field>& fields, bool labeled) {
  std::vector<std::string> columns;
  for (const auto& entry : wanted) {
    // A custom field, bare or under the container, maybe with a sub-path (money's .value).
    std::string_view rest = entry;
    if (rest.starts_with(spec.container + ".")) rest.remove_prefix(spec.container.size() + 1);
    auto dot = rest.find('.');
    auto head = rest.substr(0, dot);
    auto tail = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot);
    if (const auto* field = custom_named(fields, head)) {
      columns.push_back(custom_column(spec, *field, labeled) + std::string(tail));
      continue;
    }
    auto first = std::string_view(entry).substr(0, entry.find('.'));
    if (first == spec.container || is_builtin(fields, first) || is_builtin(fields, entry)) {
      columns.push_back(entry);
      continue;
    }
    // A built-in field by the label `crmexport fields` shows beside its key ("Email" for emails).
    if (const auto* field = builtin_labeled(fields, head)) {
      columns.push_back(field->key + std::string(tail));
      continue;
    }
    std::vector<std::string> known;
    for (const auto& field : fields) known.push_back(field.name);
    return fail(ErrorKind::usage, fmt::format("--fields: no field of this type is called '{}'{} (`crmexport fields "
                                              "CONNECTION TYPE` lists them)",
                                              entry, did_you_mean(entry, known)));
  }
  return columns;
}

bool relabeling_changes(std::span<const std::string> columns, const FieldsSpec& spec,
                        const std::vector<Field>& fields) {
  for (const auto& column : columns) {
    const auto first = std::string_view(column).substr(0, column.find('.'));
    if (first == spec.container) return true;
    for (const auto& field : fields)
      if ((field.custom || !field.options.empty()) && (field.key == first || field.key == column)) return true;
  }
  return false;
}

}  // namespace crmexport::fields
