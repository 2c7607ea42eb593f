#include "tests/fake/pipedrive_http.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

namespace crm_fake::pipedrive {
namespace {

constexpr std::string_view k_error_info = "Please check developers.pipedrive.com";
constexpr std::string_view k_json = "application/json";

// 401/429/500 bodies carry errorCode instead of the data/additional_data pair, as observed live.
void send_coded_error(httplib::Response& res, int status, std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_bool_field(w, "success", false);
  write_string_field(w, "error", message);
  write_int_field(w, "errorCode", status);
  write_string_field(w, "error_info", k_error_info);
  w.EndObject();
  res.status = status;
  send_json(res, buffer);
}

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const auto a = static_cast<unsigned char>(text[i]);
    const auto b = static_cast<unsigned char>(prefix[i]);
    if (std::tolower(a) != std::tolower(b)) return false;
  }
  return true;
}

// The token the request presents, whichever of the accepted ways it uses.
std::optional<std::string> presented_token(const httplib::Request& req, bool legacy_query_token) {
  if (req.has_header("x-api-token")) return req.get_header_value("x-api-token");
  if (req.has_header("Authorization")) {
    const std::string value = req.get_header_value("Authorization");
    constexpr std::string_view k_bearer = "Bearer ";
    if (iequals_prefix(value, k_bearer)) return value.substr(k_bearer.size());
    return std::nullopt;
  }
  if (legacy_query_token && req.has_param("api_token")) return req.get_param_value("api_token");
  return std::nullopt;
}

// x-token-cost of each list in the OpenAPI documents (FACTS Pipedrive §4): v2 lists 10,
// pipelines and stages 5, archived deals 20; v1 lists 20; anything else (a get) 2.
std::int64_t token_cost(const std::string& path) {
  auto ends = [&](std::string_view tail) { return path.ends_with(tail); };
  if (path.find("/api/v2/") != std::string::npos) {
    if (ends("/deals/archived")) return 20;
    if (ends("/pipelines") || ends("/stages")) return 5;
    return 10;
  }
  return ends("/me") ? 2 : 20;
}

void set_rate_headers(httplib::Response& res, const RateDecision& decision) {
  for (const char* name : {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"}) res.headers.erase(name);
  res.set_header("x-ratelimit-limit", std::to_string(decision.limit));
  res.set_header("x-ratelimit-remaining", std::to_string(decision.remaining));
  res.set_header("x-ratelimit-reset", std::to_string(decision.reset_seconds));
}

}  // namespace

void send_json(httplib::Response& res, const rapidjson::StringBuffer& body) {
  res.set_content(body.GetString(), body.GetSize(), std::string(k_json).c_str());
}

void send_error(httplib::Response& res, int status, std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_bool_field(w, "success", false);
  write_string_field(w, "error", message);
  write_string_field(w, "error_info", k_error_info);
  write_null_field(w, "data");
  write_null_field(w, "additional_data");
  w.EndObject();
  res.status = status;
  send_json(res, buffer);
}

httplib::Server::Handler guarded(ServerState& state, bool legacy_query_token, Endpoint endpoint) {
  return [&state, legacy_query_token, endpoint = std::move(endpoint)](const httplib::Request& req,
                                                                      httplib::Response& res) {
    state.apply_latency();

    const auto token = presented_token(req, legacy_query_token);
    if (!token || *token != state.options().token) {
      send_coded_error(res, 401, "unauthorized access");
      return;
    }

    const RateDecision decision = state.admit(*token);
    set_rate_headers(res, decision);
    if (!decision.allowed) {
      state.count_throttled();
      send_coded_error(res, 429, "Request over limit");
      return;
    }
    // Once the day's tokens are spent every request gets 429 until the reset, while the burst
    // headers still show room (FACTS §4).
    if (!state.spend_daily_tokens(token_cost(req.path))) {
      state.count_throttled();
      send_coded_error(res, 429, "Daily token budget exceeded");
      return;
    }

    switch (state.next_injection()) {
      case Injection::too_many_requests:
        set_rate_headers(res, RateDecision{false, decision.limit, 0, std::max(decision.reset_seconds, 1)});
        send_coded_error(res, 429, "Request over limit");
        return;
      case Injection::server_error:
        send_coded_error(res, 500, "Internal server error");
        return;
      case Injection::malformed:
        endpoint(req, res);
        // A 200 cut off mid-body, as when a proxy drops the connection's tail.
        res.status = 200;
        res.body.resize(res.body.size() / 2);
        return;
      case Injection::none:
        break;
    }
    endpoint(req, res);
  };
}

}  // namespace crm_fake::pipedrive
