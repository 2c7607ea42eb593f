#include "lib/core/time.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <optional>

namespace crmexport {
namespace {

Error bad_time(std::string_view text) {
  return Error{ErrorKind::usage,
               fmt::format("cannot read time '{}': use 2024-03-05, 2024-03-05T10:11:12Z, "
                           "2024-03-05T10:11:12+02:00 or a duration back from now such as 36h or 7d",
                           text),
               0, std::nullopt};
}

bool read_int(std::string_view& text, size_t digits, int& out) {
  if (text.size() < digits) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + digits, out);
  if (ec != std::errc() || end != text.data() + digits) return false;
  text.remove_prefix(digits);
  return true;
}

bool expect(std::string_view& text, char c) {
  if (text.empty() || text.front() != c) return false;
  text.remove_prefix(1);
  return true;
}

// Times outside this range are typing mistakes (or overflow in the making): no CRM record was
// updated before the Unix epoch, and a filter in the future matches nothing, silently.
Error out_of_range(std::string_view text, std::string_view why) {
  return Error{ErrorKind::usage,
               fmt::format("time '{}' {}: give a time between 1970-01-01 and tomorrow, or a shorter duration such as "
                           "7d",
                           text, why),
               0, std::nullopt};
}

// now - amount units, or nothing when that is before 1970 (no multiplication that could overflow).
std::optional<TimePoint> back_from(TimePoint now, long long amount, long long unit_seconds) {
  const long long now_seconds = now.time_since_epoch().count();
  if (amount < 0 || now_seconds < 0 || amount > now_seconds / unit_seconds) return std::nullopt;
  return now - std::chrono::seconds(amount * unit_seconds);
}

}  // namespace

Result<TimePoint> parse_time(std::string_view text, TimePoint now) {
  using namespace std::chrono;
  const std::string_view original = text;
  if (!text.empty() && (text.back() == 'm' || text.back() == 'h' || text.back() == 'd')) {
    long long amount = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, amount);
    if (ec == std::errc() && end == text.data() + text.size() - 1 && amount >= 0) {
      long long unit = text.back() == 'm' ? 60 : text.back() == 'h' ? 3600 : 86400;
      auto time = back_from(now, amount, unit);
      if (!time) return std::unexpected(out_of_range(original, "reaches back before 1970-01-01"));
      return *time;
    }
    if (ec == std::errc::result_out_of_range)
      return std::unexpected(out_of_range(original, "reaches back before 1970-01-01"));
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!read_int(text, 4, y) || !expect(text, '-') || !read_int(text, 2, mo) || !expect(text, '-') ||
      !read_int(text, 2, d))
    return std::unexpected(bad_time(original));
  year_month_day date{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!date.ok()) return std::unexpected(bad_time(original));
  seconds offset{0};
  if (!text.empty()) {
    if (!(expect(text, 'T') || expect(text, 't') || expect(text, ' '))) return std::unexpected(bad_time(original));
    if (!read_int(text, 2, h) || !expect(text, ':') || !read_int(text, 2, mi) || h > 23 || mi > 59)
      return std::unexpected(bad_time(original));
    if (expect(text, ':') && (!read_int(text, 2, s) || s > 60)) return std::unexpected(bad_time(original));
    if (expect(text, '.'))
      while (!text.empty() && std::isdigit(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    if (expect(text, 'Z') || expect(text, 'z')) {
    } else if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
      int sign = text.front() == '-' ? -1 : 1;
      text.remove_prefix(1);
      int oh = 0, om = 0;
      if (!read_int(text, 2, oh)) return std::unexpected(bad_time(original));
      expect(text, ':');
      if (!read_int(text, 2, om) || oh > 23 || om > 59) return std::unexpected(bad_time(original));
      offset = seconds(sign * (oh * 3600 + om * 60));
    }
    if (!text.empty()) return std::unexpected(bad_time(original));
  }
  // Four-digit years keep every sum here far inside 64 bits.
  return sys_days(date) + hours(h) + minutes(mi) + seconds(s) - offset;
}

Result<TimePoint> parse_since(std::string_view text, TimePoint now) {
  auto time = parse_time(text, now);
  if (!time) return time;
  if (*time < TimePoint{}) return std::unexpected(out_of_range(text, "is before 1970-01-01"));
  // A day of slack for clocks and time zones; past that, the filter would match nothing.
  if (*time > now + std::chrono::days(1)) return std::unexpected(out_of_range(text, "is in the future"));
  return time;
}

std::string format_time(TimePoint time, TimeFormat format) {
  using namespace std::chrono;
  auto day_point = floor<days>(time);
  year_month_day date(day_point);
  hh_mm_ss clock(time - day_point);
  auto ymd = fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                         static_cast<unsigned>(date.day()));
  auto hms = fmt::format("{:02}:{:02}:{:02}", clock.hours().count(), clock.minutes().count(), clock.seconds().count());
  switch (format) {
    case TimeFormat::rfc3339:
      return fmt::format("{}T{}Z", ymd, hms);
    case TimeFormat::rfc3339_millis:
      return fmt::format("{}T{}.000Z", ymd, hms);
    case TimeFormat::epoch_millis:
      return std::to_string(time.time_since_epoch().count() * 1000);
    case TimeFormat::date:
      return ymd;
    case TimeFormat::space_separated:
      return fmt::format("{} {}", ymd, hms);
  }
  return ymd;
}

}  // namespace crmexport
