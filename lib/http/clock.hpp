#pragma once
// Time, behind an interface so backoff and rate limits can be tested without sleeping.
#include <chrono>

namespace crmexport::http {

using Duration = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point now() const = 0;
  virtual std::chrono::system_clock::time_point wall_now() const = 0;  // for HTTP dates
  virtual void sleep_for(Duration duration) = 0;
};

class SystemClock : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override;
  std::chrono::system_clock::time_point wall_now() const override;
  void sleep_for(Duration duration) override;
};

}  // namespace crmexport::http
