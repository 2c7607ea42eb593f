#include "tests/fake/admin_routes.hpp"

#include <httplib.h>

namespace crm_fake {

void register_admin_routes(httplib::Server& server, ServerState& state) {
  server.set_pre_routing_handler([&state](const httplib::Request& req, httplib::Response& res) {
    // Answered before routing because httplib 0.11 would otherwise wait for a body that a
    // bare `curl -X POST` (no Content-Length) never sends.
    if (req.path == "/_shutdown" && req.method == "POST") {
      res.set_content("{\"success\":true}", "application/json");
      state.request_stop();
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.path == "/_admin/heal" && req.method == "POST") {
      state.heal();
      res.set_content("{\"success\":true}", "application/json");
      return httplib::Server::HandlerResponse::Handled;
    }
    // Counted before routing so that /_stats, read right after an answer, already includes
    // it; admin paths are left out so that reading the stats does not change them.
    if (!req.path.starts_with("/_")) state.count_request(req.path);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.Get("/_stats", [&state](const httplib::Request&, httplib::Response& res) {
    res.set_content(state.stats_json(), "application/json");
  });
}

}  // namespace crm_fake
