#include "tests/fake/time_format.hpp"

#include <fmt/format.h>

namespace crm_fake {
namespace {

constexpr EpochSeconds k_seconds_per_day = 86400;

// Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
  unsigned hour;
  unsigned minute;
  unsigned second;
};

constexpr Civil civil_from_epoch(EpochSeconds t) {
  std::int64_t days = t / k_seconds_per_day;
  std::int64_t rest = t % k_seconds_per_day;
  if (rest < 0) {
    rest += k_seconds_per_day;
    --days;
  }
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  const auto secs = static_cast<unsigned>(rest);
  return Civil{y, m, d, secs / 3600, secs / 60 % 60, secs % 60};
}

// Reads exactly `width` decimal digits at `pos`, advancing it.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += width;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, char wanted) {
  if (pos >= text.size() || text[pos] != wanted) return false;
  ++pos;
  return true;
}

int days_in_month(int year, int month) {
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : k_days[month - 1];
}

std::optional<EpochSeconds> parse_date_prefix(std::string_view text, std::size_t& pos) {
  const auto year = read_digits(text, pos, 4);
  if (!year || !expect(text, pos, '-')) return std::nullopt;
  const auto month = read_digits(text, pos, 2);
  if (!month || *month < 1 || *month > 12 || !expect(text, pos, '-')) return std::nullopt;
  const auto day = read_digits(text, pos, 2);
  if (!day || *day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;
  return epoch_from_civil(*year, *month, *day);
}

}  // namespace

EpochSeconds epoch_from_civil(int year, int month, int day, int hour, int minute, int second) {
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * k_seconds_per_day +
         hour * 3600 + minute * 60 + second;
}

std::string format_iso_utc(EpochSeconds t) {
  const Civil c = civil_from_epoch(t);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", c.year, c.month, c.day, c.hour, c.minute, c.second);
}

std::string format_sql_utc(EpochSeconds t) {
  const Civil c = civil_from_epoch(t);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", c.year, c.month, c.day, c.hour, c.minute, c.second);
}

std::string format_date(EpochSeconds t) {
  const Civil c = civil_from_epoch(t);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

std::string format_clock(EpochSeconds t) {
  const Civil c = civil_from_epoch(t);
  return fmt::format("{:02}:{:02}:{:02}", c.hour, c.minute, c.second);
}

std::optional<EpochSeconds> parse_rfc3339_ceil(std::string_view text) {
  std::size_t pos = 0;
  const auto date = parse_date_prefix(text, pos);
  if (!date || pos >= text.size() || (text[pos] != 'T' && text[pos] != 't')) return std::nullopt;
  ++pos;
  const auto hour = read_digits(text, pos, 2);
  if (!hour || *hour > 23 || !expect(text, pos, ':')) return std::nullopt;
  const auto minute = read_digits(text, pos, 2);
  if (!minute || *minute > 59 || !expect(text, pos, ':')) return std::nullopt;
  const auto second = read_digits(text, pos, 2);
  if (!second || *second > 60) return std::nullopt;
  EpochSeconds t = *date + *hour * 3600 + *minute * 60 + *second;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    bool any_digit = false;
    bool nonzero = false;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      nonzero = nonzero || text[pos] != '0';
      any_digit = true;
      ++pos;
    }
    if (!any_digit) return std::nullopt;
    if (nonzero) ++t;
  }
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '+' ? 1 : -1;
    ++pos;
    const auto off_h = read_digits(text, pos, 2);
    if (!off_h || *off_h > 23 || !expect(text, pos, ':')) return std::nullopt;
    const auto off_m = read_digits(text, pos, 2);
    if (!off_m || *off_m > 59) return std::nullopt;
    t -= sign * (*off_h * 3600 + *off_m * 60);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  return t;
}

std::optional<EpochSeconds> parse_date(std::string_view text) {
  std::size_t pos = 0;
  const auto date = parse_date_prefix(text, pos);
  if (!date || pos != text.size()) return std::nullopt;
  return date;
}

}  // namespace crm_fake
