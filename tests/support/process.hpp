#pragma once
// Runs the real binaries for end-to-end tests: argv (no shell), extra environment, stdin text,
// captured stdout/stderr and exit code, and a time limit after which the child is killed.
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace crmexport::testing {

struct RunResult {
  int exit_code = -1;  // 128 + signal when killed by one
  std::string out;
  std::string err;
  long max_rss_kb = 0;  // the child's peak resident memory
  std::chrono::milliseconds elapsed{0};
};

struct RunOptions {
  std::map<std::string, std::string> env;  // added to (or replacing in) this process's environment
  std::string stdin_text;
  std::chrono::seconds timeout{120};
};

RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});
// This process's environment as NAME=VALUE entries, with `env` added or replacing.
std::vector<std::string> environment_with(const std::map<std::string, std::string>& env);
// What execve takes: pointers into `strings` (which must outlive them), then nullptr.
std::vector<char*> exec_pointers(std::vector<std::string>& strings);

// stderr as a person at a terminal sees it: crmexport starts each line with an RFC 3339 time when
// stderr is not a terminal (a test's file), which exact-message checks leave out.
std::string untimed(std::string_view err);

// Starts argv without waiting (for tests that signal it): stdin from /dev/null, stdout and stderr
// into these files.
int spawn(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path);
// Waits for a spawned child: its exit code, or 128 + the signal that killed it.
int wait_for_exit(int pid);

// A private temporary folder, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return m_path; }
  std::string operator/(const std::string& name) const { return m_path + "/" + name; }

 private:
  std::string m_path;
};

// A server that prints "listening on URL" as its first line on stdout, and how to stop it.
struct ListeningServer {
  int pid = -1;
  std::string url;
};
ListeningServer start_server(const std::vector<std::string>& argv);
void stop_server(const ListeningServer& server);  // SIGTERM, then waits

std::string read_file(const std::string& path);
std::vector<std::string> lines_of(const std::string& text);

}  // namespace crmexport::testing
