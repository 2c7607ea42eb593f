// `auth add` and `auth test` accept credentials only when the verify request comes back as the
// provider documents it (providers::Provider::verify_shape): a 2xx that is a login page, empty, or
// JSON of another shape is a captive portal or a wrong URL, named in one line, never success.
#include <catch2/catch.hpp>

#include "lib/engine/session.hpp"
#include "lib/http/url.hpp"
#include "lib/json/shape.hpp"
#include "providers/registry.hpp"
#include "support/fakes.hpp"

using namespace crmexport;
using crmexport::testing::FakeClock;
using crmexport::testing::ScriptedTransport;

namespace {

// Each provider's verify URL and a documented answer, written out here rather than read from the
// provider's description (PD-SPEC getCurrentUser; HS-SPEC account-info, FACTS HubSpot §1;
// KP-SPEC ListOpportunityStagesResponse; ActiveCampaign's users/me as crm-fake serves it).
struct Verify {
  std::string provider;
  std::string title;
  std::string path;
  std::string answer;
};

const std::vector<Verify> k_verifies = {
    {"pipedrive", "Pipedrive", "/api/v1/users/me",
     R"({"success":true,"data":{"id":11,"name":"Ada","company_id":5,"company_domain":"acme"}})"},
    {"hubspot", "HubSpot", "/account-info/v3/details",
     R"({"portalId":62515,"accountType":"STANDARD","uiDomain":"app.hubspot.com","dataHostingLocation":"na1"})"},
    {"keap", "Keap", "/crm/rest/v2/opportunities/stages", R"({"stages":[],"next_page_token":""})"},
    {"activecampaign", "ActiveCampaign", "/api/3/users/me", R"({"user":{"username":"admin","id":"1"}})"},
};

// A session of `provider` on https://crm.example/base whose one answer is scripted.
Result<void> verify_with(const std::string& provider, int status, std::string body, http::Headers headers) {
  auto scripted = std::make_unique<ScriptedTransport>();
  scripted->answer(status, std::move(body), std::move(headers));
  store::Connection connection{"c", provider, "https://crm.example/base", "", "token", R"({"token":"t"})", "", ""};
  auto session = engine::Session::open(connection, *providers::find(provider), {}, std::move(scripted),
                                       std::make_unique<FakeClock>());
  REQUIRE(session);
  return (*session)->verify();
}

}  // namespace

TEST_CASE("every provider's verify accepts its documented answer and refuses a portal, an empty 200 and other JSON",
          "[verify]") {
  REQUIRE(k_verifies.size() == providers::all().size());
  for (const auto& v : k_verifies) {
    INFO(v.provider);
    CHECK(verify_with(v.provider, 200, v.answer, {{"content-type", "application/json"}}));
    struct Wrong {
      std::string body;
      http::Headers headers;
      std::string came;
    };
    for (const auto& [body, headers, came] : std::vector<Wrong>{
             {"<!DOCTYPE html><html><body><form action=\"/login\">Welcome to Airport Wi-Fi</form></body></html>",
              {{"content-type", "text/html;charset=UTF-8"}},
              "text/html"},
             {"", {{"content-type", "text/html"}}, "empty body"},
             {"", {}, "empty body"},
             {R"({"ok":true})", {{"content-type", "application/json; charset=utf-8"}}, "application/json"},
             {R"({"ok":true})", {}, "no content type"},
             {"[" + v.answer + "]", {{"content-type", "application/json"}}, "application/json"},
         }) {
      INFO(came << ": " << body);
      auto verified = verify_with(v.provider, 200, body, headers);
      REQUIRE_FALSE(verified);
      CHECK(verified.error().kind == ErrorKind::provider);
      CHECK(exit_code(verified.error().kind) == 5);
      CHECK(verified.error().http_status == 200);
      CHECK(verified.error().message == "the server at https://crm.example/base" + v.path + " did not answer as " +
                                            v.title + " does (HTTP 200, " + came +
                                            "): is the URL right, or is a proxy or login page in the way?");
    }
  }
}

TEST_CASE("a verify answer's value must be of its kind, not only present", "[verify]") {
  using json::Kind;
  const json::Shape id{"/data/id", Kind::number};
  CHECK(json::has_shape(R"({"data":{"id":1}})", id));
  CHECK_FALSE(json::has_shape(R"({"data":{"id":"1"}})", id));
  CHECK_FALSE(json::has_shape(R"({"data":{"id":null}})", id));
  CHECK_FALSE(json::has_shape(R"({"data":[{"id":1}]})", id));
  CHECK_FALSE(json::has_shape(R"({"data":{"id":1})", id));  // cut short: not JSON
  CHECK_FALSE(json::has_shape("", id));
  CHECK(json::has_shape(R"({"user":{"id":"1"}})", {"/user/id", Kind::id}));
  CHECK(json::has_shape(R"({"user":{"id":1}})", {"/user/id", Kind::id}));
  CHECK_FALSE(json::has_shape(R"({"user":{"id":""}})", {"/user/id", Kind::id}));
  CHECK_FALSE(json::has_shape(R"({"user":{"id":true}})", {"/user/id", Kind::id}));
  CHECK(json::has_shape(R"({"stages":[]})", {"/stages", Kind::array}));
  CHECK_FALSE(json::has_shape(R"({"stages":{}})", {"/stages", Kind::array}));
  CHECK(json::has_shape(R"({"access_token":"a"})", {"/access_token", Kind::text}));
  CHECK_FALSE(json::has_shape(R"({"access_token":""})", {"/access_token", Kind::text}));
  CHECK_FALSE(json::has_shape(R"({"access_token":7})", {"/access_token", Kind::text}));
  CHECK(json::has_shape(R"({"a":{}})", {"/a", Kind::object}));
  CHECK_FALSE(json::has_shape(R"({"a":[]})", {"/a", Kind::object}));
}

TEST_CASE("a URL in a message keeps neither its query, its fragment nor a user name and password", "[verify][url]") {
  CHECK(http::url_for_message("https://crm.example/base/x?api_token=s3cret&b=2") == "https://crm.example/base/x");
  CHECK(http::url_for_message("https://crm.example/x#frag") == "https://crm.example/x");
  CHECK(http::url_for_message("https://me:pw@crm.example:8443/x?y") == "https://crm.example:8443/x");
  CHECK(http::url_for_message("http://127.0.0.1:8080/a@b") == "http://127.0.0.1:8080/a@b");  // '@' in the path
  CHECK(http::url_for_message("https://me@crm.example") == "https://crm.example");
}
