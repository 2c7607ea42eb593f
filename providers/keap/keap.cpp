// Keap, per ../shared/api-specs/FACTS.md (Keap) and the official v2 spec beside it
// (keap/keap-rest-v2.read.yaml).
#include "providers/keap/keap.hpp"

#include "providers/keap/wire.hpp"

#include <map>

namespace crmexport::providers::keap {
namespace {

// v2 lists take page_size up to 1000 (spec: every list we export; users would be 100).
constexpr int k_v2_max_page_size = 1000;
// v1: FACTS calls the max limit unconfirmed; the seed kept 1..200, which is also the long-documented cap.
constexpr int k_v1_max_page_size = 200;

// Every optional company field the spec lists, so an export is complete.
constexpr const char* k_company_fields =
    "company_name,email_address,phone_number,fax_number,address,notes,create_time,update_time,custom_fields";
// The v2 reference describes a contact list's `fields` as the "list of Contact properties to
// include in the response" and lists what is available: read as a whitelist, asking only for
// custom_fields would return contacts without names, e-mails or phones. So every one is named,
// in the reference's order (spec: listContacts `fields`).
constexpr const char* k_contact_fields =
    "addresses,anniversary_date,birth_date,company,contact_type,create_time,custom_fields,email_addresses,family_name,"
    "fax_numbers,given_name,id,job_title,leadsource_id,links,middle_name,notes,origin,owner_id,phone_numbers,"
    "preferred_locale,preferred_name,prefix,referral_code,score_value,social_accounts,source_type,spouse_name,suffix,"
    "tag_ids,time_zone,update_time,utm_parameters,website,account_id,assistant_name,assistant_phone,"
    "billing_information,created_by,groups,last_updated_by";
// Opportunities' `fields` names optional properties only, from an enum (spec: listOpportunities):
// the non-legacy ones. The legacy ones (monthly_revenue, order_revenue, objection, status,
// stage_entrance_time) are "supported only if legacy opportunities feature is enabled", and an
// account without it may refuse them, so they are not asked for.
constexpr const char* k_opportunity_fields = "custom_fields,created_by,last_updated_by,status_id";

// Custom field definitions (docs/providers/keap.md): GET .../{type}/model lists custom fields
// only ({id, label, field_type, options[{id, label}]}), unpaged; records carry the values as
// custom_fields [{id, content}] when asked, list boxes as "a,b". Built-in keys are declared so
// that custom names do not take them.
std::shared_ptr<const fields::FieldsSpec> model_fields(const std::string& path, std::vector<fields::Builtin> builtins) {
  fields::FieldsSpec f;
  f.sources = {{path + "/model", {"custom_fields"}, paging::make(paging::Cursor{"page_token", "", "/next_page_token"}),
                1, {}}};
  f.read = fields::read_item({.key = "id",
                              .label = "label",
                              .type = "field_type",
                              .options = "options",
                              .multiple_types = {"LIST_BOX", "ListBox"},
                              .custom_when = [](const fields::Field&) { return true; }});
  f.placement = fields::Placement::id_content_list;
  f.multiple = fields::Multiple::comma_separated;
  f.builtins = std::move(builtins);
  // Custom field types (v1 WholeNumber, v2 WHOLE_NUMBER: one name to kind_of) and the built-in
  // types declared below.
  f.value_kinds = {{"WholeNumber", fields::ValueKind::integer},   {"integer", fields::ValueKind::integer},
                   {"DecimalNumber", fields::ValueKind::decimal}, {"Currency", fields::ValueKind::decimal},
                   {"Percent", fields::ValueKind::decimal},       {"number", fields::ValueKind::decimal},
                   {"YesNo", fields::ValueKind::boolean},         {"Date", fields::ValueKind::date},
                   {"DateTime", fields::ValueKind::datetime}};
  return std::make_shared<const fields::FieldsSpec>(std::move(f));
}

TypeSpec v2(std::string name, std::string path, std::string records_key, std::string description,
            std::string updated_field, std::optional<SinceFilter> since, paging::Query fixed) {
  TypeSpec t;
  t.name = std::move(name);
  t.description = std::move(description);
  t.path = "/crm/rest/v2/" + path;
  t.records_at = {std::move(records_key)};
  t.updated_field = std::move(updated_field);
  t.paging = paging::make(paging::Cursor{"page_token", "page_size", "/next_page_token"});
  t.max_page_size = k_v2_max_page_size;
  t.fixed_params = std::move(fixed);
  t.since = std::move(since);
  return t;
}

// The v1 lists' order, as the v1 reference lists it per list (docs/providers/keap.md, "Order"):
// contacts and companies take order=id with order_direction; opportunities take no id order and
// no direction, so they are read by creation (new ones land at the end, and offsets stay put);
// notes take no order at all. Offsets need a stable order: what is sent is the most stable the
// reference allows.
const paging::Query k_v1_by_id = {{"order", "id"}, {"order_direction", "ascending"}};

TypeSpec v1(std::string name, std::string description, std::string updated_field, paging::Query order,
            std::optional<SinceFilter> since = std::nullopt) {
  TypeSpec t;
  t.name = name;
  t.description = std::move(description);
  t.path = "/crm/rest/v1/" + name;
  t.records_at = {name};
  t.updated_field = std::move(updated_field);
  t.paging = paging::make(paging::OffsetLimit{"offset", "limit", "/count"});
  // v1 lists carry the matching records' count; v2 lists have only next_page_token (FACTS Keap §3).
  t.total_at = "/count";
  t.max_page_size = k_v1_max_page_size;
  t.fixed_params = std::move(order);
  t.since = std::move(since);  // only contacts: since/until on last_updated (FACTS Keap §5)
  return t;
}

// The v2 `filter` grammar is `field==value;...` (FACTS Keap §5); the time wants milliseconds.
SinceFilter filter_since(std::string field) {
  return SinceFilter{"filter", TimeFormat::rfc3339_millis, std::move(field) + "=="};
}

// Contacts, companies and opportunities carry custom_fields only when asked (v2 `fields`, named
// with every other property in each type's fixed parameters; v1 `optional_properties`): asked
// always, so exports are complete and --labels has the values.
void ask_for_custom_fields(Provider& p) {
  // The model lists custom fields only: the built-in ones are declared here, labeled and typed
  // as Keap's REST v2 reference describes the record (docs/providers/keap.md).
  const std::map<std::string, std::vector<fields::Builtin>> v2_builtins{
      {"contacts",
       {{"id", "Unique identifier", "string"},
        {"given_name", "First name", "string"},
        {"family_name", "Last name", "string"},
        {"email_addresses", "Email addresses", "array"},
        {"phone_numbers", "Phone numbers", "array"},
        {"company", "Associated company", "object"},
        {"owner_id", "Owner (user id)", "string"},
        {"create_time", "Created", "date-time"},
        {"update_time", "Last updated", "date-time"}}},
      {"companies",
       {{"id", "Unique identifier", "string"},
        {"company_name", "Company name", "string"},
        {"email_address", "Email address", "object"},
        {"phone_number", "Phone number", "object"},
        {"fax_number", "Fax number", "object"},
        {"address", "Address", "object"},
        {"notes", "Notes", "string"},
        {"create_time", "Created", "date-time"},
        {"update_time", "Last updated", "date-time"}}},
      {"opportunities",
       {{"id", "Unique identifier", "string"},
        {"opportunity_title", "Opportunity title", "string"},
        {"contact", "Contact", "object"},
        {"stage", "Stage", "object"},
        {"user", "Owner", "object"},
        {"projected_revenue_low", "Projected revenue (low)", "number"},
        {"projected_revenue_high", "Projected revenue (high)", "number"},
        {"include_in_forecast", "Include in forecast", "integer"},
        {"opportunity_notes", "Notes", "string"},
        {"created_time", "Created", "date-time"},
        {"last_updated_time", "Last updated", "date-time"}}}};
  for (auto& version : p.versions)
    for (auto& type : version.types) {
      auto builtins = v2_builtins.find(type.name);
      if (builtins == v2_builtins.end()) continue;
      bool v2 = version.name == "v2";
      if (!v2) type.fixed_params.emplace_back("optional_properties", "custom_fields");
      auto declared = builtins->second;
      if (!v2)  // v1 names its times differently
        for (auto& builtin : declared)
          if (builtin.key.ends_with("_time"))
            builtin.key = builtin.key.starts_with("create") ? "date_created" : "last_updated";
      type.fields = model_fields(type.path, std::move(declared));
    }
}

auth::OAuthFacts oauth_facts() {
  auth::OAuthFacts f;
  // FACTS Keap §2: one scope ("full"); the code goes with form credentials, the refresh with Basic.
  f.authorize_url = "https://accounts.infusionsoft.com/app/oauth/authorize";
  f.token_url = "https://api.infusionsoft.com/token";
  f.code_client_auth = auth::ClientAuth::form;
  f.refresh_client_auth = auth::ClientAuth::basic;
  f.pkce = false;  // not documented for Keap
  f.scope = "full";
  f.extra_authorize_params = {"response_type=code"};
  // A dead refresh token answers invalid_request "Invalid Refresh Token"; invalid_grant is unconfirmed
  // but is the standard code, so both count as refused.
  f.refused_errors = {"invalid_grant"};
  f.refused_descriptions = {"Invalid Refresh Token"};
  f.default_lifetime = std::chrono::hours(24);
  return f;
}

Provider make() {
  Provider p;
  p.name = "keap";
  p.title = "Keap";
  // One host for the token endpoint and REST v1; v2 also answers there (the spec's server is the
  // api.keap.com alias of the same gateway).
  p.default_base_url = "https://api.infusionsoft.com";
  p.base_url_hint = "https://api.keap.com";
  p.auth_kinds = {"token", "oauth2"};
  p.token_auth = {"X-Keap-API-Key", ""};
  p.oauth = oauth_facts();
  p.verify_path = "/crm/rest/v2/opportunities/stages";
  // A list: its items under `stages`, possibly none (KP-SPEC ListOpportunityStagesResponse; FACTS
  // Keap §3), so the array itself is what the answer must hold.
  p.verify_shape = {"/stages", json::Kind::array};
  // FACTS Keap §4: quota and throttle headers; an empty window is waited out before a 429.
  p.rate_limits.remaining_header = "x-keap-product-throttle-available";
  p.rate_limits.more_remaining_headers = {"x-keap-tenant-throttle-available"};
  p.rate_limits.empty_window_wait = http::Duration(5000);
  p.errors.message = error_message;
  p.errors.rate_limit_is_final = quota_exhausted;

  p.versions.push_back(
      ApiVersion{"v2",
                 "REST v2 (page tokens, up to 1000 records a page)",
                 {
                     v2("contacts", "contacts", "contacts", "people", "update_time", filter_since("start_update_time"),
                        {{"order_by", "id asc"}, {"fields", k_contact_fields}}),
                     // Companies leave out most fields unless `fields` names them (spec: listCompanies).
                     v2("companies", "companies", "companies", "companies", "update_time", filter_since("since_time"),
                        {{"order_by", "id asc"}, {"fields", k_company_fields}}),
                     // No update-time filter for opportunities (FACTS Keap §5): --since exports everything.
                     v2("opportunities", "opportunities", "opportunities", "opportunities (deals)", "last_updated_time",
                        std::nullopt, {{"fields", k_opportunity_fields}}),
                     v2("notes", "notes", "notes", "notes on contacts", "update_time", filter_since("since_time"),
                        {{"order_by", "id asc"}}),
                     v2("stages", "opportunities/stages", "stages", "opportunity (pipeline) stages", "updated_time",
                        std::nullopt, {{"order_by", "stage_order asc"}}),
                 }});
  p.versions.push_back(
      ApiVersion{"v1",
                 "Keap's REST v1 (limit/offset, up to 200 records a page)",
                 {
                     v1("contacts", "people", "last_updated", k_v1_by_id, SinceFilter{"since", TimeFormat::rfc3339_millis}),
                     v1("companies", "companies", "last_updated", k_v1_by_id),
                     v1("opportunities", "opportunities (deals)", "last_updated", {{"order", "date_created"}}),
                     v1("notes", "notes on contacts", "last_updated", {}),
                 }});
  ask_for_custom_fields(p);
  return p;
}

}  // namespace

const Provider& provider() {
  static const Provider k_provider = make();
  return k_provider;
}

}  // namespace crmexport::providers::keap
