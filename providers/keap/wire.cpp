#include "providers/keap/wire.hpp"

#include <rapidjson/document.h>

#include "lib/json/parse.hpp"

#include <string_view>

namespace crmexport::providers::keap {
namespace {

std::string text(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return "";
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

// What a gateway error code means for the user (FACTS Keap §6).
std::string explain(std::string_view errorcode) {
  if (errorcode == "keymanagement.service.access_token_expired") return "the access token has expired";
  if (errorcode == "keymanagement.service.invalid_access_token" || errorcode == "oauth.v2.InvalidAccessToken")
    return "the key or access token was not accepted; check the connection with `crmexport auth test`";
  if (errorcode.find("SpikeArrest") != std::string_view::npos || errorcode.find("Quota") != std::string_view::npos)
    return "Keap's rate limit was reached";
  return "";
}

}  // namespace

std::string error_message(const http::Response& response) {
  rapidjson::Document body;
  if (json::parse_dom(body, response.body) != json::Parsed::ok || !body.IsObject()) return {};
  if (auto fault = body.FindMember("fault"); fault != body.MemberEnd() && fault->value.IsObject()) {
    std::string said = text(fault->value, "faultstring");
    std::string code;
    if (auto detail = fault->value.FindMember("detail"); detail != fault->value.MemberEnd())
      code = text(detail->value, "errorcode");
    std::string meaning = explain(code);
    std::string out = meaning.empty() ? said : meaning + (said.empty() ? "" : " (Keap: " + said + ")");
    if (!code.empty()) out += " [" + code + "]";
    return out;
  }
  std::string message = text(body, "message");
  if (auto status = text(body, "status"); !status.empty())
    message += (message.empty() ? "" : " ") + ("(" + status + ")");
  return message;
}

bool quota_exhausted(const http::Response& response) {
  auto available = response.header("x-keap-product-quota-available");
  return available && *available == "0";
}

}  // namespace crmexport::providers::keap
