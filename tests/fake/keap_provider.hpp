#pragma once
// The fake Keap: REST v1 and v2 under /keap (the real paths below the prefix), its OAuth
// endpoints (/keap/app/oauth/authorize, /keap/token), and the dump.

#include "tests/fake/fake_provider.hpp"
#include "tests/fake/options.hpp"

#include <memory>

namespace crm_fake {

std::unique_ptr<FakeProvider> make_keap_provider(const FakeOptions& options);

}  // namespace crm_fake
