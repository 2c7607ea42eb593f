#pragma once
// The fake ActiveCampaign: routes under /activecampaign/api/3, an in-memory account whose
// contacts can change while an export runs (--churn-every, POST /_activecampaign/churn).

#include "tests/fake/fake_provider.hpp"
#include "tests/fake/options.hpp"

#include <memory>

namespace crm_fake {

std::unique_ptr<FakeProvider> make_activecampaign_provider(const FakeOptions& options);

}  // namespace crm_fake
