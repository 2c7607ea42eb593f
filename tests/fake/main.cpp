// crm-fake: fake CRM APIs on loopback for crmexport's end-to-end tests, benchmarks and demo.

#include "tests/fake/activecampaign_provider.hpp"
#include "tests/fake/admin_routes.hpp"
#include "tests/fake/fake_provider.hpp"
#include "tests/fake/hubspot_provider.hpp"
#include "tests/fake/keap_provider.hpp"
#include "tests/fake/oauth_fake.hpp"
#include "tests/fake/options.hpp"
#include "tests/fake/pipedrive_provider.hpp"
#include "tests/fake/server_state.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

namespace {

using crm_fake::FakeOptions;
using crm_fake::FakeProvider;

// Every fake CRM, one line each. Keap, HubSpot and ActiveCampaign join here.
using ProviderFactory = std::unique_ptr<FakeProvider> (*)(const FakeOptions&);
constexpr ProviderFactory k_providers[] = {
    crm_fake::make_pipedrive_oauth_provider,  // before Pipedrive, whose catch-all would answer first
    crm_fake::make_pipedrive_provider,
    crm_fake::make_hubspot_provider,
    crm_fake::make_activecampaign_provider,
    crm_fake::make_keap_provider,
};

// Enough workers that slow clients (or --latency-ms) on a few connections do not starve the rest.
constexpr std::size_t k_worker_threads = 16;

void configure_server(httplib::Server& server, crm_fake::ServerState& state) {
  server.new_task_queue = [] { return new httplib::ThreadPool(k_worker_threads); };
  server.set_keep_alive_max_count(1000);
  // Without TCP_NODELAY, Nagle plus the client's delayed ACK adds ~40 ms to every answer on a
  // reused connection, and every test and benchmark would measure that instead of the client.
  // A setter, not CPPHTTPLIB_TCP_NODELAY: Debian's cpp-httplib is a compiled library, so the
  // macro would not reach the code that opens the sockets.
  server.set_tcp_nodelay(true);
  if (state.options().verbose) {
    server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      const std::string query =
          req.target.find('?') != std::string::npos ? req.target.substr(req.target.find('?')) : "";
      fmt::print(stderr, "{} {}{} -> {} ({} bytes)\n", req.method, req.path, query, res.status, res.body.size());
    });
  }
}

int run(const FakeOptions& options) {
  crm_fake::ServerState state(options);
  std::vector<std::unique_ptr<FakeProvider>> providers;
  for (const ProviderFactory make : k_providers) providers.push_back(make(options));

  // The dump comes first: a test may read it as soon as it sees the listening line.
  if (options.dump_dir) {
    for (const auto& provider : providers) provider->dump(*options.dump_dir);
  }

  httplib::Server server;
  configure_server(server, state);
  for (const auto& provider : providers) provider->register_routes(server, state);
  crm_fake::register_admin_routes(server, state);

  // Loopback only: this server must never be reachable from another machine.
  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port("127.0.0.1");
    if (port < 0) port = 0;
  } else if (!server.bind_to_port("127.0.0.1", port)) {
    port = 0;
  }
  if (port == 0) {
    fmt::print(stderr, "crm-fake: cannot bind 127.0.0.1:{}\n", options.port);
    return 1;
  }
  std::fputs(fmt::format("listening on http://127.0.0.1:{}\n", port).c_str(), stdout);
  std::fflush(stdout);

  std::thread listener([&] {
    server.listen_after_bind();
    state.request_stop();
  });
  state.wait_for_stop();  // /_shutdown, --max-requests or --lifetime
  server.stop();
  listener.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A client hanging up mid-answer must not kill the server.
  std::signal(SIGPIPE, SIG_IGN);

  const crm_fake::ParsedOptions parsed = crm_fake::parse_options(argc, argv);
  switch (parsed.outcome) {
    case crm_fake::ParseOutcome::help:
      std::fputs(crm_fake::usage_text().c_str(), stdout);
      return 0;
    case crm_fake::ParseOutcome::usage_error:
      fmt::print(stderr, "crm-fake: {}\n{}", parsed.error, crm_fake::usage_text());
      return 2;
    case crm_fake::ParseOutcome::run:
      break;
  }
  try {
    return run(parsed.options);
  } catch (const std::exception& e) {
    fmt::print(stderr, "crm-fake: {}\n", e.what());
    return 1;
  }
}
