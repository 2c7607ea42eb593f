#pragma once
// Waits a request sits out (pacing, a pause after 429, a retry's backoff), told to whoever shows
// progress. lib/http knows nothing of displays: the engine hands in a function per type.
#include <functional>
#include <string>

#include "lib/http/clock.hpp"

namespace crmexport::http {

struct WaitNote {
  enum class Kind { rate_limit, retry };
  Kind kind = Kind::rate_limit;
  Duration length{0};
  // rate_limit: whose limit ("HubSpot's limit of 100 requests per 10.0s"); retry: what failed
  // ("HTTP 503", "a network error").
  std::string reason;
};

// Called on the waiting thread before it sleeps; must be quick and must not throw.
using WaitObserver = std::function<void(const WaitNote&)>;

// Shorter pacing waits are ordinary spacing between pages: told to no observer, so a display does
// not flicker. Retries are told whatever their wait.
inline constexpr Duration k_noted_wait{1000};

}  // namespace crmexport::http
