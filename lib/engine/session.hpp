#pragma once
// A connection made ready to talk: its provider's description, base URL, credentials and an
// HTTP client with the provider's rate-limit and error rules.
#include <filesystem>
#include <memory>
#include <string>

#include "lib/http/client.hpp"
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

  // GET base URL + path + query, with retries.
  Result<http::Response> get(std::string_view path, const http::Query& query);
  // A provider-planned request (GET or POST with a JSON body), with retries.
  Result<http::Response> send(const providers::PlannedRequest& planned);
  // The provider's cheap authenticated request: proves the credentials and the base URL.
  Result<void> verify();

 private:
  Session(const providers::Provider& provider, std::string connection_name, std::string base_url)
      : m_provider(provider), m_connection_name(std::move(connection_name)), m_base_url(std::move(base_url)) {}

  const providers::Provider& m_provider;
  std::string m_connection_name;
  std::string m_base_url;
  std::unique_ptr<http::Transport> m_transport;
  std::unique_ptr<http::Clock> m_clock;
  std::unique_ptr<auth::Authenticator> m_authenticator;
  std::unique_ptr<http::Client> m_client;
};

}  // namespace crmexport::engine
