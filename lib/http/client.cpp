#include "lib/http/client.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>

#include "lib/core/log.hpp"
#include "lib/core/redact.hpp"
#include "lib/http/url.hpp"

namespace crmexport::http {
namespace {

bool is_retryable_status(int status) { return status == 408 || status == 429 || (status >= 500 && status <= 599); }

std::string seconds(Duration d) { return fmt::format("{:.1f}s", static_cast<double>(d.count()) / 1000.0); }

}  // namespace

std::string describe(const Request& request) {
  return fmt::format("{} {}", request.method, url_for_message(request.url));
}

Client::Client(Transport& transport, Clock& clock, auth::Authenticator& authenticator, RetryPolicy retry,
               RateLimitRules rate_limits, ProviderErrorRules errors)
    : m_transport(transport),
      m_clock(clock),
      m_authenticator(authenticator),
      m_retry(retry),
      m_own_pacer(std::make_unique<Pacer>(std::move(rate_limits), clock, retry.max_wait)),
      m_pacer(*m_own_pacer),
      m_errors(std::move(errors)),
      m_random(std::random_device{}()) {}

Client::Client(Transport& transport, Clock& clock, auth::Authenticator& authenticator, RetryPolicy retry, Pacer& pacer,
               ProviderErrorRules errors)
    : m_transport(transport),
      m_clock(clock),
      m_authenticator(authenticator),
      m_retry(retry),
      m_pacer(pacer),
      m_errors(std::move(errors)),
      m_random(std::random_device{}()) {}

namespace {
// The type's progress line says why nothing moves: retries are rare, so even short ones are told.
void tell_retry(RequestMeter* meter, Duration wait, std::string reason) {
  if (meter && meter->on_wait)
    meter->on_wait(WaitNote{WaitNote::Kind::retry, wait, std::move(reason)});
}
}  // namespace

// Once per retry, without -v: a run that slows down says why, and how many tries are left
// (`max_retries`: the limit for this failure, which is lower for a host that cannot be reached
// where the caller says so).
void Client::say_retry(Duration wait, int retry, int max_retries, const std::string& reason) const {
  log::info("retrying in {} (attempt {} of {}): {}", seconds(wait), retry + 2, max_retries + 1, reason);
}

Duration Client::backoff(int retry) {
  std::lock_guard lock(m_random_mutex);
  return backoff_delay(m_retry, retry, m_random);
}

// `credentials` gets the credential header the request carried, so a 401 can tell the
// authenticator which token was refused.
Result<Response> Client::exchange(const Request& request, RequestMeter* meter, std::string& credentials) {
  auto slot = m_pacer.acquire(request.lane, meter ? &meter->on_wait : nullptr);
  if (!slot) return std::unexpected(slot.error());
  auto grounded = [&](Error error) {
    m_pacer.release();
    return std::unexpected(std::move(error));
  };
  if (m_budget)
    if (auto spent = m_budget->spend(request.cost); !spent) return grounded(spent.error());
  Request authorised = request;
  if (auto applied = m_authenticator.apply(authorised); !applied) return grounded(applied.error());
  credentials = authorised.headers.size() > request.headers.size() ? authorised.headers.back().second : "";
  auto sent_at = m_clock.now();
  if (meter) {
    ++meter->requests;
    meter->tokens += request.cost;
  }
  auto response = m_transport.send(authorised);
  auto elapsed = std::chrono::duration_cast<Duration>(m_clock.now() - sent_at);
  if (!response) {
    log::debug("{} -> {} ({})", describe(request), response.error().message, seconds(elapsed));
    m_pacer.release();
    return response;
  }
  log::debug("{} -> {} ({}, {} bytes)", describe(request), response->status, seconds(elapsed), response->body.size());
  m_pacer.observe(*response, request.lane, *slot);
  return response;
}

Result<Response> Client::send(Request request, RequestMeter* meter) {
  bool reauthorised = false;
  for (int retry = 0;; ++retry) {
    std::string credentials;
    auto response = exchange(request, meter, credentials);
    bool retries_left = retry < m_retry.max_retries;

    if (!response) {
      const bool unreached = response.error().unreached && m_retry.max_retries_unreached;
      if (unreached && retry >= *m_retry.max_retries_unreached) return response;
      if (response.error().kind != ErrorKind::network || !retries_left) return response;
      auto wait = backoff(retry);
      say_retry(wait, retry,
                unreached ? std::min(*m_retry.max_retries_unreached, m_retry.max_retries) : m_retry.max_retries,
                response.error().message);
      tell_retry(meter, wait, "a network error");
      m_clock.sleep_for(wait);
      continue;
    }
    int status = response->status;
    if (status >= 200 && status <= 299) return response;

    if (status == 401 && !reauthorised) {
      reauthorised = true;
      auto recovered = m_authenticator.recover_from_unauthorized(credentials);
      if (!recovered) return std::unexpected(recovered.error());
      if (*recovered) {
        log::debug("credentials renewed after 401; repeating the request");
        --retry;  // renewing credentials is not a retry of a failure
        continue;
      }
    }
    Error error = describe_failure(request, *response);
    auto extra = std::ranges::find(m_errors.more_retryable, status, &ProviderErrorRules::Retryable::status);
    bool provider_retryable = extra != m_errors.more_retryable.end();
    if (!is_retryable_status(status) && !provider_retryable) return std::unexpected(error);

    Duration wait = backoff(retry);
    if (provider_retryable) wait = std::max(wait, extra->at_least);
    bool shared = false;  // a wait every thread of the connection keeps, not only this one
    if (status == 429 || provider_retryable) {
      if (meter && status == 429) ++meter->throttled;
      if (status == 429 && m_errors.rate_limit_is_final && m_errors.rate_limit_is_final(*response)) return std::unexpected(error);
      auto retry_after = response->header("retry-after");
      auto told = retry_after ? parse_retry_after(*retry_after, m_clock.wall_now()) : std::nullopt;
      auto reset = status == 429 ? m_pacer.reset_hint(*response) : std::nullopt;
      if (told)
        wait = std::max(*told, provider_retryable ? extra->at_least : Duration(0));
      else if (reset)
        wait = std::max(*reset, Duration(250));
      if (wait > m_retry.max_wait) {
        error.message += fmt::format(" (the provider asks to wait {}, longer than crmexport waits ({}); try again later)",
                                     describe_wait(wait), describe_wait(m_retry.max_wait));
        error.retry_after = wait;
        error.kind = ErrorKind::rate_limited;  // exit 4: the provider said when to come back
        return std::unexpected(error);
      }
      shared = true;
    }
    if (!retries_left) {
      error.message += fmt::format(" (gave up after {} retries)", m_retry.max_retries);
      return std::unexpected(error);
    }
    say_retry(wait, retry, m_retry.max_retries, error.message);
    tell_retry(meter, wait, fmt::format("HTTP {}", status));
    if (shared)
      m_pacer.pause(wait);  // the next acquire() waits it out, in this thread and every other
    else
      m_clock.sleep_for(wait);
  }
}

Error Client::describe_failure(const Request& request, const Response& response) const {
  int status = response.status;
  std::string said = m_errors.message ? m_errors.message(response) : std::string();
  if (said.empty()) {
    // Redacted before it is cut: a cut could leave the first half of an echoed token, which
    // the redaction at output would no longer recognise.
    said = redact::apply(response.body).substr(0, 200);
    for (char& c : said)
      if (c == '\n' || c == '\r') c = ' ';
  }
  std::string what = fmt::format("{} answered HTTP {}{}{}", describe(request), status, said.empty() ? "" : ": ", said);
  ErrorKind kind = ErrorKind::provider;
  if (status == 401 || status == 403) kind = ErrorKind::auth;
  if (status == 429) kind = ErrorKind::rate_limited;
  return Error{kind, std::move(what), status, std::nullopt};
}

}  // namespace crmexport::http
