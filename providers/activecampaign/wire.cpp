#include "providers/activecampaign/wire.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "lib/json/fields.hpp"

#include "lib/json/parse.hpp"

namespace crmexport::providers::activecampaign {
namespace {

std::string text(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return "";
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

}  // namespace

std::string error_message(const http::Response& response) {
  rapidjson::Document body;
  if (json::parse_dom(body, response.body) != json::Parsed::ok || !body.IsObject()) return {};
  if (auto message = text(body, "message"); !message.empty()) return message;
  std::string joined;
  auto errors = body.FindMember("errors");
  if (errors == body.MemberEnd() || !errors->value.IsArray()) return {};
  for (const auto& error : errors->value.GetArray()) {
    std::string one = text(error, "title");
    if (auto detail = text(error, "detail"); !detail.empty()) one += one.empty() ? detail : " (" + detail + ")";
    if (!one.empty()) joined += (joined.empty() ? "" : "; ") + one;
  }
  return joined;
}

void attach_field_options(const rapidjson::Value& envelope, std::vector<fields::Field>& fields) {
  const auto* options = json::find(envelope, "/fieldOptions");
  if (!options || !options->IsArray()) return;
  for (const auto& option : options->GetArray()) {
    auto field = json::text_at(option, "/field");
    auto value = json::text_at(option, "/value");
    if (!field || !value) continue;
    rapidjson::StringBuffer id;
    rapidjson::Writer<rapidjson::StringBuffer> writer(id);
    writer.String(value->c_str(), static_cast<rapidjson::SizeType>(value->size()));
    for (auto& f : fields)
      if (f.key == *field) f.options.push_back({id.GetString(), json::text_at(option, "/label").value_or(*value)});
  }
}

std::optional<fields::Field> read_custom_field_meta(const rapidjson::Value& item) {
  static const auto k_read = fields::read_item({.key = "id",
                                                .label = "fieldLabel",
                                                .type = "fieldType",
                                                .multiple_types = {"multiselect", "checkbox"},
                                                .custom_when = [](const fields::Field&) { return true; }});
  auto field = k_read(item);
  if (!field) return field;
  const auto* options = json::find(item, "/fieldOptions");
  if (!options || !options->IsArray()) return field;
  for (const auto& option : options->GetArray()) {
    if (!option.IsString()) continue;
    rapidjson::StringBuffer id;
    rapidjson::Writer<rapidjson::StringBuffer> writer(id);
    option.Accept(writer);
    if (!field->option(id.GetString())) field->options.push_back({id.GetString(), option.GetString()});
  }
  return field;
}

}  // namespace crmexport::providers::activecampaign
