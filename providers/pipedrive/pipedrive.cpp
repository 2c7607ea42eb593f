// Pipedrive, per ../shared/api-specs/FACTS.md (Pipedrive) and the v1/v2 OpenAPI documents there.
#include "providers/pipedrive/pipedrive.hpp"

#include "providers/pipedrive/wire.hpp"

namespace crmexport::providers::pipedrive {
namespace {

// v2 lists: cursor paging, limit up to 500 (FACTS §3).
constexpr int k_v2_max_limit = 500;
// v1 offset lists: FACTS calls their max "unconfirmed"; 500 is v1's documented cap for most
// lists, and start/next_start paging stays correct if the server caps lower.
constexpr int k_v1_max_limit = 500;

// Tokens per list request: x-token-cost in the OpenAPI documents (FACTS §4).
constexpr long k_v2_list_cost = 10;
constexpr long k_v2_pipeline_cost = 5;  // pipelines, stages
constexpr long k_v1_list_cost = 20;     // notes, users; assumed for the legacy v1 lists the spec no longer lists

// Field types with typed values in the mirror's views (docs/providers/pipedrive.md). Pipedrive's
// "date" also types add_time and update_time, which hold a date and a time: a datetime.
const std::vector<fields::ValueKindOf> k_value_kinds = {{"int", fields::ValueKind::integer},
                                                        {"double", fields::ValueKind::decimal},
                                                        {"monetary", fields::ValueKind::decimal},
                                                        {"date", fields::ValueKind::datetime},
                                                        {"boolean", fields::ValueKind::boolean}};

// Field metadata (docs/providers/pipedrive.md): the v2 Fields API pages by cursor like the
// lists; v2 records nest custom values under custom_fields, multiple options as arrays of ids.
std::shared_ptr<const fields::FieldsSpec> v2_fields(std::string singular) {
  fields::FieldsSpec f;
  f.sources = {{"/api/v2/" + singular + "Fields", {"data"},
                paging::make(paging::Cursor{"cursor", "limit", "/additional_data/next_cursor"}), k_v2_max_limit, {}}};
  f.read = fields::read_item({.key = "field_code",
                              .label = "field_name",
                              .type = "field_type",
                              .custom_flag = "is_custom_field",
                              .options = "options",
                              .multiple_types = {"set"}});
  f.placement = fields::Placement::member_object;
  f.multiple = fields::Multiple::json_array;
  f.value_kinds = k_value_kinds;
  return std::make_shared<const fields::FieldsSpec>(std::move(f));
}

// v1 *Fields: edit_flag marks custom fields; deleted options stay listed under options_deleted.
// v1 records carry custom values flat, sets as "1,2", money as KEY and KEY_currency.
std::shared_ptr<const fields::FieldsSpec> v1_fields(std::string singular) {
  fields::FieldsSpec f;
  f.sources = {{"/api/v1/" + singular + "Fields", {"data"}, paging::make(paging::StartNextStart{}), k_v1_max_limit, {}}};
  f.read = fields::read_item({.key = "key",
                              .label = "name",
                              .type = "field_type",
                              .custom_flag = "edit_flag",
                              .options = "options",
                              .more_options = {"options_deleted"},
                              .multiple_types = {"set"}});
  f.placement = fields::Placement::flat;
  f.multiple = fields::Multiple::comma_separated;
  f.currency_suffix = "_currency";
  f.value_kinds = k_value_kinds;
  return std::make_shared<const fields::FieldsSpec>(std::move(f));
}

// The singular a type's metadata endpoint is named after (dealFields); empty: none.
std::string fields_singular(const std::string& type) {
  for (const auto& [plural, singular] : {std::pair{"persons", "person"}, {"organizations", "organization"},
                                         {"deals", "deal"}, {"activities", "activity"}, {"notes", "note"}})
    if (type == plural) return singular;
  return {};
}

TypeSpec v2(std::string name, std::string description, bool has_updated_since) {
  TypeSpec t;
  t.request_cost = name == "pipelines" || name == "stages" ? k_v2_pipeline_cost : k_v2_list_cost;
  t.name = name;
  t.description = std::move(description);
  t.path = "/api/v2/" + name;
  t.records_at = {"data"};
  t.updated_field = "update_time";
  t.paging = paging::make(paging::Cursor{"cursor", "limit", "/additional_data/next_cursor"});
  t.max_page_size = k_v2_max_limit;
  if (has_updated_since) t.since = SinceFilter{"updated_since", TimeFormat::rfc3339};
  if (auto singular = fields_singular(t.name); !singular.empty()) t.fields = v2_fields(singular);
  return t;
}

TypeSpec v1(std::string name, std::string description, std::string updated_field, bool has_updated_since) {
  TypeSpec t;
  t.request_cost = k_v1_list_cost;
  t.name = name;
  t.description = std::move(description);
  t.path = "/api/v1/" + name;
  t.records_at = {"data"};
  t.updated_field = std::move(updated_field);
  // v1 lists answer an empty list with "data": null (as do its error envelopes, FACTS §6).
  t.records_member = json::RecordsMember::null_when_empty;
  t.paging = paging::make(paging::StartNextStart{});
  t.max_page_size = k_v1_max_limit;
  // v1 notes take updated_since (RFC3339); the other v1 lists have no change filter (FACTS §5).
  if (has_updated_since) t.since = SinceFilter{"updated_since", TimeFormat::rfc3339};
  if (auto singular = fields_singular(t.name); !singular.empty()) t.fields = v1_fields(singular);
  return t;
}

// FACTS Pipedrive §2: Basic client auth at the token endpoint for both grants; the answer's
// api_domain is the account's host. PKCE and the refused-refresh body are unconfirmed: no PKCE,
// and the standard invalid_grant.
auth::OAuthFacts oauth_facts() {
  auth::OAuthFacts f;
  f.authorize_url = "https://oauth.pipedrive.com/oauth/authorize";
  f.token_url = "https://oauth.pipedrive.com/oauth/token";
  f.code_client_auth = auth::ClientAuth::basic;
  f.refresh_client_auth = auth::ClientAuth::basic;
  f.refused_errors = {"invalid_grant"};
  f.base_url_field = "api_domain";
  // FACTS Pipedrive §1: api_domain is the company's own host, https://COMPANY.pipedrive.com.
  f.base_url_domains = {"pipedrive.com"};
  return f;
}

Provider make() {
  Provider p;
  p.name = "pipedrive";
  p.title = "Pipedrive";
  p.default_base_url = "https://api.pipedrive.com";
  p.base_url_hint = "https://COMPANY.pipedrive.com";
  p.auth_kinds = {"token", "oauth2"};
  p.token_auth = {"x-api-token", ""};
  p.oauth = oauth_facts();
  p.verify_path = "/api/v1/users/me";
  p.verify_shape = {"/data/id", json::Kind::number};  // the user's integer id (PD-SPEC getCurrentUser)
  // Burst limit over a rolling 2 s window (FACTS §4): every thread keeps the lowest plan's 20
  // until x-ratelimit-limit tells this token's (Growth 40, OAuth up to 480). Retry-After on a
  // 429 is unconfirmed, so the reset header is what the client waits on.
  p.rate_limits.windows = {{"", 20, http::Duration(2000)}};
  p.rate_limits.limit_header = "x-ratelimit-limit";
  p.rate_limits.remaining_header = "x-ratelimit-remaining";
  p.rate_limits.reset_header = "x-ratelimit-reset";
  p.cost_unit = "tokens";
  p.errors.rate_limit_is_final = daily_budget_spent;
  p.errors.message = error_message;

  // Notes and users exist only in v1 (FACTS §1), so the default API mixes both.
  p.versions.push_back(ApiVersion{"v2",
                                  "API v2 (cursor paging) where it exists; v1 for notes and users, which have no v2",
                                  {
                                      v2("persons", "people (contacts)", true),
                                      v2("organizations", "organizations (companies)", true),
                                      v2("deals", "deals (archived deals are not included, as in the API)", true),
                                      v2("activities", "activities (calls, meetings, tasks)", true),
                                      v2("pipelines", "deal pipelines", false),
                                      v2("stages", "pipeline stages", false),
                                      v1("notes", "notes on deals, people and organizations", "update_time", true),
                                      v1("users", "users of the company account", "modified", false),
                                  }});
  // Deals deleted in the last 30 days stay listed under status=deleted (FACTS §5): the one
  // deletion a change-filtered Pipedrive type reports; sync reads that list.
  for (auto& type : p.versions.back().types)
    if (type.name == "deals") type.deleted_params = {{"status", "deleted"}};
  // The seed's v1 endpoints: out of support since 2026-08-01 but still answering (FACTS §1).
  p.versions.push_back(ApiVersion{"v1",
                                  "the legacy v1 lists (start/limit paging); out of support upstream since 2026-08-01",
                                  {
                                      v1("persons", "people (contacts)", "update_time", false),
                                      v1("organizations", "organizations (companies)", "update_time", false),
                                      v1("deals", "deals", "update_time", false),
                                      v1("notes", "notes on deals, people and organizations", "update_time", true),
                                      v1("pipelines", "deal pipelines", "update_time", false),
                                      v1("stages", "pipeline stages", "update_time", false),
                                      v1("users", "users of the company account", "modified", false),
                                  }});
  return p;
}

}  // namespace

const Provider& provider() {
  static const Provider k_provider = make();
  return k_provider;
}

}  // namespace crmexport::providers::pipedrive
