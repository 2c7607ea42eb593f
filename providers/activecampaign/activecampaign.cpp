// ActiveCampaign API v3, per ../shared/api-specs/FACTS.md (ActiveCampaign). No official OpenAPI
// exists; paths, envelopes and parameters come from the AC-DOC reference pages cited there.
#include "providers/activecampaign/activecampaign.hpp"

#include "providers/activecampaign/wire.hpp"

namespace crmexport::providers::activecampaign {
namespace {

using namespace std::chrono_literals;

// limit: default 20, max 100; the total is meta.total (FACTS §3).
constexpr int k_max_limit = 100;
// 5 requests a second per account, shared by every key (FACTS §4). 210 ms rather than 200: the
// limit is counted where requests arrive, and exactly 200 ms between sends leaves no room for a
// request that reaches the server a little early after one that was late.
constexpr auto k_min_interval = 210ms;
constexpr int k_requests_per_second = 5;

// Records sit under the type's key; side-loaded collections beside it are not records.
TypeSpec offset_type(std::string name, std::string description, std::string resource, std::string updated_field) {
  TypeSpec t;
  t.name = std::move(name);
  t.description = std::move(description);
  t.path = "/api/3/" + resource;
  t.records_at = {resource};
  t.updated_field = std::move(updated_field);
  t.paging = paging::make(paging::OffsetLimit{"offset", "limit", "/meta/total"});
  t.max_page_size = k_max_limit;
  t.total_at = "/meta/total";  // to check completeness: a count that moved means the account changed
  return t;
}

// Field types with typed values in the mirror's views: the built-in types declared below and the
// custom field types of /fields and /*CustomFieldMeta (numbers arrive as strings; currency in cents).
const std::vector<fields::ValueKindOf> k_value_kinds = {
    {"id", fields::ValueKind::integer},       {"number", fields::ValueKind::decimal},
    {"currency", fields::ValueKind::decimal}, {"boolean", fields::ValueKind::boolean},
    {"date", fields::ValueKind::date},        {"datetime", fields::ValueKind::datetime}};

// Contacts' custom fields (docs/providers/activecampaign.md): GET /api/3/fields pages like the
// lists and side-loads the options; the values come beside a contacts page that asks for
// include=fieldValues (no request per contact); multi-select values are "||A||C||".
std::shared_ptr<const fields::FieldsSpec> contact_fields() {
  fields::FieldsSpec f;
  f.sources = {{"/api/3/fields", {"fields"}, paging::make(paging::OffsetLimit{"offset", "limit", "/meta/total"}),
                k_max_limit, {}}};
  f.read = fields::read_item({.key = "id",
                              .label = "title",
                              .type = "type",
                              .multiple_types = {"listbox", "checkbox", "multiselect"},
                              .custom_when = [](const fields::Field&) { return true; }});
  f.read_envelope = attach_field_options;
  f.placement = fields::Placement::side_loaded;
  f.side_loaded = {"fieldValues", "contact", "field", "value"};
  f.multiple = fields::Multiple::double_pipe;
  f.label_params = {{"include", "fieldValues"}};
  f.value_kinds = k_value_kinds;
  f.builtins = {{"cdate", "Date created", "datetime"},
                {"email", "Email", "text"},
                {"phone", "Phone", "text"},
                {"firstName", "First name", "text"},
                {"lastName", "Last name", "text"},
                {"orgid", "Account (id)", "id"},
                {"orgname", "Account name", "text"},
                {"deleted", "Deleted", "boolean"},
                {"anonymized", "Anonymized", "boolean"},
                {"score", "Score", "number"},
                {"udate", "Date updated", "datetime"},
                {"created_timestamp", "Created", "datetime"},
                {"updated_timestamp", "Updated", "datetime"},
                {"links", "Links", "object"},
                {"id", "ID", "id"},
                {"organization", "Organization (id)", "id"}};
  return std::make_shared<const fields::FieldsSpec>(std::move(f));
}

// Deals' and accounts' custom fields: definitions at /api/3/{deal,account}CustomFieldMeta, values
// in a collection of their own, /api/3/{deal,account}CustomFieldData [{dealId|accountId,
// customFieldId, fieldValue, fieldCurrency}] (both limit/offset like the lists). The lists cannot
// side-load them and the collection filters by one record at a time, so the values are read once
// per run and joined by id (docs/providers/activecampaign.md, "Custom fields"). Currency values
// are cents, kept as given beside their fieldCurrency.
std::shared_ptr<const fields::FieldsSpec> custom_object_fields(const std::string& object, const std::string& record,
                                                              std::vector<fields::Builtin> builtins) {
  auto offset = paging::make(paging::OffsetLimit{"offset", "limit", "/meta/total"});
  fields::FieldsSpec f;
  f.sources = {{"/api/3/" + object + "CustomFieldMeta", {object + "CustomFieldMeta"}, offset, k_max_limit, {}}};
  f.read = read_custom_field_meta;
  f.placement = fields::Placement::joined;
  f.joined = fields::JoinedValues{
      {"/api/3/" + object + "CustomFieldData", {object + "CustomFieldData"}, offset, k_max_limit, {}, {}, "/meta/total"},
      record, "customFieldId", "fieldValue", "fieldCurrency"};
  f.multiple = fields::Multiple::double_pipe;
  f.builtins = std::move(builtins);
  f.value_kinds = k_value_kinds;
  return std::make_shared<const fields::FieldsSpec>(std::move(f));
}

// Contacts page by id so that records added or deleted during the export move no position:
// only /contacts takes id_greater (FACTS §3).
TypeSpec contacts() {
  TypeSpec t = offset_type("contacts", "contacts (people)", "contacts", "udate");
  t.paging = paging::make(paging::IdKeyset{"id_greater", "limit", "orders[id]", "ASC", "id", "/meta/total"});
  // The filter's date format is unconfirmed (FACTS §5); ISO-8601 with a zone is unambiguous.
  t.since = SinceFilter{"filters[updated_after]", TimeFormat::rfc3339};
  t.fields = contact_fields();
  return t;
}

Provider make() {
  Provider p;
  p.name = "activecampaign";
  p.title = "ActiveCampaign";
  p.base_url_hint = "https://ACCOUNT.api-us1.com";  // every account has its own (FACTS §1)
  p.auth_kinds = {"token"};
  p.token_auth = {"Api-Token", ""};
  p.verify_path = "/api/3/users/me";
  // {"user":{..., "id":"1"}}: v3 spells ids as strings (as meta.total, FACTS ActiveCampaign §3);
  // no official spec exists (api-specs/README.md), so a number is taken too.
  p.verify_shape = {"/user/id", json::Kind::id};
  // The interval alone is kept where requests leave, and a request that reaches the server late
  // then crowds the next ones there: the window, whose slots move to their answers, is what keeps
  // any second the server counts within 5, whatever the threads and the network do. The headers
  // tell of requests made by others (the account's other integrations; `auth add`'s check).
  p.rate_limits.min_interval = k_min_interval;
  p.rate_limits.windows = {{"", k_requests_per_second, http::Duration(1000)}};
  p.rate_limits.limit_header = "ratelimit-limit";
  p.rate_limits.remaining_header = "ratelimit-remaining";
  p.errors.message = error_message;
  p.filter_order = FilterOrderSpelling{};
  // The seed refused a second set of credentials for one account ("Record already exist").
  p.one_connection_per_base_url = true;
  p.verify_refused =
      "Invalid base_url or api_key: check the account URL and the API key under Settings > Developer in "
      "ActiveCampaign";

  TypeSpec deals = offset_type("deals", "deals", "deals", "mdate");
  deals.since = SinceFilter{"filters[updated_after]", TimeFormat::rfc3339};
  deals.fields = custom_object_fields("deal", "dealId",
                                      {{"hash", "Hash", "text"},
                                       {"owner", "Owner (user id)", "id"},
                                       {"contact", "Primary contact (id)", "id"},
                                       {"organization", "Account (id)", "id"},
                                       {"group", "Pipeline (id)", "id"},
                                       {"stage", "Stage (id)", "id"},
                                       {"title", "Title", "text"},
                                       {"description", "Description", "text"},
                                       {"percent", "Percent", "number"},
                                       {"cdate", "Date created", "datetime"},
                                       {"mdate", "Date modified", "datetime"},
                                       {"nextdate", "Next task due", "datetime"},
                                       {"value", "Value (cents)", "currency"},
                                       {"currency", "Currency", "text"},
                                       {"status", "Status (0 open, 1 won, 2 lost)", "number"},
                                       {"links", "Links", "object"},
                                       {"id", "ID", "id"},
                                       {"isDisabled", "Disabled", "boolean"}});
  TypeSpec accounts = offset_type("accounts", "accounts (companies)", "accounts", "updated_timestamp");
  accounts.fields = custom_object_fields("account", "accountId",
                                         {{"name", "Name", "text"},
                                          {"accountUrl", "Account URL", "text"},
                                          {"created_timestamp", "Created", "datetime"},
                                          {"updated_timestamp", "Updated", "datetime"},
                                          {"links", "Links", "object"},
                                          {"fields", "Fields", "array"},
                                          {"id", "ID", "id"}});
  p.versions.push_back(ApiVersion{"v3",
                                  "API v3 (limit/offset; contacts by id)",
                                  {
                                      contacts(),
                                      deals,
                                      accounts,
                                      offset_type("notes", "notes on contacts, deals and accounts", "notes", "mdate"),
                                      offset_type("pipelines", "deal pipelines (dealGroups)", "dealGroups", "udate"),
                                      offset_type("stages", "pipeline stages (dealStages)", "dealStages", "udate"),
                                  }});
  return p;
}

}  // namespace

const Provider& provider() {
  static const Provider k_provider = make();
  return k_provider;
}

}  // namespace crmexport::providers::activecampaign
