#pragma once
// ActiveCampaign's error bodies, which have no documented schema (FACTS ActiveCampaign §6):
// {"message":"Forbidden"} or {"errors":[{"title":"...","detail":"..."}]}.
#include <string>

#include "lib/http/message.hpp"

namespace crmexport::providers::activecampaign {

std::string error_message(const http::Response& response);

}  // namespace crmexport::providers::activecampaign
