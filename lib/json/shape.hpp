#pragma once
// What an endpoint's documented answer must hold, as data: the value one JSON pointer names, and
// its kind. A 2xx alone proves nothing (a captive portal's login page, a proxy's empty 200 and a
// wrong URL answer 200 too): a provider declares the shape of its verify answer
// (providers::Provider::verify_shape), the OAuth token endpoint that of a token, and the engine
// checks both with this one rule.
#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace crmexport::json {

enum class Kind {
  object,
  array,
  text,  // a string of at least one character
  number,
  id,  // a text or a number: providers spell ids either way
};

struct Shape {
  std::string pointer;  // RFC 6901, e.g. "/data/id"
  Kind kind = Kind::object;
};

// Whether `root` holds a value of `shape.kind` at `shape.pointer`.
bool has_shape(const rapidjson::Value& root, const Shape& shape);
// Whether `text` is JSON (parsed through the nesting cap, parse.hpp) holding `shape`.
bool has_shape(std::string_view text, const Shape& shape);

}  // namespace crmexport::json
