#include "lib/store/mask.hpp"

#include <cstddef>
#include <vector>

namespace crmexport::store {

namespace {

constexpr std::size_t k_min_length_to_show_ends = 12;  // below this, 8 shown characters reveal too much
constexpr std::size_t k_shown_each_end = 4;

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string mask_secret(std::string_view secret) {
  if (secret.empty()) return "(none)";
  std::vector<std::size_t> starts;  // byte offset of each code point
  for (std::size_t i = 0; i < secret.size(); ++i) {
    if (!is_continuation_byte(secret[i])) starts.push_back(i);
  }
  if (starts.size() < k_min_length_to_show_ends) return "****";
  const std::size_t head_end = starts[k_shown_each_end];
  const std::size_t tail_start = starts[starts.size() - k_shown_each_end];
  std::string masked(secret.substr(0, head_end));
  masked += "…";
  masked += secret.substr(tail_start);
  return masked;
}

}  // namespace crmexport::store
