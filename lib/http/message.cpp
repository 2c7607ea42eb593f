#include "lib/http/message.hpp"

#include <algorithm>
#include <cctype>

namespace crmexport::http {

std::optional<std::string_view> Response::header(std::string_view name) const {
  auto same = [name](const std::string& candidate) {
    return std::ranges::equal(candidate, name, [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
  };
  for (const auto& [key, value] : headers)
    if (same(key)) return std::string_view(value);
  return std::nullopt;
}

}  // namespace crmexport::http
