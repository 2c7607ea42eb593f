#pragma once
// A 2xx whose body is not the answer the endpoint documents (json::Shape): what a captive portal,
// a proxy's login page or a wrong URL gives. It says nothing of the credentials, so it is never
// taken as their acceptance, nor as their refusal.
#include <string_view>

#include "lib/core/error.hpp"
#include "lib/http/message.hpp"

namespace crmexport::http {

// A provider error (exit 5, a malformed answer) with `response`'s status:
// "the server at URL did not answer as WHO does (HTTP 200, text/html): is the URL right, or is a
// proxy or login page in the way?", the URL without query or credentials, and "empty body" or
// "no content type" where the Content-Type would be.
Error unlike_answer(std::string_view url, std::string_view who, const Response& response);

}  // namespace crmexport::http
