#include "lib/http/clock.hpp"

#include <algorithm>
#include <thread>

#include "lib/core/interrupt.hpp"

namespace crmexport::http {

std::chrono::steady_clock::time_point SystemClock::now() const { return std::chrono::steady_clock::now(); }
std::chrono::system_clock::time_point SystemClock::wall_now() const { return std::chrono::system_clock::now(); }
// In slices, so that SIGINT/SIGTERM end a backoff or a rate-limit pause within a tenth of a second.
void SystemClock::sleep_for(Duration duration) {
  constexpr Duration k_slice{100};
  const auto until = now() + duration;
  while (!interrupted()) {
    const auto left = std::chrono::duration_cast<Duration>(until - now());
    if (left <= Duration::zero()) return;
    std::this_thread::sleep_for(std::min(left, k_slice));
  }
}

}  // namespace crmexport::http
