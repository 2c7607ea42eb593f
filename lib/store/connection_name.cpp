#include "lib/store/connection_name.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "lib/core/escape.hpp"

namespace crmexport::store {
namespace {

// ASCII only, by bytes: a locale's idea of a letter would let look-alikes in.
bool allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

bool follows_rule(std::string_view name) {
  return !name.empty() && name.size() <= k_max_connection_name && !name.starts_with('.') && !name.starts_with('-') &&
         std::ranges::all_of(name, allowed);
}

}  // namespace

Result<void> check_connection_name(std::string_view name) {
  if (follows_rule(name)) return {};
  return fail(ErrorKind::usage, fmt::format("'{}' cannot be a connection name ({}): give another with --name",
                                            escaped(name), k_connection_name_rule));
}

Result<void> check_stored_name(std::string_view name) {
  if (follows_rule(name)) return {};
  // A leading '-' would make the name an option; `--` ends them.
  return fail(ErrorKind::usage,
              fmt::format("connection '{}' in the store has a name that is not allowed ({}): remove it with "
                          "`crmexport auth remove {}{}` and add it again under another name",
                          escaped(name), k_connection_name_rule, name.starts_with('-') ? "-- " : "", shell_word(name)));
}

}  // namespace crmexport::store
