#include "lib/output/path_inside.hpp"

#include <fmt/format.h>

#include "lib/core/escape.hpp"

namespace crmexport::output {
namespace {

bool plain_parts(std::string_view relative) {
  if (relative.find('\0') != std::string_view::npos) return false;
  size_t start = 0;
  while (true) {
    const auto slash = relative.find('/', start);
    const auto part = relative.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;  // also a leading '/': an empty first part
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

// Checked again on the joined path, so that no spelling the parts check missed can leave `dir`.
bool stays_inside(const std::filesystem::path& dir, const std::filesystem::path& joined) {
  const auto relative = joined.lexically_normal().lexically_relative(dir.lexically_normal());
  return !relative.empty() && *relative.begin() != ".." && relative != ".";
}

}  // namespace

Result<std::filesystem::path> path_inside(const std::filesystem::path& dir, std::string_view relative) {
  if (plain_parts(relative)) {
    auto joined = dir / std::filesystem::path(relative);
    if (stays_inside(dir, joined)) return joined;
  }
  return fail(ErrorKind::usage,
              fmt::format("'{}' would not be inside '{}': what crmexport writes there is named by parts that are "
                          "neither empty, '.' nor '..', without a leading '/'; nothing was written there",
                          escaped(relative), escaped(dir.string())));
}

}  // namespace crmexport::output
