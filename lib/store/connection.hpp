#pragma once
// One saved CRM account: what to talk to and the secret that lets us in.
#include <string>

namespace crmexport::store {

struct Connection {
  std::string name;         // the user's name for it, unique in a store
  std::string provider;     // "pipedrive", "keap", "hubspot", "activecampaign"
  std::string base_url;     // empty: the provider's default
  std::string api_version;  // empty: the provider's default
  std::string auth_kind;    // "token" now; "oauth2" later
  std::string secret;       // JSON text holding the secret material (e.g. {"token":"..."}); never logged
  std::string created_at;   // ISO-8601 UTC with milliseconds, set by the store
  std::string updated_at;   // ISO-8601 UTC with milliseconds, set by the store

  bool operator==(const Connection&) const = default;
};

}  // namespace crmexport::store
