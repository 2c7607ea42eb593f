#pragma once
// HubSpot's field metadata for readable records: property definitions, and owners as the
// options of the owner property.
#include <memory>
#include <string>

#include "lib/fields/spec.hpp"

namespace crmexport::providers::hubspot {

std::shared_ptr<const fields::FieldsSpec> properties_fields(const std::string& type);

}  // namespace crmexport::providers::hubspot
