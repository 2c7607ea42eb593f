#include "providers/hubspot/field_labels.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

namespace crmexport::providers::hubspot {
namespace {

constexpr const char* k_owner_property = "hubspot_owner_id";

std::string member(const rapidjson::Value& item, const char* name) {
  auto it = item.FindMember(name);
  return it != item.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

// Owners (GET /crm/v3/owners) as the options of hubspot_owner_id, whose values are owner ids:
// "First Last", else the e-mail address.
void owners_as_options(const std::vector<std::string>& items, std::vector<fields::Field>& fields) {
  auto owner = std::ranges::find_if(fields, [](const auto& f) { return f.key == k_owner_property; });
  if (owner == fields.end()) return;
  for (const auto& text : items) {
    rapidjson::Document item;
    item.Parse(text.data(), text.size());
    if (item.HasParseError() || !item.IsObject() || member(item, "id").empty()) continue;
    auto name = member(item, "firstName");
    auto last = member(item, "lastName");
    if (!last.empty()) name += (name.empty() ? "" : " ") + last;
    rapidjson::StringBuffer id;
    rapidjson::Writer<rapidjson::StringBuffer> writer(id);
    writer.String(member(item, "id").c_str());
    owner->options.push_back({id.GetString(), name.empty() ? member(item, "email") : name});
  }
}

}  // namespace

// Property definitions (docs/providers/hubspot.md): names are immutable and readable already, so
// only enumeration values get labels; a multiple checkbox holds its values joined by ';'. Owners
// come second, to label the owner property.
std::shared_ptr<const fields::FieldsSpec> properties_fields(const std::string& type) {
  fields::FieldsSpec f;
  f.sources = {{"/crm/v3/properties/" + type, {"results"}, paging::make(paging::Cursor{"after", "", "/paging/next/after"}),
                100, {}},
               {"/crm/v3/owners", {"results"}, paging::make(paging::Cursor{"after", "limit", "/paging/next/after"}), 100,
                {}, owners_as_options}};
  f.read = fields::read_item({.key = "name",
                              .label = "label",
                              .type = "type",
                              .custom_flag = "hubspotDefined",
                              .custom_flag_means = false,
                              .options = "options",
                              .option_id = "value",
                              .option_label = "label",
                              .multiple_types = {"checkbox"},
                              .multiple_member = "fieldType"});
  f.placement = fields::Placement::properties;
  f.container = "properties";
  f.multiple = fields::Multiple::semicolon;
  // Property types (every value is a string in the records): number, date (midnight UTC),
  // datetime (ISO 8601); bool properties have options and show their labels.
  f.value_kinds = {{"number", fields::ValueKind::decimal},
                   {"date", fields::ValueKind::date},
                   {"datetime", fields::ValueKind::datetime}};
  return std::make_shared<const fields::FieldsSpec>(std::move(f));
}

}  // namespace crmexport::providers::hubspot
