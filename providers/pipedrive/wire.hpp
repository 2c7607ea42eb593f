#pragma once
// Pipedrive's error envelope: {"success":false,"error":"...","error_info":"...",...}.
#include <string>

#include "lib/http/message.hpp"

namespace crmexport::providers::pipedrive {

std::string error_message(const http::Response& response);

}  // namespace crmexport::providers::pipedrive
