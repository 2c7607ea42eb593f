#pragma once
// Where crmexport may send credentials: the one rule every URL passes through (flags, the stored
// connection, token endpoints, URLs a provider hands back, and the transport before each request).
// URLs are parsed by libcurl's URL API, the parser that will connect, never by string prefix:
// `http://127.0.0.1@example.com/` has the host example.com, whatever its first characters say.
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/error.hpp"

namespace crmexport::http {

struct UrlParts {
  std::string scheme;  // lower case: "https" or "http"
  std::string host;    // as libcurl reads it; IPv6 without brackets
  bool loopback = false;
};

// 127.0.0.0/8 and ::1 as literal addresses, and `localhost`: this machine, whatever DNS says.
// Names that only start like one (127.example.com, 127.0.0.1.nip.io) are not.
bool is_loopback_host(std::string_view host);

// Usage error naming `what` (a flag or "the stored base URL of connection 'x'") unless `url` is
// https://, or http:// to a loopback host, and carries no user name or password (userinfo both
// hides the real host from a reader and puts a secret in the URL).
Result<UrlParts> check_credential_url(std::string_view what, std::string_view url);

// A URL a provider's answer names (Pipedrive's api_domain): the rule above, and its host must be
// one of `domains` or under one (acme.pipedrive.com under pipedrive.com), or loopback (the tests'
// fake). A provider error (exit 5): the answer, not the user, is wrong.
Result<UrlParts> check_provider_url(std::string_view what, std::string_view url,
                                    const std::vector<std::string>& domains);

}  // namespace crmexport::http
