#pragma once
#include "providers/provider.hpp"

namespace crmexport::providers::hubspot {

const Provider& provider();

}  // namespace crmexport::providers::hubspot
