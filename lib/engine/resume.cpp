#include "lib/engine/resume.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "lib/json/fields.hpp"

namespace crmexport::engine {

namespace {
constexpr std::string_view k_skip_prefix = "skip:";
}

std::string cursor_owner(std::string_view provider, std::string_view api_version, std::string_view type) {
  return fmt::format("{}.{}.{}", provider, api_version, type);
}

std::string format_resume(std::string_view owner, const ResumePoint& point) {
  if (point.skip == 0) return fmt::format("{}:{}", owner, point.position);
  return fmt::format("{}:{}{}:{}", owner, k_skip_prefix, point.skip, point.position);
}

Result<ResumePoint> parse_resume(std::string_view cursor, std::string_view owner) {
  if (cursor.empty()) return ResumePoint{};
  const auto colon = cursor.find(':');
  const auto named = cursor.substr(0, colon == std::string_view::npos ? 0 : colon);
  if (std::ranges::count(named, '.') != 2)
    return fail(ErrorKind::usage,
                fmt::format("cursor '{}' does not say which type it belongs to (an older crmexport printed it?); "
                            "pass a cursor exactly as this crmexport printed it, or export again without --cursor",
                            cursor));
  if (named != owner)
    return fail(ErrorKind::usage, fmt::format("cursor '{}' was printed for {}, not {}: use it with that provider, API "
                                              "version and type, or export {} again without --cursor",
                                              cursor, named, owner, owner));
  auto rest = cursor.substr(colon + 1);
  if (!rest.starts_with(k_skip_prefix)) return ResumePoint{std::string(rest), 0};
  rest.remove_prefix(k_skip_prefix.size());
  auto skip_end = rest.find(':');
  auto skip = skip_end == std::string_view::npos ? std::nullopt : json::parse_int(rest.substr(0, skip_end));
  if (!skip || *skip < 0)
    return fail(ErrorKind::usage,
                fmt::format("cannot read cursor '{}': pass the cursor exactly as crmexport printed it", cursor));
  return ResumePoint{std::string(rest.substr(skip_end + 1)), static_cast<long>(*skip)};
}

}  // namespace crmexport::engine
