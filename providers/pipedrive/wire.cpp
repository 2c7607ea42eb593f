#include "providers/pipedrive/wire.hpp"

#include <rapidjson/document.h>

namespace crmexport::providers::pipedrive {

std::string error_message(const http::Response& response) {
  rapidjson::Document body;
  body.Parse(response.body.data(), response.body.size());
  if (body.HasParseError() || !body.IsObject()) return {};
  auto text = [&](const char* key) -> std::string {
    auto it = body.FindMember(key);
    return it != body.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
  };
  std::string message = text("error");
  if (auto info = text("error_info"); !info.empty()) message += message.empty() ? info : " (" + info + ")";
  return message;
}

}  // namespace crmexport::providers::pipedrive
