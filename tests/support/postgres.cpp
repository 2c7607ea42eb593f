#include "support/postgres.hpp"

#include <csignal>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include <pwd.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/process.hpp"

namespace crmexport::testing {
namespace {

constexpr std::string_view k_port = "5432";  // only names the socket file: the folder is private

// The newest /usr/lib/postgresql/N/bin holding initdb (Debian keeps them off PATH).
std::string server_binaries() {
  std::filesystem::path best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    int version = std::atoi(entry.path().filename().c_str());
    if (version > best_version && std::filesystem::exists(entry.path() / "bin" / "initdb")) {
      best_version = version;
      best = entry.path() / "bin";
    }
  }
  if (best_version < 0) throw std::runtime_error("PostgreSQL server binaries not found: run scripts/setup.sh");
  return best.string();
}

// initdb and the server refuse root; run them as `postgres` then.
std::vector<std::string> as_server_user(std::vector<std::string> argv) {
  if (geteuid() != 0) return argv;
  argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
  return argv;
}

RunOptions within(std::chrono::seconds limit) {
  RunOptions options;
  options.timeout = limit;
  return options;
}

void check(const RunResult& result, std::string_view what) {
  if (result.exit_code != 0)
    throw std::runtime_error(std::string(what) + " failed (exit " + std::to_string(result.exit_code) +
                             "): " + result.err + result.out);
}

}  // namespace

PostgresCluster::PostgresCluster() : m_bin(server_binaries()) {
  try {
    start();
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(m_folder, ec);
    throw;
  }
}

void PostgresCluster::start() {
  std::string pattern = (std::filesystem::temp_directory_path() / "crmexport-pg-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  m_folder = pattern;
  if (geteuid() == 0) {
    const passwd* user = getpwnam("postgres");
    if (!user) throw std::runtime_error("no `postgres` user to run the test cluster as: run scripts/setup.sh");
    if (chown(m_folder.c_str(), user->pw_uid, user->pw_gid) != 0) throw std::runtime_error("chown failed");
  }
  const std::string data = m_folder + "/data";
  check(run(as_server_user({m_bin + "/initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                            "--no-sync", "--locale=C"}),
            within(std::chrono::seconds(60))),
        "initdb");
  // No TCP at all, no durability (a test cluster), and a short shutdown.
  const std::string server_options = "-c listen_addresses= -c unix_socket_directories=" + m_folder + " -p " +
                                     std::string(k_port) + " -c fsync=off -c synchronous_commit=off" +
                                     " -c full_page_writes=off -c max_connections=200";
  check(run(as_server_user({m_bin + "/pg_ctl", "-D", data, "-o", server_options, "-l", m_folder + "/server.log",
                            "-w", "-t", "30", "start"}),
            within(std::chrono::seconds(60))),
        "pg_ctl start (log: " + m_folder + "/server.log)");

  // The watchdog: its own session, so signals aimed at the test's process group leave it alive.
  const std::string stop = "sleep " + std::to_string(std::chrono::seconds(k_max_life).count()) + "; " +
                           (geteuid() == 0 ? "/usr/sbin/runuser -u postgres -- " : "") + m_bin + "/pg_ctl -D " + data +
                           " -m immediate stop >/dev/null 2>&1; rm -rf " + m_folder;
  pid_t pid = fork();
  if (pid == 0) {
    // Its own session, and none of the test's descriptors: a pipe held open by the watchdog's
    // `sleep` would keep ctest (or a shell pipeline) waiting for the full k_max_life.
    setsid();
    int null = open("/dev/null", O_RDWR);
    for (int fd : {0, 1, 2}) dup2(null, fd);
    for (int fd = 3; fd < 1024; ++fd) close(fd);
    execl("/bin/sh", "sh", "-c", stop.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  m_watchdog = pid;
}

PostgresCluster::~PostgresCluster() {
  run(as_server_user({m_bin + "/pg_ctl", "-D", m_folder + "/data", "-m", "immediate", "-w", "stop"}),
      within(std::chrono::seconds(30)));
  if (m_watchdog > 0) {
    kill(-m_watchdog, SIGKILL);  // the whole session: sh and its sleep
    kill(m_watchdog, SIGKILL);   // in case it had not reached setsid() yet
    waitpid(m_watchdog, nullptr, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(m_folder, ec);
}

std::string PostgresCluster::uri(std::string_view database) const {
  return "postgresql:///" + std::string(database) + "?host=" + m_folder + "&port=" + std::string(k_port) +
         "&user=postgres";
}

std::string PostgresCluster::create_database(std::string_view name) const {
  psql("CREATE DATABASE \"" + std::string(name) + "\"");
  return uri(name);
}

std::string PostgresCluster::psql(std::string_view sql, std::string_view database) const {
  RunResult result = run({m_bin + "/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", uri(database),
                          "-c", std::string(sql)},
                         within(std::chrono::seconds(60)));
  check(result, "psql");
  return result.out;
}

}  // namespace crmexport::testing
