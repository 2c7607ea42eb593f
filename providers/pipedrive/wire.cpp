#include "providers/pipedrive/wire.hpp"

#include <rapidjson/document.h>

#include "lib/json/fields.hpp"

namespace crmexport::providers::pipedrive {

bool daily_budget_spent(const http::Response& response) {
  if (response.status != 429) return false;
  auto remaining = response.header("x-ratelimit-remaining");
  auto left = remaining ? json::parse_int(*remaining) : std::nullopt;
  return left && *left > 0;
}

std::string error_message(const http::Response& response) {
  if (daily_budget_spent(response))
    return "the company's daily Pipedrive API token budget is spent; it resets at midnight in Pipedrive's server "
           "time zone, so run again after that (or buy a top-up)";
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
