#pragma once
// crm-fake on an ephemeral loopback port, with its dataset dumped for comparison. Stopped (and
// bounded by --lifetime in case a test dies) when the object goes.
#include <string>
#include <vector>

#include "support/process.hpp"

namespace crmexport::testing {

class FakeServer {
 public:
  explicit FakeServer(std::vector<std::string> flags = {});
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  const std::string& url() const { return m_url; }  // http://127.0.0.1:PORT
  // The dumped dataset: one compact JSON record per line.
  std::vector<std::string> dataset(const std::string& provider, const std::string& type) const;
  std::string stats() const;  // GET /_stats
  // POST to an admin path (e.g. "/_admin/heal") with a body; the answer's body.
  std::string post(const std::string& path, const std::string& body = "") const;
  // The same, where the answer must be 200 (a failed REQUIRE otherwise).
  std::string admin(const std::string& path, const std::string& body = "") const;

  // With --accounts N: account `index`'s base URL, dumped dataset and /_stats (0: as above).
  std::string account_url(int index) const;
  std::vector<std::string> account_dataset(int index, const std::string& provider, const std::string& type) const;
  std::string account_stats(int index) const;

 private:
  TempDir m_dump;
  ListeningServer m_server;
  std::string m_url;
};

// Runs crmexport with its store in `store_dir` and quiet progress.
RunResult run_crmexport(const TempDir& store_dir, std::vector<std::string> args, RunOptions options = {});
// Adds a connection named `name` to the server's `provider` prefix with `token` (verified).
RunResult add_connection(const TempDir& store_dir, const FakeServer& server, const std::string& provider,
                         const std::string& name, const std::string& token = "fake-token",
                         std::vector<std::string> extra = {});

}  // namespace crmexport::testing
