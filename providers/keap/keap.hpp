#pragma once
// Keap (Infusionsoft): REST v2 by default, the seed's REST v1 on request; OAuth2 or a static key.
#include "providers/provider.hpp"

namespace crmexport::providers::keap {

const Provider& provider();

}  // namespace crmexport::providers::keap
