#include "lib/fields/field.hpp"

#include "lib/core/utf8.hpp"

namespace crmexport::fields {
namespace {

void make_storable(std::string& text) {
  if (!is_valid_utf8(text)) text = to_valid_utf8(text);
  for (std::size_t at = text.find('\0'); at != std::string::npos; at = text.find('\0', at))
    text.replace(at, 1, k_replacement_character);
}

}  // namespace

const Option* Field::option(std::string_view id_text) const {
  for (const auto& o : options)
    if (o.id == id_text) return &o;
  return nullptr;
}

std::string plain_id(std::string_view id_json) {
  if (id_json.size() >= 2 && id_json.front() == '"' && id_json.back() == '"')
    return std::string(id_json.substr(1, id_json.size() - 2));
  return std::string(id_json);
}

// Option ids are compact JSON text, where a NUL is already escaped (PostgreSQL's jsonb takes
// them through mirror::jsonb_compatible).
void make_storable(Field& field) {
  make_storable(field.key);
  make_storable(field.label);
  for (auto& option : field.options) make_storable(option.label);
}

}  // namespace crmexport::fields

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "lib/json/tree.hpp"

namespace crmexport::fields {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(Writer& w, std::string_view text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void write_options(Writer& w, const std::vector<Option>& options) {
  w.StartArray();
  for (const auto& option : options) {
    w.StartObject();
    w.Key("id");
    w.RawValue(option.id.data(), option.id.size(), rapidjson::kStringType);
    w.Key("label");
    write_string(w, option.label);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

std::string options_json(const std::vector<Option>& options) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  write_options(w, options);
  return {buffer.GetString(), buffer.GetSize()};
}

std::vector<Option> parse_options(std::string_view text) {
  std::vector<Option> options;
  auto tree = json::parse_tree(text);
  if (!tree || !tree->is(json::Node::Kind::array)) return options;
  for (const auto& item : tree->items) {
    const auto* id = item.member("id");
    const auto* label = item.member("label");
    if (id && label && label->is(json::Node::Kind::string)) options.push_back({json::to_text(*id), label->text});
  }
  return options;
}

std::string field_json(const Field& field) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("key");
  write_string(w, field.key);
  w.Key("name");
  write_string(w, field.name);
  w.Key("label");
  write_string(w, field.label);
  w.Key("type");
  write_string(w, field.type);
  w.Key("custom");
  w.Bool(field.custom);
  w.Key("options");
  write_options(w, field.options);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace crmexport::fields
