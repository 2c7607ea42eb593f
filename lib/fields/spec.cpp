#include "lib/fields/spec.hpp"

#include <algorithm>
#include <cctype>

namespace crmexport::fields {
namespace {

// "WholeNumber", "WHOLE_NUMBER" and "whole number" name one type; so do "DateTime" and "date-time".
std::string plain_type(std::string_view type) {
  std::string out;
  for (char c : type)
    if (c != '_' && c != ' ' && c != '-') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

ValueKind FieldsSpec::kind_of(const Field& field) const {
  if (!field.options.empty() || field.multiple) return ValueKind::text;
  const auto type = plain_type(field.type);
  auto found = std::ranges::find_if(value_kinds, [&](const ValueKindOf& k) { return plain_type(k.type) == type; });
  return found == value_kinds.end() ? ValueKind::text : found->kind;
}

}  // namespace crmexport::fields
