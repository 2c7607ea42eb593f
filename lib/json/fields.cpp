#include "lib/json/fields.hpp"

#include <rapidjson/pointer.h>

#include <fmt/format.h>

#include <charconv>

namespace crmexport::json {

const rapidjson::Value* find(const rapidjson::Value& root, std::string_view pointer) {
  rapidjson::Pointer p(pointer.data(), pointer.size());
  if (!p.IsValid()) return nullptr;
  return p.Get(root);
}

std::optional<std::string> text_at(const rapidjson::Value& root, std::string_view pointer) {
  const auto* v = find(root, pointer);
  if (!v) return std::nullopt;
  if (v->IsString()) return std::string(v->GetString(), v->GetStringLength());
  if (v->IsInt64()) return std::to_string(v->GetInt64());
  if (v->IsUint64()) return std::to_string(v->GetUint64());
  return std::nullopt;
}

std::optional<int64_t> parse_int(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int64_t> int_at(const rapidjson::Value& root, std::string_view pointer) {
  auto text = text_at(root, pointer);
  return text ? parse_int(*text) : std::nullopt;
}

std::optional<bool> bool_at(const rapidjson::Value& root, std::string_view pointer) {
  const auto* v = find(root, pointer);
  if (!v || !v->IsBool()) return std::nullopt;
  return v->GetBool();
}

Result<std::optional<std::string>> position_at(const rapidjson::Value& root, std::string_view pointer) {
  const auto* v = find(root, pointer);
  if (!v || v->IsNull()) return std::nullopt;
  auto text = text_at(root, pointer);
  if (!text)
    return fail(ErrorKind::provider,
                fmt::format("malformed response: the next position {} is {}, not a string or number", pointer,
                            v->IsObject()  ? "an object"
                            : v->IsArray() ? "an array"
                                           : "a boolean"));
  if (text->empty()) return std::nullopt;
  return text;
}

}  // namespace crmexport::json
