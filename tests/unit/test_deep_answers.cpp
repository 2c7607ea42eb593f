// Every reader of a server's body besides the page splitter (error messages, token answers) must
// survive an answer nested far deeper than any stack allows, and refuse it.
#include <catch2/catch.hpp>

#include "lib/auth/oauth.hpp"
#include "providers/registry.hpp"
#include "support/fakes.hpp"

using namespace crmexport;

namespace {

std::string nested(std::string_view open, std::string_view close, int levels = 200'000) {
  std::string text;
  for (int i = 0; i < levels; ++i) text += open;
  text += "1";
  for (int i = 0; i < levels; ++i) text += close;
  return text;
}

}  // namespace

TEST_CASE("every provider's error reader gives up on 200,000 nested arrays or objects", "[deep]") {
  for (const auto* provider : providers::all()) {
    INFO(provider->name);
    REQUIRE(provider->errors.message);
    for (const auto& body : {R"({"message":"x","error":)" + nested("[", "]") + "}",
                             R"({"message":"x","fault":)" + nested(R"({"a":)", "}") + "}"}) {
      http::Response response{400, {}, body};
      CHECK(provider->errors.message(response).empty());
      if (provider->errors.rate_limit_is_final) CHECK_FALSE(provider->errors.rate_limit_is_final(response));
    }
  }
}

TEST_CASE("a token answer nested 200,000 deep is refused, not a crash", "[deep]") {
  testing::ScriptedTransport transport;
  const auth::OAuthFacts facts = *providers::find("keap")->oauth;
  auth::TokenEndpoint endpoint(facts, transport);
  auth::OAuthSecret secret;
  secret.client_id = "client";
  secret.client_secret = "secret-value";
  secret.refresh_token = "refresh-value";
  secret.token_url = "http://127.0.0.1:1/token";
  bool refused = false;

  transport.answer(200, R"({"access_token":"a","x":)" + nested("[", "]") + "}");
  auto grant = endpoint.refresh(secret, refused);
  REQUIRE_FALSE(grant);
  CHECK(grant.error().message ==
        "the server at http://127.0.0.1:1/token did not answer as an OAuth2 token endpoint "
        "does (HTTP 200, no content type): is the URL right, or is a proxy or login page in "
        "the way?");

  transport.answer(400, R"({"error":"invalid_grant","x":)" + nested(R"({"a":)", "}") + "}");
  auto error = endpoint.refresh(secret, refused);
  REQUIRE_FALSE(error);
  CHECK(error.error().message == "the token endpoint http://127.0.0.1:1/token answered HTTP 400");
}
