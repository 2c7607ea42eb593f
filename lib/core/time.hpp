#pragma once
// Times given by the user (--since) and the forms providers want them in.
#include <chrono>
#include <string>
#include <string_view>

#include "lib/core/error.hpp"

namespace crmexport {

using TimePoint = std::chrono::sys_seconds;

enum class TimeFormat {
  rfc3339,          // 2024-03-05T10:11:12Z
  rfc3339_millis,   // 2024-03-05T10:11:12.000Z
  epoch_millis,     // 1709633472000
  date,             // 2024-03-05
  space_separated,  // 2024-03-05 10:11:12 (UTC)
};

// Accepts 2024-03-05, 2024-03-05T10:11:12Z, 2024-03-05T10:11:12+02:00, 2024-03-05 10:11:12
// (UTC), fractions of a second (dropped), and durations back from now: 90m, 36h, 7d.
// A duration reaching back before 1970 is an error (usage), never an overflow.
Result<TimePoint> parse_time(std::string_view text, TimePoint now);
// parse_time for --since: also a usage error outside 1970-01-01..now + 1 day.
Result<TimePoint> parse_since(std::string_view text, TimePoint now);
std::string format_time(TimePoint time, TimeFormat format);

}  // namespace crmexport
