#include "providers/pipedrive/wire.hpp"

#include <rapidjson/document.h>

#include "lib/json/parse.hpp"

namespace crmexport::providers::pipedrive {

std::string error_message(const http::Response& response) {
  rapidjson::Document body;
  if (json::parse_dom(body, response.body) != json::Parsed::ok || !body.IsObject()) return {};
  auto text = [&](const char* key) -> std::string {
    auto it = body.FindMember(key);
    return it != body.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
  };
  std::string message = text("error");
  if (auto info = text("error_info"); !info.empty()) message += message.empty() ? info : " (" + info + ")";
  return message;
}

}  // namespace crmexport::providers::pipedrive
