#pragma once
// A throw-away PostgreSQL cluster for tests: initdb into a private folder, a server listening only
// on a Unix socket in that folder (no TCP port, so parallel tests never collide), stopped and
// removed on destruction. initdb refuses to run as root, so under root the server runs as the
// `postgres` user the Debian package creates. A detached watchdog stops the server after
// k_max_life even when the test process is killed, so no server outlives a test run.
#include <chrono>
#include <string>
#include <string_view>

namespace crmexport::testing {

class PostgresCluster {
 public:
  static constexpr std::chrono::minutes k_max_life{15};

  // Starts the cluster (about one second); throws std::runtime_error with initdb's or the server's
  // log when it cannot.
  PostgresCluster();
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // A libpq connection URI for `database` (created on first use by create_database).
  std::string uri(std::string_view database = "postgres") const;
  // Creates a database owned by the cluster's superuser; returns its URI.
  std::string create_database(std::string_view name) const;
  // Runs SQL through psql (unaligned, tuples only) and returns its stdout; throws on failure.
  std::string psql(std::string_view sql, std::string_view database = "postgres") const;
  // The folder holding the socket and the data directory.
  const std::string& folder() const { return m_folder; }

 private:
  void start();

  std::string m_folder;
  std::string m_bin;  // PostgreSQL's server binaries (initdb, pg_ctl, psql)
  int m_watchdog = -1;
};

}  // namespace crmexport::testing
