#pragma once
// ActiveCampaign's error bodies, which have no documented schema (FACTS ActiveCampaign §6):
// {"message":"Forbidden"} or {"errors":[{"title":"...","detail":"..."}]}.
#include <string>

#include "lib/fields/spec.hpp"
#include "lib/http/message.hpp"

namespace crmexport::providers::activecampaign {

std::string error_message(const http::Response& response);

// /api/3/fields side-loads each field's options beside the fields as fieldOptions
// [{field, value, label}]: attach them to their fields (ids as the values records carry).
void attach_field_options(const rapidjson::Value& envelope, std::vector<fields::Field>& fields);

// A deal or account custom field (dealCustomFieldMeta, accountCustomFieldMeta): {id, fieldLabel,
// fieldType, fieldOptions: ["Option 1", ...] or null}. An option's text is both the value records
// carry and its label.
std::optional<fields::Field> read_custom_field_meta(const rapidjson::Value& item);

}  // namespace crmexport::providers::activecampaign
