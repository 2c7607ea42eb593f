#include "lib/core/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace crmexport {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (prefix.size() > text.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (lower(text[i]) != lower(prefix[i])) return false;
  return true;
}

size_t allowed_distance(std::string_view typed) {
  if (typed.size() <= 4) return 1;
  if (typed.size() <= 8) return 2;
  return 3;
}

}  // namespace

size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows suffice for the transposition rule.
  std::vector<size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  std::iota(previous.begin(), previous.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        current[j] = std::min(current[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::vector<std::string> closest_names(std::string_view typed, std::span<const std::string> candidates,
                                       size_t at_most) {
  struct Scored {
    size_t distance;
    size_t order;
  };
  std::vector<Scored> scored;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const auto& name = candidates[i];
    if (name.empty()) continue;
    size_t distance = edit_distance(typed, name);
    // A prefix of a name ("pipe" for "pipedrive") is a good guess however far the rest is.
    if (distance <= allowed_distance(typed) || (typed.size() >= 3 && starts_with_ci(name, typed)))
      scored.push_back({distance, i});
  }
  std::stable_sort(scored.begin(), scored.end(), [](const Scored& x, const Scored& y) { return x.distance < y.distance; });
  std::vector<std::string> out;
  for (const auto& s : scored) {
    if (out.size() == at_most) break;
    if (std::find(out.begin(), out.end(), candidates[s.order]) == out.end()) out.push_back(candidates[s.order]);
  }
  return out;
}

std::string did_you_mean(std::string_view typed, std::span<const std::string> candidates) {
  auto names = closest_names(typed, candidates);
  if (names.empty()) return {};
  std::string out = ": did you mean ";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += "'" + names[i] + "'";
  }
  return out + "?";
}

}  // namespace crmexport
