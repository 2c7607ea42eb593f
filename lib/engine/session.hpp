#pragma once
// A connection made ready to talk: its provider's description, base URL, credentials and an
// HTTP client with the provider's rate-limit and error rules. Safe to use from several threads:
// the client, the pacer, the credentials and the transport (a pool of libcurl handles) are shared.
#include <filesystem>
#include <memory>
#include <string>

#include "lib/http/budget.hpp"
#include "lib/http/client.hpp"
#include "lib/http/rate_limit.hpp"
#include "lib/http/transport.hpp"
#include "lib/store/store.hpp"
#include "providers/provider.hpp"

namespace crmexport::engine {

class Session {
 public:
  // `transport` and `clock` default to libcurl and the system clock; tests pass fakes.
  // `store_path` is where an OAuth connection saves renewed tokens (required for auth kind oauth2).
  static Result<std::unique_ptr<Session>> open(const store::Connection& connection, const providers::Provider& provider,
                                               const http::RetryPolicy& retry,
                                               std::unique_ptr<http::Transport> transport = nullptr,
                                               std::unique_ptr<http::Clock> clock = nullptr,
                                               const std::filesystem::path& store_path = {});

  const providers::Provider& provider() const { return m_provider; }
  const std::string& connection_name() const { return m_connection_name; }
  http::Client& client() { return *m_client; }
  http::Pacer& pacer() { return *m_pacer; }
  const http::Clock& clock() const { return *m_clock; }
  // The run's caps, shared by every type and thread; set before reading (nullptr: none).
  void set_budget(http::RequestBudget* budget) {
    m_budget = budget;
    m_client->set_budget(budget);
  }
  const http::RequestBudget* budget() const { return m_budget; }

  // GET base URL + path + query, with retries; counted in `meter` (with the type's `cost`) when given.
  // `on_sent`: see http::Request::on_sent.
  Result<http::Response> get(std::string_view path, const http::Query& query, http::RequestMeter* meter = nullptr,
                             long cost = 0, std::function<void()> on_sent = {});
  // A provider-planned request (GET or POST with a JSON body), with retries.
  Result<http::Response> send(const providers::PlannedRequest& planned, http::RequestMeter* meter = nullptr,
                              long cost = 0);
  // The provider's cheap authenticated request: proves the credentials and the base URL. A 2xx
  // without the provider's verify_shape is a provider error naming the URL (http::unlike_answer).
  Result<void> verify();

 private:
  Session(const providers::Provider& provider, std::string connection_name, std::string base_url)
      : m_provider(provider), m_connection_name(std::move(connection_name)), m_base_url(std::move(base_url)) {}

  const providers::Provider& m_provider;
  std::string m_connection_name;
  std::string m_base_url;
  std::unique_ptr<http::Transport> m_transport;
  std::unique_ptr<http::Clock> m_clock;
  // One pacer for every request of the connection, from every thread (see docs/ARCHITECTURE.md).
  std::unique_ptr<http::Pacer> m_pacer;
  std::unique_ptr<auth::Authenticator> m_authenticator;
  std::unique_ptr<http::Client> m_client;
  http::RequestBudget* m_budget = nullptr;
};

}  // namespace crmexport::engine
