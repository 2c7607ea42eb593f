#pragma once
// The interface each fake CRM implements. main.cpp lists the providers in one table; a provider
// owns every route under its prefix and nothing outside it.

#include "tests/fake/server_state.hpp"

#include <filesystem>
#include <string>

namespace httplib {
class Server;
}

namespace crm_fake {

struct FakeProvider {
  virtual ~FakeProvider() = default;

  // Path prefix of all this provider's routes, e.g. "/pipedrive"; also its dump folder name.
  virtual std::string prefix() const = 0;

  // Adds the provider's endpoints. Handlers run concurrently on the server's thread pool.
  virtual void register_routes(httplib::Server& server, ServerState& state) = 0;

  // Writes the ground-truth dataset under dir/<prefix without slash>/; throws std::runtime_error on failure.
  virtual void dump(const std::filesystem::path& dir) const = 0;
};

}  // namespace crm_fake
