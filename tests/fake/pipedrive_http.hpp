#pragma once
// What every Pipedrive endpoint does before and after its own work: auth, burst limit, failure
// injection, latency, and Pipedrive's error bodies.

#include "tests/fake/json_util.hpp"
#include "tests/fake/server_state.hpp"

#include <httplib.h>

#include <functional>
#include <string_view>

namespace crm_fake::pipedrive {

// The {"success":false, "error", "error_info", "data":null, "additional_data":null} envelope
// Pipedrive uses for request errors (FACTS: Errors).
void send_error(httplib::Response& res, int status, std::string_view message);

void send_json(httplib::Response& res, const rapidjson::StringBuffer& body);

using Endpoint = std::function<void(const httplib::Request&, httplib::Response&)>;

// Wraps an endpoint in the checks every real request passes, in order: latency, auth (401),
// burst limit (429; x-ratelimit-* headers on every authenticated answer), injected failures.
// `legacy_query_token` allows ?api_token= (v1 paths only: unconfirmed for v2, so refused there).
httplib::Server::Handler guarded(ServerState& state, bool legacy_query_token, Endpoint endpoint);

}  // namespace crm_fake::pipedrive
