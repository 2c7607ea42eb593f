#pragma once
// A provider is a description: which types it has, where they live, how they page, how a
// token travels and what its errors and rate-limit headers look like. It performs no I/O;
// lib/engine reads this description and does the work.
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/time.hpp"
#include "lib/http/client.hpp"
#include "lib/http/rate_limit.hpp"
#include "lib/paging/strategy.hpp"

namespace crmexport::providers {

// A change filter: records updated at or after a time.
struct SinceFilter {
  std::string param;
  TimeFormat format = TimeFormat::rfc3339;
};

// "a, b, c" from anything with a name, for messages that list what is allowed.
template <typename Named>
std::string join_names(const std::vector<Named>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item.name;
  return out;
}

struct TypeSpec {
  std::string name;                     // what the user types: "persons"
  std::string description;              // one line for `crmexport providers`
  std::string path;                     // below the connection's base URL
  std::vector<std::string> records_at;  // keys from the body's root to the records array
  std::string id_field = "id";
  std::string updated_field;  // empty when records carry no update time
  std::shared_ptr<const paging::Strategy> paging;
  int max_page_size = 100;           // the provider's cap; larger requests are clamped to it
  paging::Query fixed_params;        // sent with every page (e.g. a stable sort order)
  std::optional<SinceFilter> since;  // nullopt: the API has no change filter for this type
  // Parameters that list recently deleted records instead of live ones (Pipedrive deals:
  // status=deleted); empty when the API has no such list. Incremental syncs read it to mark deletions.
  paging::Query deleted_params;
};

struct ApiVersion {
  std::string name;  // "v2"
  std::string note;  // one line: what it is and when to choose it
  std::vector<TypeSpec> types;

  const TypeSpec* type(std::string_view type_name) const {
    for (const auto& t : types)
      if (t.name == type_name) return &t;
    return nullptr;
  }
  std::string type_names() const { return join_names(types); }  // "a, b, c" for messages
};

// How a static token travels.
struct TokenAuth {
  std::string header;
  std::string prefix;  // e.g. "Bearer "
};

struct Provider {
  std::string name;                     // "pipedrive"
  std::string title;                    // "Pipedrive"
  std::string default_base_url;         // empty when every account has its own (then --base-url is required)
  std::string base_url_hint;            // shown in messages: the form an account URL takes
  std::vector<std::string> auth_kinds;  // "token", later "oauth2"
  TokenAuth token_auth;
  std::vector<ApiVersion> versions;  // the first is the default
  std::string verify_path;           // one cheap authenticated GET, for `auth add` and `auth test`
  http::RateLimitRules rate_limits;
  http::ProviderErrorRules errors;

  const ApiVersion& default_version() const { return versions.front(); }
  const ApiVersion* version(std::string_view version_name) const {
    for (const auto& v : versions)
      if (v.name == version_name) return &v;
    return nullptr;
  }
  std::string version_names() const { return join_names(versions); }
};

}  // namespace crmexport::providers
