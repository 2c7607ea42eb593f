// The OAuth2 token lifecycle without sockets or sleeping: renewal before expiry, one refresh and
// one retry after a 401, adopting another process's token, refused refreshes leaving the store as
// it was; and the Keap-style multi-window throttle headers.
#include <catch2/catch.hpp>

#include <thread>

#include "lib/auth/oauth_authenticator.hpp"
#include "lib/http/client.hpp"
#include "providers/keap/keap.hpp"
#include "providers/keap/wire.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"

using namespace crmexport;
using crmexport::testing::FakeClock;
using crmexport::testing::ScriptedTransport;

namespace {

// The store's role, in memory: what is saved, and how often.
class MemoryVault : public auth::TokenVault {
 public:
  explicit MemoryVault(auth::OAuthSecret& stored, int& saves) : m_stored(stored), m_saves(saves) {}
  Result<auth::OAuthSecret> update_locked(const Update& update) override {
    auto updated = update(m_stored);
    if (!updated) return updated;
    if (updated->to_json() != m_stored.to_json()) {
      m_stored = *updated;
      ++m_saves;
    }
    return updated;
  }

 private:
  auth::OAuthSecret& m_stored;
  int& m_saves;
};

constexpr std::int64_t k_wall_start = 1767225600;  // FakeClock's wall clock: 2026-01-01T00:00:00Z

struct Rig {
  ScriptedTransport transport;
  FakeClock clock;
  auth::OAuthSecret stored;
  int saves = 0;
  std::unique_ptr<auth::OAuthAuthenticator> authenticator;
  http::RetryPolicy retry;

  // Tokens as the store holds them: this process read them at the start.
  explicit Rig(std::int64_t expires_in_seconds) {
    stored.client_id = "fake-client";
    stored.client_secret = "fake-secret";
    stored.access_token = "A1";
    stored.refresh_token = "R1";
    stored.issued_at = k_wall_start + expires_in_seconds - 3600;
    stored.expires_at = k_wall_start + expires_in_seconds;
    stored.token_url = "http://127.0.0.1:1/token";
    authenticator = std::make_unique<auth::OAuthAuthenticator>(
        *providers::keap::provider().oauth, stored, std::make_unique<MemoryVault>(stored, saves), transport, clock,
        "crmexport auth login keap --name k --client-id fake-client");
  }
  Result<http::Response> get() {
    http::Client client(transport, clock, *authenticator, retry, {}, {providers::keap::error_message, {}});
    return client.send(http::Request{"GET", "http://127.0.0.1:1/crm/rest/v2/contacts", {}, {}});
  }
  void answer_token(const std::string& access, const std::string& refresh) {
    transport.answer(200, R"({"access_token":")" + access + R"(","token_type":"bearer","expires_in":3600,)" +
                              R"("refresh_token":")" + refresh + R"(","scope":"full"})");
  }
};

std::string header(const http::Request& request, const std::string& name) {
  for (const auto& [key, value] : request.headers)
    if (key == name) return value;
  return "";
}

}  // namespace

TEST_CASE("a valid access token is sent as it is, without a refresh", "[oauth]") {
  Rig rig(3000);
  rig.transport.answer(200, "{}");
  REQUIRE(rig.get());
  REQUIRE(rig.transport.sent().size() == 1);
  CHECK(header(rig.transport.sent()[0], "Authorization") == "Bearer A1");
  CHECK(rig.saves == 0);
}

TEST_CASE("a token expiring within the margin is refreshed first, with Basic client auth, and saved", "[oauth]") {
  Rig rig(30);  // 30 s left of 3600: inside the 60 s margin
  rig.answer_token("A2", "R2");
  rig.transport.answer(200, "{}");
  REQUIRE(rig.get());
  REQUIRE(rig.transport.sent().size() == 2);
  const auto& refresh = rig.transport.sent()[0];
  CHECK(refresh.method == "POST");
  CHECK(refresh.url == "http://127.0.0.1:1/token");
  CHECK(refresh.body == "grant_type=refresh_token&refresh_token=R1");
  CHECK(header(refresh, "Authorization") == "Basic ZmFrZS1jbGllbnQ6ZmFrZS1zZWNyZXQ=");  // Keap: Basic (FACTS §2)
  CHECK(header(rig.transport.sent()[1], "Authorization") == "Bearer A2");
  CHECK(rig.saves == 1);
  CHECK(rig.stored.refresh_token == "R2");
  CHECK(rig.stored.access_token == "A2");
  CHECK(rig.stored.expires_at == k_wall_start + 3600);
}

TEST_CASE("a 401 triggers one refresh and one retry, never a loop", "[oauth]") {
  Rig rig(3000);
  rig.transport.answer(401, R"({"fault":{"faultstring":"Invalid Access Token",)"
                            R"("detail":{"errorcode":"keymanagement.service.invalid_access_token"}}})");
  rig.answer_token("A2", "R2");
  rig.transport.answer(401, R"({"fault":{"faultstring":"Invalid Access Token",)"
                            R"("detail":{"errorcode":"keymanagement.service.invalid_access_token"}}})");
  auto response = rig.get();
  REQUIRE(!response);
  CHECK(response.error().kind == ErrorKind::auth);
  CHECK_THAT(response.error().message, Catch::Contains("keymanagement.service.invalid_access_token"));
  CHECK(rig.transport.sent().size() == 3);
  CHECK(rig.stored.refresh_token == "R2");
}

TEST_CASE("a token another process saved meanwhile is adopted instead of refreshing", "[oauth]") {
  Rig rig(-10);  // ours has expired
  // Another crmexport refreshed after we read the store: R1 is dead, A9/R9 are live.
  rig.stored.access_token = "A9";
  rig.stored.refresh_token = "R9";
  rig.stored.issued_at = k_wall_start - 5;
  rig.stored.expires_at = k_wall_start + 3595;
  rig.transport.answer(200, "{}");
  REQUIRE(rig.get());
  REQUIRE(rig.transport.sent().size() == 1);
  CHECK(header(rig.transport.sent()[0], "Authorization") == "Bearer A9");
  CHECK(rig.saves == 0);
}

TEST_CASE("after a 401, an expired token another process saved is refreshed with its refresh token", "[oauth]") {
  Rig rig(3000);
  rig.transport.answer(401, "{}");
  rig.stored.access_token = "A9";
  rig.stored.refresh_token = "R9";
  rig.stored.expires_at = k_wall_start - 1;
  rig.answer_token("A10", "R10");
  rig.transport.answer(200, "{}");
  REQUIRE(rig.get());
  CHECK(rig.transport.sent()[1].body == "grant_type=refresh_token&refresh_token=R9");
  CHECK(rig.stored.refresh_token == "R10");
}

TEST_CASE("a refused refresh is an auth error naming the re-authorise command, nothing is saved", "[oauth]") {
  Rig rig(-10);
  const auto before = rig.stored.to_json();
  rig.transport.answer(400, R"({"error":"invalid_request","error_description":"Invalid Refresh Token"})");
  auto response = rig.get();
  REQUIRE(!response);
  CHECK(response.error().kind == ErrorKind::auth);
  CHECK_THAT(response.error().message, Catch::Contains("re-authorised"));
  CHECK_THAT(response.error().message, Catch::Contains("crmexport auth login keap --name k --client-id fake-client"));
  CHECK(response.error().message.find("R1") == std::string::npos);
  CHECK(response.error().message.find("fake-secret") == std::string::npos);
  CHECK(rig.saves == 0);
  CHECK(rig.stored.to_json() == before);
}

TEST_CASE("a token endpoint outage is not a refused refresh", "[oauth]") {
  Rig rig(-10);
  rig.transport.answer(503, "upstream down");
  auto response = rig.get();
  REQUIRE(!response);
  CHECK(response.error().kind == ErrorKind::provider);
  CHECK(response.error().message.find("re-authorised") == std::string::npos);
  CHECK(rig.saves == 0);
}

TEST_CASE("a short-lived token is renewed only near its end, not before every request", "[oauth]") {
  Rig rig(0);
  rig.stored.issued_at = k_wall_start;
  rig.stored.expires_at = k_wall_start + 10;  // 10 s tokens: margin 5 s
  rig.authenticator = std::make_unique<auth::OAuthAuthenticator>(*providers::keap::provider().oauth, rig.stored,
                                                                 std::make_unique<MemoryVault>(rig.stored, rig.saves),
                                                                 rig.transport, rig.clock, "x");
  rig.transport.answer(200, "{}");
  REQUIRE(rig.get());
  CHECK(rig.transport.sent().size() == 1);
}

TEST_CASE("OAuth secrets survive their JSON form", "[oauth]") {
  auth::OAuthSecret secret;
  secret.client_id = "id";
  secret.client_secret = "s\"ecret";
  secret.access_token = "a";
  secret.refresh_token = "r";
  secret.expires_at = 5;
  secret.issued_at = 2;
  secret.token_url = "http://127.0.0.1:9/token";
  auto back = auth::OAuthSecret::from_json(secret.to_json());
  REQUIRE(back);
  CHECK(back->to_json() == secret.to_json());
}

TEST_CASE("PKCE's S256 challenge is base64url(sha256(verifier))", "[oauth]") {
  CHECK(auth::base64url_nopad(auth::sha256(std::string(100, 'x') + "-PKCE_verifier~")) ==
        "XbzVfEZGSLVy9OXT8ue4D28lsZQ6HnLawt3ROwrBEIk");
  CHECK(auth::base64_encode("fake-client:fake-secret") == "ZmFrZS1jbGllbnQ6ZmFrZS1zZWNyZXQ=");
}

TEST_CASE("Keap's gateway fault bodies become clear messages", "[keap]") {
  http::Response expired{401,
                         {},
                         R"({"fault":{"faultstring":"Access Token expired",)"
                         R"("detail":{"errorcode":"keymanagement.service.access_token_expired"}}})"};
  CHECK(providers::keap::error_message(expired) ==
        "the access token has expired (Keap: Access Token expired) [keymanagement.service.access_token_expired]");
  http::Response app{400, {}, R"({"code":400,"message":"Invalid filter","status":"INVALID_ARGUMENT"})"};
  CHECK(providers::keap::error_message(app) == "Invalid filter (INVALID_ARGUMENT)");
}

TEST_CASE("an empty window in any throttle header, pipe-delimited too, pauses before the next request",
          "[http][keap]") {
  crmexport::testing::FakeClock clock;
  http::Pacer pacer(providers::keap::provider().rate_limits, clock, std::chrono::minutes(5));
  pacer.observe(http::Response{
      200, {{"x-keap-product-throttle-available", "5"}, {"x-keap-tenant-throttle-available", "12|3400"}}, ""});
  REQUIRE(pacer.acquire());
  CHECK(clock.sleeps().empty());
  pacer.observe(http::Response{
      200, {{"x-keap-product-throttle-available", "5"}, {"x-keap-tenant-throttle-available", "0|3400"}}, ""});
  REQUIRE(pacer.acquire());
  // Slept in two, as every pause announced (http::k_announce_gathering).
  const auto wait = providers::keap::provider().rate_limits.empty_window_wait;
  CHECK(clock.sleeps() == std::vector{http::k_announce_gathering, wait - http::k_announce_gathering});
}

namespace {

store::Connection oauth_connection(const auth::OAuthSecret& secret) {
  store::Connection c;
  c.name = "k";
  c.provider = "keap";
  c.auth_kind = "oauth2";
  c.secret = secret.to_json();
  return c;
}

}  // namespace

TEST_CASE("the store vault commits what the update returns, and nothing when it fails", "[oauth][store]") {
  crmexport::testing::TempDir dir;
  auth::OAuthSecret first;
  first.client_id = "id";
  first.refresh_token = "R1";
  {
    auto store = store::Store::open(dir / "store.db");
    REQUIRE(store);
    REQUIRE(store->add(oauth_connection(first), false));
  }
  auto read_back = [&] {
    auto store = store::Store::open(dir / "store.db");
    REQUIRE(store);
    auto found = store->find("k");
    REQUIRE(found);
    REQUIRE(found->has_value());
    return (*found)->secret;
  };
  auto store = store::Store::open(dir / "store.db");
  REQUIRE(store);
  auth::StoreTokenVault vault(std::move(*store), "k");

  auto failed = vault.update_locked([](auth::OAuthSecret stored) -> Result<auth::OAuthSecret> {
    CHECK(stored.refresh_token == "R1");
    return fail(ErrorKind::auth, "refused");
  });
  CHECK(!failed);
  CHECK(read_back() == first.to_json());

  auto saved = vault.update_locked([](auth::OAuthSecret stored) -> Result<auth::OAuthSecret> {
    stored.refresh_token = "R2";
    stored.access_token = "A2";
    return stored;
  });
  REQUIRE(saved);
  auto now = auth::OAuthSecret::from_json(read_back());
  REQUIRE(now);
  CHECK(now->refresh_token == "R2");
  CHECK(now->access_token == "A2");
}

TEST_CASE("a second vault waits for the first one's refresh and then sees its token", "[oauth][store]") {
  crmexport::testing::TempDir dir;
  auth::OAuthSecret first;
  first.refresh_token = "R1";
  {
    auto store = store::Store::open(dir / "store.db");
    REQUIRE(store);
    REQUIRE(store->add(oauth_connection(first), false));
  }
  auto open_vault = [&] {
    auto store = store::Store::open(dir / "store.db");
    REQUIRE(store);
    return std::make_unique<auth::StoreTokenVault>(std::move(*store), "k");
  };
  auto a = open_vault();
  auto b = open_vault();
  std::string seen_by_b;
  std::thread other;
  auto refreshed = a->update_locked([&](auth::OAuthSecret stored) -> Result<auth::OAuthSecret> {
    // While A holds the lock (as during a token request), B tries to renew too.
    other = std::thread([&] {
      auto adopted = b->update_locked([&](auth::OAuthSecret theirs) -> Result<auth::OAuthSecret> {
        seen_by_b = theirs.refresh_token;
        return theirs;
      });
      CHECK(adopted);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stored.refresh_token = "R2";
    return stored;
  });
  REQUIRE(refreshed);
  other.join();
  CHECK(seen_by_b == "R2");
}

TEST_CASE("threads sharing an expiring OAuth token refresh it once, and a stale 401 does not refresh again",
          "[oauth]") {
  Rig rig(30);  // inside the margin: the first apply() renews
  rig.answer_token("A2", "R2");
  std::vector<std::string> sent(8);
  {
    std::vector<std::jthread> threads;
    for (size_t i = 0; i < sent.size(); ++i)
      threads.emplace_back([&, i] {
        http::Request request;  // Catch's assertions are not thread-safe: check afterwards
        if (rig.authenticator->apply(request)) sent[i] = request.headers.back().second;
      });
  }
  CHECK(sent == std::vector<std::string>(8, "Bearer A2"));
  CHECK(rig.authenticator->refreshes() == 1);
  CHECK(rig.transport.sent().size() == 1);
  CHECK(rig.saves == 1);
  // A request that went with A1 before the renewal gets a 401: A2 is already here, no refresh.
  auto recovered = rig.authenticator->recover_from_unauthorized("Bearer A1");
  REQUIRE(recovered);
  CHECK(*recovered);
  CHECK(rig.authenticator->refreshes() == 1);
}

TEST_CASE("a token answer that is a login page, an empty 200 or JSON without access_token is never a token",
          "[oauth][verify]") {
  struct Case {
    std::string body;
    http::Headers headers;
    std::string came;  // what the message says came instead
  };
  for (const auto& [body, headers, came] :
       std::vector<Case>{{"<html><form action=/login>Sign in to the Wi-Fi</form></html>",
                          {{"content-type", "text/html; charset=utf-8"}},
                          "text/html"},
                         {"", {{"content-type", "application/json"}}, "empty body"},
                         {R"({"ok":true})", {{"content-type", "application/json"}}, "application/json"},
                         {R"({"access_token":""})", {}, "no content type"}}) {
    INFO(body);
    Rig rig(-10);
    const auto before = rig.stored.to_json();
    rig.transport.answer(200, body, headers);
    auto response = rig.get();
    REQUIRE(!response);
    CHECK(response.error().kind == ErrorKind::provider);
    CHECK(response.error().http_status == 200);
    CHECK(response.error().message ==
          "the server at http://127.0.0.1:1/token did not answer as an OAuth2 token endpoint does (HTTP 200, " + came +
              "): is the URL right, or is a proxy or login page in the way?");
    CHECK(rig.saves == 0);
    CHECK(rig.stored.to_json() == before);
    CHECK(rig.transport.sent().size() == 1);  // the API was never asked with a token that is not one
  }
}
