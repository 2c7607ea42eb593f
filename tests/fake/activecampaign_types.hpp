#pragma once
// ActiveCampaign's object types, one row each (object_table.hpp): paths, filters, orders, limits
// and the record generators. Everything else a list does is the table's; what ActiveCampaign
// does beyond it (auth, the rate limit, include=fieldValues, churn) is activecampaign_provider's.

#include "tests/fake/object_table.hpp"

#include <span>

namespace crm_fake::activecampaign {

std::span<const table::ObjectType> object_types();

}  // namespace crm_fake::activecampaign
