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

#include "lib/auth/oauth.hpp"
#include "lib/core/time.hpp"
#include "lib/fields/spec.hpp"
#include "lib/http/client.hpp"
#include "lib/http/rate_limit.hpp"
#include "lib/json/shape.hpp"
#include "lib/paging/strategy.hpp"

namespace crmexport::providers {

// A change filter: records updated at or after a time.
struct SinceFilter {
  SinceFilter(std::string param_name, TimeFormat time_format = TimeFormat::rfc3339, std::string prefix = {})
      : param(std::move(param_name)), format(time_format), value_prefix(std::move(prefix)) {}
  std::string param;
  TimeFormat format = TimeFormat::rfc3339;
  std::string value_prefix;  // put before the time, for filter grammars (Keap: "start_update_time==")
};

// "a, b, c" from anything with a name, for messages that list what is allowed.
template <typename Named>
std::string join_names(const std::vector<Named>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item.name;
  return out;
}

// A request a provider plans and the engine sends (see PagePlanner).
struct PlannedRequest {
  std::string method = "GET";
  std::string path;  // below the connection's base URL
  http::Query query;
  std::string body;                     // JSON, sent with Content-Type: application/json when not empty
  std::vector<std::string> records_at;  // where the answer's records are, as TypeSpec::records_at
  std::string lane = {};                // the rate-limit lane it counts in (see http::RateWindow)
};

// What the user asked of one read, as a planner sees it.
struct ReadAsk {
  int page_size = 0;  // already clamped to the type's maximum
  std::optional<TimePoint> since;
  http::Query params;                     // --param
  std::vector<std::string> properties;    // --fields, where ApiVersion::fields_name_properties
  std::vector<std::string> associations;  // --associations
  bool archived = false;                  // --archived
};

// One logical page built from several answers.
struct AssembledPage {
  std::vector<std::string> records;  // compact JSON, numbers as the provider wrote them
  std::optional<std::string> next;   // nullopt: the last page
};

// For types whose page is not one GET of one URL: several requests (GET or POST with a JSON
// body), some depending on earlier answers, merged into one page. The planner only names
// requests and combines parsed answers; the engine sends them (retries, pacing, auth).
// Positions are text, as with paging strategies, so --cursor and sync can keep them.
class PagePlanner {
 public:
  virtual ~PagePlanner() = default;
  // Requests answered once per read, before the first page (e.g. property definitions).
  virtual std::vector<PlannedRequest> prelude(const ReadAsk& ask) const = 0;
  // The next requests for the page at `position`, given the prelude's answers and this page's
  // answers so far (in the order asked); empty when the page is complete.
  virtual Result<std::vector<PlannedRequest>> requests(const ReadAsk& ask, std::span<const json::Page> prelude,
                                                       std::string_view position,
                                                       std::span<const json::Page> answers) const = 0;
  // The page made of its answers, and where the next one starts.
  virtual Result<AssembledPage> assemble(const ReadAsk& ask, std::span<const json::Page> prelude,
                                         std::string_view position, std::span<const json::Page> answers) const = 0;
  // The query parameters the planner sets itself (a --param may not name them).
  virtual std::vector<std::string> param_names() const = 0;
};

struct TypeSpec {
  std::string name;                     // what the user types: "persons"
  std::string description;              // one line for `crmexport providers`
  std::string path;                     // below the connection's base URL
  std::vector<std::string> records_at;  // keys from the body's root to the records array
  // Whether the API answers an empty list with null there; otherwise null is a malformed answer.
  json::RecordsMember records_member = json::RecordsMember::array;
  std::string id_field = "id";
  std::string updated_field;  // empty when records carry no update time
  std::shared_ptr<const paging::Strategy> paging;
  int max_page_size = 100;           // the provider's cap; larger requests are clamped to it
  paging::Query fixed_params;        // sent with every page (e.g. a stable sort order)
  std::optional<SinceFilter> since;  // nullopt: the API has no change filter for this type
  // Set when a page takes more than one GET; then path, records_at, paging and fixed_params
  // are not used for reading (path still names the endpoint in messages).
  std::shared_ptr<const PagePlanner> planner;
  std::string total_at;              // JSON pointer to the provider's count of matching records; empty: none
  // Parameters that list recently deleted records instead of live ones (Pipedrive deals:
  // status=deleted); empty when the API has no such list. Incremental syncs read it to mark deletions.
  paging::Query deleted_params;
  // Where the type's field metadata is and how custom values sit in its records; null when the
  // API has no field metadata for it (then --labels leaves its records as they are).
  std::shared_ptr<const fields::FieldsSpec> fields;
  // What one list request costs in the provider's daily budget (Pipedrive: x-token-cost tokens
  // in its OpenAPI spec); 0 where the provider charges requests, not tokens.
  long request_cost = 0;
};

struct ApiVersion {
  std::string name;  // "v2"
  std::string note;  // one line: what it is and when to choose it
  std::vector<TypeSpec> types;
  // --fields names the record properties to request (any format) rather than CSV columns.
  bool fields_name_properties = false;

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

// How --filter FIELD=VALUE and --order FIELD:asc|desc are spelled as query parameters, for
// providers whose lists take generic filters and orders. "{}" stands for the field.
struct FilterOrderSpelling {
  std::string filter = "filters[{}]";
  std::string order = "orders[{}]";
  std::string ascending = "ASC";
  std::string descending = "DESC";
};

struct Provider {
  std::string name;                     // "pipedrive"
  std::string title;                    // "Pipedrive"
  std::string default_base_url;         // empty when every account has its own (then --base-url is required)
  std::string base_url_hint;            // shown in messages: the form an account URL takes
  std::vector<std::string> auth_kinds;  // "token", later "oauth2"
  TokenAuth token_auth;
  std::optional<auth::OAuthFacts> oauth;  // set when auth_kinds has "oauth2"
  std::vector<ApiVersion> versions;       // the first is the default
  std::string verify_path;                // one cheap authenticated GET, for `auth add` and `auth test`
  // What verify_path's documented answer holds (default: a JSON object). A 2xx without it (a login
  // page, an empty body) is not the provider answering: `auth add` stores nothing, `auth test` fails.
  json::Shape verify_shape;
  http::RateLimitRules rate_limits;
  std::string cost_unit;  // what TypeSpec::request_cost counts ("tokens"); empty: nothing beyond requests
  http::ProviderErrorRules errors;
  std::optional<FilterOrderSpelling> filter_order;  // nullopt: --filter/--order refused (use --param)
  // The account is the base URL and the provider refuses a second set of credentials for it:
  // `auth add` then refuses a second connection to the same URL unless --force.
  bool one_connection_per_base_url = false;
  std::string verify_refused;  // what `auth add` says when the check fails; empty: a generic line

  const ApiVersion& default_version() const { return versions.front(); }
  const ApiVersion* version(std::string_view version_name) const {
    for (const auto& v : versions)
      if (v.name == version_name) return &v;
    return nullptr;
  }
  std::string version_names() const { return join_names(versions); }
};

}  // namespace crmexport::providers
