#include "lib/engine/resume.hpp"

#include <fmt/format.h>

#include "lib/json/fields.hpp"

namespace crmexport::engine {

namespace {
constexpr std::string_view k_skip_prefix = "skip:";
}

std::string format_resume(const ResumePoint& point) {
  if (point.skip == 0) return point.position;
  return fmt::format("{}{}:{}", k_skip_prefix, point.skip, point.position);
}

Result<ResumePoint> parse_resume(std::string_view cursor) {
  if (!cursor.starts_with(k_skip_prefix)) return ResumePoint{std::string(cursor), 0};
  auto rest = cursor.substr(k_skip_prefix.size());
  auto colon = rest.find(':');
  auto skip = colon == std::string_view::npos ? std::nullopt : json::parse_int(rest.substr(0, colon));
  if (!skip || *skip < 0)
    return fail(ErrorKind::usage,
                fmt::format("cannot read cursor '{}': pass the cursor exactly as crmexport printed it", cursor));
  return ResumePoint{std::string(rest.substr(colon + 1)), static_cast<long>(*skip)};
}

}  // namespace crmexport::engine
