#pragma once
// The fake HubSpot: routes under /hubspot, CRM v3 objects (list, batch/read, search,
// properties), pipelines, owners, account info and the legacy endpoints the seed used.

#include "tests/fake/fake_provider.hpp"
#include "tests/fake/options.hpp"

#include <memory>

namespace crm_fake {

std::unique_ptr<FakeProvider> make_hubspot_provider(const FakeOptions& options);

}  // namespace crm_fake
