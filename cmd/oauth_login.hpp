#pragma once
// OAuth2 on the command line: `auth add PROVIDER --oauth` (tokens the user already holds, as JSON
// on stdin) and `auth login PROVIDER` (the authorization-code flow with a loopback redirect).
#include <string>

#include "cmd/context.hpp"

namespace crmexport::cmd {

struct OAuthUrls {
  std::string authorize_url;  // --authorize-url; empty: the provider's
  std::string token_url;      // --token-url; empty: the provider's
};

// Secrets must not cross a network in clear text: an override URL is https, or plain http to this
// machine (the fake server). Usage error otherwise; an empty URL is fine (the provider's is used).
void check_oauth_url(std::string_view flag, const std::string& url);

// The secret JSON of an OAuth connection from `{"client_id","client_secret","refresh_token",
// ["access_token","expires_in"]}` on stdin. Usage error naming the missing field.
std::string oauth_secret_from_stdin(const OAuthUrls& urls);

struct LoginOptions {
  std::string provider;
  std::string name;
  std::string client_id;
  std::string base_url;
  OAuthUrls urls;
  int port = 0;  // 0: any free port
  bool no_browser = false;
  int timeout_seconds = 300;
};

void login(const Context& context, const LoginOptions& options);

}  // namespace crmexport::cmd
