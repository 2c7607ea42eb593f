#pragma once
// ActiveCampaign's contact custom fields: GET /api/3/fields (limit/offset, with the fields'
// options side-loaded as fieldOptions [{field, value, label}]), and the contacts' values,
// side-loaded as fieldValues [{contact, field, value}] beside a contacts list that asks for
// include=fieldValues. Multi-select values are "||A||C||".

#include "tests/fake/field_edits.hpp"
#include "tests/fake/json_util.hpp"

#include <cstdint>
#include <vector>

namespace crm_fake::activecampaign {

// "meta": {"total": "N"}, the count of a v3 list (a string, as AC sends it).
void write_meta_total(JsonWriter& w, std::int64_t total);
// The /api/3/fields page from `offset`, `limit` fields long, with the account's edits (type "contacts").
void write_fields_page(JsonWriter& w, std::int64_t offset, std::int64_t limit, const FieldEdits& edits);
// Whether contacts have the field `id` (and the option with this value, when given).
bool has_contact_field(const std::string& id, const std::string* option);
// "fieldValues": the values of these contacts (nulls left out, as AC stores no row for them).
void write_field_values(JsonWriter& w, std::uint64_t seed, const std::vector<std::int64_t>& contact_ids);
// For --dump: one line per field ({id, title, type, options:[{value,label}]}) and one per value.
std::vector<std::string> field_lines();
std::vector<std::string> value_lines(std::uint64_t seed, const std::vector<std::int64_t>& contact_ids);

}  // namespace crm_fake::activecampaign
