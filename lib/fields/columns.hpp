#pragma once
// --fields with readable names: each entry may be a built-in key or dot path, a custom field's
// key or readable name, or either under the type's container ("custom_fields.Lead source").
#include <span>
#include <string>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/fields/spec.hpp"

namespace crmexport::fields {

// The CSV columns the entries name, for records written labeled (custom fields under their
// names) or raw (under their keys). Usage error naming the closest known names when an entry
// names no field of the type.
Result<std::vector<std::string>> resolve_columns(std::span<const std::string> wanted, const FieldsSpec& spec,
                                                 const std::vector<Field>& fields, bool labeled);

// Whether readable records would give any of these resolved columns other cells than raw ones:
// a column under the custom values' container, or at a field with options (its labels). When
// none does, the records need no relabeling (nor their custom values read) to fill them.
bool relabeling_changes(std::span<const std::string> columns, const FieldsSpec& spec,
                        const std::vector<Field>& fields);

}  // namespace crmexport::fields
