// ActiveCampaign's description and error reader, without a network.
#include <algorithm>
#include <catch2/catch.hpp>

#include "providers/activecampaign/activecampaign.hpp"
#include "providers/activecampaign/wire.hpp"
#include "providers/registry.hpp"

using namespace crmexport;

namespace {

std::string said(const char* body) {
  http::Response response;
  response.status = 403;
  response.body = body;
  return providers::activecampaign::error_message(response);
}

}  // namespace

TEST_CASE("ActiveCampaign error bodies: message, or the errors' titles and details", "[activecampaign]") {
  CHECK(said(R"({"message":"Forbidden"})") == "Forbidden");
  CHECK(said(R"({"errors":[{"status":404,"title":"Not Found"}]})") == "Not Found");
  CHECK(said(R"({"errors":[{"title":"Invalid","detail":"limit","code":"field_invalid"},{"title":"Other"}]})") ==
        "Invalid (limit); Other");
  CHECK(said("<html>Bad gateway</html>").empty());
  CHECK(said(R"({"errors":"nope"})").empty());
}

TEST_CASE("ActiveCampaign is registered with its account URL, key header, pace and declared properties",
          "[activecampaign]") {
  const auto* p = providers::find("activecampaign");
  REQUIRE(p == &providers::activecampaign::provider());
  CHECK(p->default_base_url.empty());
  CHECK(p->token_auth.header == "Api-Token");
  CHECK(p->rate_limits.min_interval >= std::chrono::milliseconds(200));  // 5 requests a second at most
  CHECK(p->one_connection_per_base_url);
  REQUIRE(p->filter_order);
  CHECK(p->filter_order->filter == "filters[{}]");

  const auto& v3 = p->default_version();
  CHECK(v3.type_names() == "contacts, deals, accounts, notes, pipelines, stages");
  for (const auto& type : v3.types) {
    INFO(type.name);
    CHECK(type.max_page_size == 100);
    REQUIRE(type.records_at.size() == 1);
    CHECK(type.path == "/api/3/" + type.records_at.front());
    CHECK(type.since.has_value() == (type.name == "contacts" || type.name == "deals"));
    if (type.since) CHECK(type.since->param == "filters[updated_after]");
  }
  // Contacts page by id; the others by offset.
  auto names = v3.type("contacts")->paging->param_names();
  CHECK(std::find(names.begin(), names.end(), "id_greater") != names.end());
  CHECK(std::find(names.begin(), names.end(), "orders[id]") != names.end());
  auto offset_names = v3.type("deals")->paging->param_names();
  CHECK(std::find(offset_names.begin(), offset_names.end(), "offset") != offset_names.end());
}
