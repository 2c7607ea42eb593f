// crm-fake: fake CRM APIs on loopback for crmexport's end-to-end tests, benchmarks and demo.

#include "tests/fake/accounts.hpp"
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
#include <algorithm>
#include <exception>
#include <fstream>
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
// With many accounts each needs fewer: a client syncs one account with a few requests at once.
constexpr std::size_t k_worker_threads_per_account = 6;

void configure_server(httplib::Server& server, crm_fake::ServerState& state, std::size_t workers) {
  server.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
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

// One account: its options (which its providers keep a reference to), state, providers and server.
struct Account {
  explicit Account(FakeOptions account_options) : options(std::move(account_options)), state(options) {}
  FakeOptions options;
  crm_fake::ServerState state;
  std::vector<std::unique_ptr<FakeProvider>> providers;
  httplib::Server server;
  int port = 0;
  std::thread listener;
};

// Binds 127.0.0.1 (loopback only: this server must never be reachable from another machine);
// 0 when the port cannot be had.
int bind_loopback(httplib::Server& server, int port) {
  if (port == 0) return std::max(server.bind_to_any_port("127.0.0.1"), 0);
  return server.bind_to_port("127.0.0.1", port) ? port : 0;
}

int run(const FakeOptions& options) {
  std::vector<std::unique_ptr<Account>> accounts;
  const std::size_t workers = options.accounts > 1 ? k_worker_threads_per_account : k_worker_threads;
  for (int index = 0; index < options.accounts; ++index) {
    auto& account = *accounts.emplace_back(std::make_unique<Account>(crm_fake::account_options(options, index)));
    for (const ProviderFactory make : k_providers) account.providers.push_back(make(account.options));
    // The dump comes first: a test may read it as soon as it sees the listening line.
    if (account.options.dump_dir)
      for (const auto& provider : account.providers) provider->dump(*account.options.dump_dir);
    configure_server(account.server, account.state, workers);
    for (const auto& provider : account.providers) provider->register_routes(account.server, account.state);
    crm_fake::register_admin_routes(account.server, account.state);
    account.port = bind_loopback(account.server, index == 0 ? options.port : 0);
    if (account.port == 0) {
      fmt::print(stderr, "crm-fake: cannot bind 127.0.0.1:{}\n", index == 0 ? options.port : 0);
      return 1;
    }
  }
  auto url = [](const Account& account) { return fmt::format("http://127.0.0.1:{}", account.port); };
  if (options.dump_dir && options.accounts > 1) {
    std::ofstream list(*options.dump_dir / "accounts.txt");
    for (const auto& account : accounts) list << url(*account) << "\n";
    if (!list.flush()) throw std::runtime_error("cannot write accounts.txt in the dump folder");
  }
  std::string lines = fmt::format("listening on {}\n", url(*accounts.front()));
  for (std::size_t index = 1; index < accounts.size(); ++index)
    lines += fmt::format("account {} listening on {}\n", index, url(*accounts[index]));
  std::fputs(lines.c_str(), stdout);
  std::fflush(stdout);

  // Any account's /_shutdown or --max-requests, or the lifetime, stops them all.
  auto& first = accounts.front()->state;
  std::vector<std::thread> watchers;
  for (auto& account : accounts) {
    account->listener = std::thread([&served = *account, &first] {
      served.server.listen_after_bind();
      served.state.request_stop();
      first.request_stop();
    });
    if (account.get() != accounts.front().get())
      watchers.emplace_back([&served = *account, &first] {
        served.state.wait_for_stop();
        first.request_stop();
      });
  }
  first.wait_for_stop();
  for (auto& account : accounts) {
    account->server.stop();
    account->state.request_stop();
  }
  for (auto& account : accounts) account->listener.join();
  for (auto& watcher : watchers) watcher.join();
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
