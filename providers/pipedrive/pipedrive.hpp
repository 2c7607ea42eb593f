#pragma once
#include "providers/provider.hpp"

namespace crmexport::providers::pipedrive {

const Provider& provider();

}  // namespace crmexport::providers::pipedrive
