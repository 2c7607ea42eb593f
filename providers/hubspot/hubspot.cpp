// HubSpot, per ../shared/api-specs/FACTS.md (HubSpot). CRM v3 by default; the seed's legacy
// endpoints behind --api-version legacy.
#include "providers/hubspot/hubspot.hpp"

#include "providers/hubspot/field_labels.hpp"
#include "providers/hubspot/planners.hpp"
#include "providers/hubspot/wire.hpp"

namespace crmexport::providers::hubspot {
namespace {

// search takes 200 a page (FACTS §3); list GETs take 100 and the planner clamps to that.
constexpr int k_search_max = 200;

TypeSpec object(std::string name, std::string description, std::string modified_property) {
  TypeSpec t;
  t.name = name;
  t.description = std::move(description);
  t.path = "/crm/v3/objects/" + name;
  t.records_at = {"results"};
  t.updated_field = "updatedAt";
  t.max_page_size = k_search_max;
  t.since = SinceFilter{modified_property, TimeFormat::epoch_millis};
  t.planner = objects_planner(name, modified_property);
  // Search (--since) answers with the count of matching records; list pages carry none (FACTS HubSpot §3).
  t.total_at = "/total";
  t.fields = properties_fields(t.name);
  return t;
}

TypeSpec pipelines(bool stages) {
  TypeSpec t;
  t.name = stages ? "stages" : "pipelines";
  t.description = stages ? "deal pipeline stages, each with its pipelineId" : "deal pipelines with their stages";
  t.path = "/crm/v3/pipelines/deals";
  t.records_at = {"results"};
  t.updated_field = "updatedAt";
  t.planner = pipelines_planner(stages);
  return t;
}

TypeSpec owners() {
  TypeSpec t;
  t.name = "owners";
  t.description = "owners (users who can own records)";
  t.path = "/crm/v3/owners";
  t.records_at = {"results"};
  t.updated_field = "updatedAt";
  t.paging = paging::make(paging::Cursor{"after", "limit", "/paging/next/after"});
  t.max_page_size = 100;  // the owners API's limit maximum is not in FACTS; 100 is the v3 list maximum
  return t;
}

// Legacy endpoints (FACTS §3): each pages with an opaque offset and a has-more flag.
TypeSpec legacy(std::string name, std::string description, std::string path, std::string records,
                paging::HasMoreOffset paging, int max_page_size, paging::Query fixed = {}) {
  TypeSpec t;
  t.name = std::move(name);
  t.description = std::move(description);
  t.path = std::move(path);
  t.records_at = {std::move(records)};
  t.paging = paging::make(std::move(paging));
  t.max_page_size = max_page_size;
  t.fixed_params = std::move(fixed);
  return t;
}

auth::OAuthFacts oauth_facts() {
  auth::OAuthFacts f;
  // FACTS HubSpot §2: client credentials as form fields for both grants; the v3 token endpoint
  // (v1 is deprecated from 2027-02-16). Access tokens live 30 minutes: refresh ahead of expiry,
  // since a 401 is not a reliable signal. Whether refresh tokens rotate is unconfirmed, so
  // whatever comes back is stored (the shared OAuth code always does).
  f.authorize_url = "https://app.hubspot.com/oauth/authorize";
  f.token_url = "https://api.hubapi.com/oauth/v3/token";
  f.code_client_auth = auth::ClientAuth::form;
  f.refresh_client_auth = auth::ClientAuth::form;
  f.pkce = false;
  f.scope = "crm.objects.contacts.read crm.objects.companies.read crm.objects.deals.read crm.objects.owners.read";
  f.refused_errors = {"invalid_grant"};
  f.default_lifetime = std::chrono::minutes(30);
  return f;
}

Provider make() {
  Provider p;
  p.name = "hubspot";
  p.title = "HubSpot";
  // One host for every account, EU included (FACTS §1).
  p.default_base_url = "https://api.hubapi.com";
  // No other form to hint at: --base-url only matters for a proxy or the fake.
  p.auth_kinds = {"token", "oauth2"};
  p.oauth = oauth_facts();
  // Private app tokens (and service keys) travel as a bearer token (FACTS §2).
  p.token_auth = {"Authorization", "Bearer "};
  p.verify_path = "/account-info/v3/details";
  // The account's own number, beside dataHostingLocation and uiDomain (FACTS HubSpot §1, HS-SPEC
  // account-info); its answer has no envelope.
  p.verify_shape = {"/portalId", json::Kind::number};
  // The 10-second window (FACTS §4): when Remaining reaches 0, wait one interval before the next
  // request rather than spend one on a certain 429; a TEN_SECONDLY_ROLLING 429 waits the same.
  // The budgets themselves (FACTS §4): 100 per 10 s for the lowest tier until
  // X-HubSpot-RateLimit-Max says more; search has its own 5 a second outside that bucket.
  p.rate_limits.windows = {{"", 100, http::Duration(10'000)}, {"search", 5, http::Duration(1000)}};
  p.rate_limits.limit_header = "x-hubspot-ratelimit-max";
  p.rate_limits.remaining_header = "x-hubspot-ratelimit-remaining";
  p.rate_limits.reset_header = "x-hubspot-ratelimit-interval-milliseconds";
  p.rate_limits.reset_unit = http::Duration(1);
  p.errors.message = error_message;
  p.errors.rate_limit_is_final = is_daily_limit;
  // 423 Locked: wait at least 2 s; 477: the account is moving between data centres, wait what
  // Retry-After says (up to 24 h, so past the 5-minute cap the run stops with the wait) [FACTS §6].
  p.errors.more_retryable = {{423, http::Duration(2000)}, {477, http::Duration(1000)}};

  ApiVersion v3{"v3",
                "CRM v3 objects with every property, search for --since, pipelines and owners",
                {
                    object("contacts", "contacts", "lastmodifieddate"),
                    object("companies", "companies", "hs_lastmodifieddate"),
                    object("deals", "deals", "hs_lastmodifieddate"),
                    object("notes", "notes", "hs_lastmodifieddate"),
                    pipelines(false),
                    pipelines(true),
                    owners(),
                }};
  v3.fields_name_properties = true;
  p.versions.push_back(std::move(v3));
  // The seed's endpoints, still answering until September 2027 (FACTS §1).
  p.versions.push_back(ApiVersion{
      "legacy",
      "HubSpot's legacy endpoints (contacts v1, companies v2, deals v1, engagements v1, answering until September 2027), paged to the end",
      {
          legacy("contacts", "contacts (v1 all contacts)", "/contacts/v1/lists/all/contacts/all", "contacts",
                 {"vidOffset", "count", "/has-more", "/vid-offset"}, 100),
          legacy("companies", "companies (v2 paged)", "/companies/v2/companies/paged", "companies",
                 {"offset", "limit", "/has-more", "/offset"}, 250),
          legacy("deals", "deals (v1 paged, with associations)", "/deals/v1/deal/paged", "deals",
                 {"offset", "limit", "/hasMore", "/offset"}, 250, {{"includeAssociations", "true"}}),
          legacy("notes", "engagements (v1 paged): notes with the other engagements", "/engagements/v1/engagements/paged",
                 "results", {"offset", "limit", "/hasMore", "/offset"}, 250),
      }});
  return p;
}

}  // namespace

const Provider& provider() {
  static const Provider k_provider = make();
  return k_provider;
}

}  // namespace crmexport::providers::hubspot
