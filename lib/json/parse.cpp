#include "lib/json/parse.hpp"

#include <fmt/format.h>

#include <random>

namespace crmexport::json {
namespace {

// A number whose magnitude may reach 1e300 (integer digits plus a positive exponent): protecting
// more numbers than RapidJSON would refuse costs nothing, since each comes back as written.
bool may_be_huge(std::string_view number) {
  std::size_t at = number.starts_with('-') ? 1 : 0;
  long magnitude = 0;
  while (at < number.size() && number[at] >= '0' && number[at] <= '9') ++magnitude, ++at;
  auto e = number.find_first_of("eE", at);
  if (e != std::string_view::npos && e + 1 < number.size() && number[e + 1] != '-') {
    long exponent = 0;
    for (char c : number.substr(e + 1))
      if (c >= '0' && c <= '9' && exponent < 100'000) exponent = exponent * 10 + (c - '0');
    magnitude += exponent;
  }
  return magnitude >= 300;
}

bool is_number_char(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

}  // namespace

HugeNumbers protect_huge_numbers(std::string_view text) {
  HugeNumbers huge;
  huge.marker = fmt::format("{}{:016x}:", '\0', std::random_device{}() * 0x100000000ULL ^ std::random_device{}());
  huge.text.reserve(text.size() + 64);
  for (std::size_t at = 0; at < text.size();) {
    const char c = text[at];
    if (c == '"') {  // copy a string whole, so digits inside it are not taken for numbers
      std::size_t end = at + 1;
      while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
      end = std::min(end + 1, text.size());
      huge.text.append(text.substr(at, end - at));
      at = end;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t end = at;
      while (end < text.size() && is_number_char(text[end])) ++end;
      const auto number = text.substr(at, end - at);
      if (may_be_huge(number)) {
        huge.text += fmt::format("\"\\u0000{}{}\"", huge.marker.substr(1), huge.numbers.size());
        huge.numbers.emplace_back(number);
      } else {
        huge.text.append(number);
      }
      at = end;
    } else {
      huge.text += c;
      ++at;
    }
  }
  return huge;
}

}  // namespace crmexport::json
