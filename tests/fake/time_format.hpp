#pragma once
// UTC calendar arithmetic and the timestamp spellings the fake APIs use. Done by hand rather
// than with <ctime> so output never depends on the machine's time zone or locale.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crm_fake {

using EpochSeconds = std::int64_t;

EpochSeconds epoch_from_civil(int year, int month, int day, int hour = 0, int minute = 0, int second = 0);

// "2024-03-05T10:11:12Z" (Pipedrive v2, RFC3339)
std::string format_iso_utc(EpochSeconds t);
// "2024-03-05 10:11:12" (Pipedrive v1)
std::string format_sql_utc(EpochSeconds t);
// "2024-03-05"
std::string format_date(EpochSeconds t);
// "10:11:12"
std::string format_clock(EpochSeconds t);

// Parses RFC3339 ("2025-01-01T10:20:00Z", "2025-01-01T10:20:00.5+02:00"). Fractional seconds are
// rounded up: stored times are whole seconds, and for both ">= x" and "< x" filters rounding x up
// selects exactly the records a fractional bound would.
std::optional<EpochSeconds> parse_rfc3339_ceil(std::string_view text);

// Parses "2024-03-05" to midnight UTC.
std::optional<EpochSeconds> parse_date(std::string_view text);

}  // namespace crm_fake
