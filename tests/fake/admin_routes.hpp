#pragma once
// Endpoints for tests themselves, outside every provider's prefix (GET /_stats, POST /_shutdown),
// and the request counting /_stats reports.

#include "tests/fake/server_state.hpp"

namespace httplib {
class Server;
}

namespace crm_fake {

// Installs the server's pre-routing handler; call once, before serving.
void register_admin_routes(httplib::Server& server, ServerState& state);

}  // namespace crm_fake
