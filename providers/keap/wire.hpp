#pragma once
// Keap's two error bodies: the application's {code, message, status, details} and the Apigee
// gateway's {"fault":{"faultstring", "detail":{"errorcode"}}} (FACTS Keap §6).
#include <string>

#include "lib/http/message.hpp"

namespace crmexport::providers::keap {

std::string error_message(const http::Response& response);
// A 429 from the daily quota (not the per-minute throttle): waiting within a run will not cure it.
bool quota_exhausted(const http::Response& response);

}  // namespace crmexport::providers::keap
