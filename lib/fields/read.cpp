#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "lib/fields/spec.hpp"

namespace crmexport::fields {
namespace {

std::string string_member(const rapidjson::Value& item, const std::string& name) {
  if (name.empty() || !item.IsObject()) return {};
  auto it = item.FindMember(name.c_str());
  if (it == item.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

std::string compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

// A key given as a string, or as a number (Keap v1's custom field ids).
std::string key_member(const rapidjson::Value& item, const std::string& name) {
  if (!item.IsObject()) return {};
  auto it = item.FindMember(name.c_str());
  if (it != item.MemberEnd() && it->value.IsNumber()) return compact(it->value);
  return string_member(item, name);
}

void add_options(Field& field, const rapidjson::Value& item, const std::string& member, const ItemShape& shape) {
  if (member.empty()) return;
  auto it = item.FindMember(member.c_str());
  if (it == item.MemberEnd() || !it->value.IsArray()) return;
  for (const auto& option : it->value.GetArray()) {
    if (!option.IsObject()) continue;
    auto id = option.FindMember(shape.option_id.c_str());
    if (id == option.MemberEnd() || id->value.IsNull()) continue;
    Option o{compact(id->value), string_member(option, shape.option_label)};
    if (!field.option(o.id)) field.options.push_back(std::move(o));
  }
}

}  // namespace

FieldReader read_item(ItemShape shape) {
  return [shape = std::move(shape)](const rapidjson::Value& item) -> std::optional<Field> {
    Field field;
    field.key = key_member(item, shape.key);
    if (field.key.empty()) return std::nullopt;
    field.label = string_member(item, shape.label);
    field.type = string_member(item, shape.type);
    add_options(field, item, shape.options, shape);
    for (const auto& more : shape.more_options) add_options(field, item, more, shape);
    auto kind = shape.multiple_member.empty() ? field.type : string_member(item, shape.multiple_member);
    field.multiple = std::ranges::find(shape.multiple_types, kind) != shape.multiple_types.end();
    if (!shape.custom_flag.empty()) {
      auto flag = item.FindMember(shape.custom_flag.c_str());
      bool set = flag != item.MemberEnd() && flag->value.IsBool() && flag->value.GetBool();
      field.custom = set == shape.custom_flag_means;
    } else if (shape.custom_when) {
      field.custom = shape.custom_when(field);
    }
    return field;
  };
}

}  // namespace crmexport::fields
