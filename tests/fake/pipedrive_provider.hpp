#pragma once
// The fake Pipedrive: routes under /pipedrive, serving a generated account in v1 and v2 shapes.

#include "tests/fake/fake_provider.hpp"
#include "tests/fake/options.hpp"

#include <memory>

namespace crm_fake {

std::unique_ptr<FakeProvider> make_pipedrive_provider(const FakeOptions& options);

}  // namespace crm_fake
