#pragma once
// Every request of an export goes through here: credentials, pacing, retries, and the turning
// of a failed answer into an Error that says what to do.
#include <functional>
#include <memory>
#include <mutex>
#include <random>

#include "lib/auth/authenticator.hpp"
#include "lib/http/budget.hpp"
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
  // Statuses of the provider's own that are worth waiting out (besides 408, 429 and 5xx), with
  // the shortest wait; a Retry-After on them is honoured like a 429's.
  struct Retryable {
    int status;
    Duration at_least;
  };
  std::vector<Retryable> more_retryable = {};
};

// Safe to share between threads when the transport, the authenticator and the budget are.
class Client {
 public:
  // With a pacer of its own, made from `rate_limits` (one thread, or tests).
  Client(Transport& transport, Clock& clock, auth::Authenticator& authenticator, RetryPolicy retry,
         RateLimitRules rate_limits, ProviderErrorRules errors);
  // Sharing the connection's pacer.
  Client(Transport& transport, Clock& clock, auth::Authenticator& authenticator, RetryPolicy retry, Pacer& pacer,
         ProviderErrorRules errors);

  // Sends until a 2xx answer (returned) or a failure that retrying will not fix (Error). Every
  // request sent (retries too) is counted in `meter` when given, and spent from the budget.
  Result<Response> send(Request request, RequestMeter* meter = nullptr);
  // The run's caps (--max-requests, --max-tokens); nullptr: none. Set before any thread sends.
  void set_budget(RequestBudget* budget) { m_budget = budget; }
  Pacer& pacer() { return m_pacer; }

 private:
  Result<Response> exchange(const Request& request, RequestMeter* meter, std::string& credentials);
  Error describe_failure(const Request& request, const Response& response) const;
  Duration backoff(int retry);
  void say_retry(Duration wait, int retry, int max_retries, const std::string& reason) const;

  Transport& m_transport;
  Clock& m_clock;
  auth::Authenticator& m_authenticator;
  RetryPolicy m_retry;
  std::unique_ptr<Pacer> m_own_pacer;
  Pacer& m_pacer;
  ProviderErrorRules m_errors;
  RequestBudget* m_budget = nullptr;
  std::mutex m_random_mutex;
  std::mt19937_64 m_random;
};

// "METHOD URL" without the query string, for messages: query values can be user data.
std::string describe(const Request& request);

}  // namespace crmexport::http
