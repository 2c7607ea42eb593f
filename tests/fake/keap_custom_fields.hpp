#pragma once
// Keap's custom fields: the model endpoints (GET /crm/rest/{v1,v2}/{contacts,companies,
// opportunities}/model) and the `custom_fields: [{id, content}]` records carry when asked
// (v2 `fields=custom_fields`, v1 `optional_properties=custom_fields`).

#include "tests/fake/field_edits.hpp"
#include "tests/fake/json_util.hpp"

#include <cstdint>
#include <string_view>

namespace crm_fake::keap {

// Which record type: "contacts", "companies" or "opportunities"; other names have no custom fields.
bool has_custom_fields(std::string_view collection);
// `"custom_fields":[...]` for one record; ids as strings in v2, numbers in v1.
void write_custom_fields(JsonWriter& w, std::string_view collection, bool v2, std::uint64_t seed, std::int64_t id);
// The model answer: {"custom_fields":[...],"optional_properties":[...]}, with the account's edits
// when given (type: the collection, key: the field's id).
void write_model(JsonWriter& w, std::string_view collection, bool v2, const FieldEdits* edits = nullptr);
// Whether the collection has the custom field `id` (and the option `option`, when given).
bool has_custom_field(std::string_view collection, const std::string& id, const std::string* option);

}  // namespace crm_fake::keap
