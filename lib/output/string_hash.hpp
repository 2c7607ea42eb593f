#pragma once
// Lets the CSV column maps be searched with a string_view, so looking up a cell's path never
// allocates (with std::equal_to<> as the map's key_equal).
#include <functional>
#include <string_view>

namespace crmexport::output {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

}  // namespace crmexport::output
