// The one rule for where credentials may go, read by libcurl's parser: the bypasses of a string
// prefix check (userinfo, look-alike hosts) are refused; loopback literals and https pass; a URL
// a provider hands back must also be under its documented domains.
#include <catch2/catch.hpp>

#include "lib/auth/oauth.hpp"
#include "lib/http/url_policy.hpp"

using namespace crmexport;

TEST_CASE("plain http only to a loopback literal or localhost, userinfo nowhere", "[url]") {
  struct Case {
    const char* url;
    const char* refusal;  // nullptr: accepted
  };
  const Case cases[] = {
      {"http://127.0.0.1@example.com/pipedrive", "user name or password"},
      {"http://localhost:80@example.com/pipedrive", "user name or password"},
      {"http://[::1]@example.com/pipedrive", "user name or password"},
      {"https://user:secret@api.pipedrive.com", "user name or password"},
      {"http://127.example.com/pipedrive", "plain http"},
      {"http://127.0.0.1.nip.io/pipedrive", "plain http"},
      {"http://localhost.example.com/", "plain http"},
      {"http://example.com/", "plain http"},
      {"ftp://127.0.0.1/", "not an https:// URL"},
      {"127.0.0.1:8080/x", "not a URL"},
      {"", "not a URL"},
      {"http://127.0.0.1:8080/pipedrive", nullptr},
      {"http://127.1.2.3/x", nullptr},
      {"http://[::1]:9000/x", nullptr},
      {"http://LOCALHOST/x", nullptr},
      {"https://api.pipedrive.com/api/v2", nullptr},
      {"https://acme.api-us1.com", nullptr},
  };
  for (const auto& c : cases) {
    INFO(c.url);
    auto checked = http::check_credential_url("--base-url", c.url);
    if (c.refusal == nullptr) {
      CHECK(checked.has_value());
    } else {
      REQUIRE_FALSE(checked.has_value());
      CHECK(checked.error().kind == ErrorKind::usage);
      CHECK_THAT(checked.error().message, Catch::StartsWith(std::string("--base-url '") + c.url + "'"));
      CHECK_THAT(checked.error().message, Catch::Contains(c.refusal));
    }
  }
}

TEST_CASE("loopback means the literal address, not a name that starts like one", "[url]") {
  CHECK(http::is_loopback_host("127.0.0.1"));
  CHECK(http::is_loopback_host("127.255.0.9"));
  CHECK(http::is_loopback_host("::1"));
  CHECK(http::is_loopback_host("localhost"));
  CHECK_FALSE(http::is_loopback_host("127.0.0.1.nip.io"));
  CHECK_FALSE(http::is_loopback_host("127.example.com"));
  CHECK_FALSE(http::is_loopback_host("128.0.0.1"));
  CHECK_FALSE(http::is_loopback_host("::2"));
  CHECK_FALSE(http::is_loopback_host("localhost."));
  CHECK_FALSE(http::is_loopback_host(""));
}

TEST_CASE("a token answer's api_domain must be https under the provider's domains, or loopback", "[url][oauth]") {
  auth::OAuthFacts facts;
  facts.base_url_field = "api_domain";
  facts.base_url_domains = {"pipedrive.com"};
  auto grant_with = [](std::string url) {
    auth::TokenGrant grant;
    grant.base_url = std::move(url);
    return grant;
  };
  CHECK(auth::checked_base_url(facts, grant_with("https://acme.pipedrive.com")) == "https://acme.pipedrive.com");
  CHECK(auth::checked_base_url(facts, grant_with("https://pipedrive.com")) == "https://pipedrive.com");
  CHECK(auth::checked_base_url(facts, grant_with("http://127.0.0.1:4000/pipedrive")) ==
        "http://127.0.0.1:4000/pipedrive");
  CHECK(auth::checked_base_url(facts, grant_with("")) == "");
  for (const char* hostile : {"http://example.com", "http://acme.pipedrive.com", "https://evilpipedrive.com",
                              "https://acme.pipedrive.com.example.com", "https://127.0.0.1@example.com",
                              "https://example.com/acme.pipedrive.com"}) {
    INFO(hostile);
    auto checked = auth::checked_base_url(facts, grant_with(hostile));
    REQUIRE_FALSE(checked.has_value());
    CHECK(checked.error().kind == ErrorKind::provider);
    CHECK_THAT(checked.error().message, Catch::StartsWith("the token endpoint's api_domain '"));
  }
}
