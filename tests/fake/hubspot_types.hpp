#pragma once
// HubSpot's object types that are rows of the object table (object_table.hpp): the owners so
// far. The CRM objects (contacts, companies, deals, notes) keep their handlers until the table
// can project records by the request's `properties` and `associations` (README, "Not yet rows").

#include "tests/fake/object_table.hpp"

#include <span>

namespace crm_fake::hubspot {

std::span<const table::ObjectType> object_types();

}  // namespace crm_fake::hubspot
