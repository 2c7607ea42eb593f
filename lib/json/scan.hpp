#pragma once
// Finding structure in JSON text without parsing it: where a member's value starts, where a
// value ends, and the commas inside an array, by following only strings and brackets. What the
// scan finds is trusted only as far as a parse confirms it (skim.hpp), or in text a validating
// parser has accepted (page.cpp).
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crmexport::json {

inline constexpr std::size_t k_not_found = std::string_view::npos;

// Where the value at `path` starts in the object at `at` (the first member of each name, as
// RapidJSON's FindMember finds it), or k_not_found.
std::size_t find_value(std::string_view s, std::size_t at, std::span<const std::string> path);

// The index after the value at `at`, or k_not_found; `elements` gets an array's element count.
std::size_t skip_value(std::string_view s, std::size_t at, long& elements);

// A page's records array as scan_array found it: where it is and what is directly inside.
struct RecordsArray {
  std::size_t begin = k_not_found;  // its opening bracket
  std::size_t end = k_not_found;    // after its closing bracket
  std::vector<std::size_t> commas;  // the commas directly inside, in order
  bool empty = false;               // nothing but whitespace inside
  bool spaced = false;              // whitespace outside strings somewhere inside
  long depth = 0;                   // the deepest nesting inside, the array itself being 1
  std::size_t elements() const { return empty ? 0 : commas.size() + 1; }
};
// The array opening at `at`, or nullopt when there is none or it does not end.
std::optional<RecordsArray> scan_array(std::string_view s, std::size_t at);

}  // namespace crmexport::json
