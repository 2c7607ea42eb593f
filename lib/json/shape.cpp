#include "lib/json/shape.hpp"

#include "lib/json/fields.hpp"
#include "lib/json/parse.hpp"

namespace crmexport::json {

bool has_shape(const rapidjson::Value& root, const Shape& shape) {
  const auto* value = find(root, shape.pointer);
  if (!value) return false;
  switch (shape.kind) {
    case Kind::object:
      return value->IsObject();
    case Kind::array:
      return value->IsArray();
    case Kind::text:
      return value->IsString() && value->GetStringLength() > 0;
    case Kind::number:
      return value->IsNumber();
    case Kind::id:
      return value->IsNumber() || (value->IsString() && value->GetStringLength() > 0);
  }
  return false;
}

bool has_shape(std::string_view text, const Shape& shape) {
  rapidjson::Document document;
  return parse_dom(document, text) == Parsed::ok && has_shape(document, shape);
}

}  // namespace crmexport::json
