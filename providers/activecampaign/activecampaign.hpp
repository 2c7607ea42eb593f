#pragma once
#include "providers/provider.hpp"

namespace crmexport::providers::activecampaign {

const Provider& provider();

}  // namespace crmexport::providers::activecampaign
