#pragma once
// Finding structure in JSON text without parsing it: where a member's value starts, where a
// value ends, and the commas inside an array, by following only strings and brackets. What the
// scan finds is trusted only as far as a parse confirms it (skim.hpp), or in text a validating
// parser has accepted (page.cpp).
#include <cstddef>
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

struct Split {
  std::vector<std::size_t> commas;  // the commas directly inside, in order
  bool spaced = false;              // whitespace outside strings somewhere inside
  long depth = 0;                   // the deepest nesting inside, the array itself being 1
};
// The array opening at `at`: the index after its closing bracket, or k_not_found.
std::size_t split_array(std::string_view s, std::size_t at, Split& split);

}  // namespace crmexport::json
