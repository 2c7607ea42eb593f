#pragma once
// Every request of an export goes through here: credentials, pacing, retries, and the turning
// of a failed answer into an Error that says what to do.
#include <functional>
#include <random>

#include "lib/auth/authenticator.hpp"
#include "lib/http/clock.hpp"
#include "lib/http/rate_limit.hpp"
#include "lib/http/retry.hpp"
#include "lib/http/transport.hpp"

namespace crmexport::http {

// What a provider adds to the generic rules.
struct ProviderErrorRules {
  // The provider's own words from an error body ("" when it said nothing useful).
  std::function<std::string(const Response&)> message;
  // A 429 that waiting will not cure within a run (e.g. a daily quota): stop at once.
  std::function<bool(const Response&)> rate_limit_is_final;
};

struct ClientStats {
  long requests = 0;
  long retries = 0;
  long throttled = 0;  // 429s received
};

class Client {
 public:
  Client(Transport& transport, Clock& clock, auth::Authenticator& authenticator, RetryPolicy retry,
         RateLimitRules rate_limits, ProviderErrorRules errors);

  // Sends until a 2xx answer (returned) or a failure that retrying will not fix (Error).
  Result<Response> send(Request request);
  const ClientStats& stats() const { return m_stats; }

 private:
  Result<Response> exchange(const Request& request);
  Error describe_failure(const Request& request, const Response& response) const;

  Transport& m_transport;
  Clock& m_clock;
  auth::Authenticator& m_authenticator;
  RetryPolicy m_retry;
  Pacer m_pacer;
  ProviderErrorRules m_errors;
  ClientStats m_stats;
  std::mt19937_64 m_random;
};

// "METHOD URL" without the query string, for messages: query values can be user data.
std::string describe(const Request& request);

}  // namespace crmexport::http
