#include "support/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace crmexport::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "crmexport-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  m_path = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(m_path, ignored);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

namespace {

// Forks and execs argv with stdio on these files; `environment` nullptr: this process's.
pid_t start(const std::vector<std::string>& argv, std::vector<std::string>* environment, const std::string& in_path,
            const std::string& out_path, const std::string& err_path) {
  std::vector<char*> envp;
  if (environment != nullptr) envp = exec_pointers(*environment);
  std::vector<std::string> argv_copy = argv;
  auto args = exec_pointers(argv_copy);
  pid_t pid = fork();
  if (pid == 0) {
    int in = open(in_path.c_str(), O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, 0), dup2(out, 1), dup2(err, 2);
    execve(args[0], args.data(), environment != nullptr ? envp.data() : environ);
    _exit(127);
  }
  return pid;
}

}  // namespace

std::vector<char*> exec_pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

std::vector<std::string> environment_with(const std::map<std::string, std::string>& env) {
  std::vector<std::string> entries;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    auto name = entry.substr(0, entry.find('='));
    if (!env.contains(name)) entries.push_back(entry);
  }
  for (const auto& [name, value] : env) entries.push_back(name + "=" + value);
  return entries;
}

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
  TempDir scratch;
  auto in_path = scratch / "stdin", out_path = scratch / "stdout", err_path = scratch / "stderr";
  std::ofstream(in_path, std::ios::binary) << options.stdin_text;

  std::vector<std::string> env_strings = environment_with(options.env);
  const auto started = std::chrono::steady_clock::now();
  pid_t pid = start(argv, &env_strings, in_path, out_path, err_path);
  int status = 0;
  rusage usage{};
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  while (wait4(pid, &status, WNOHANG, &usage) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      wait4(pid, &status, 0, &usage);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  RunResult result;
  result.max_rss_kb = usage.ru_maxrss;
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

int spawn(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path) {
  return start(argv, nullptr, "/dev/null", out_path, err_path);
}

int wait_for_exit(int pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

ListeningServer start_server(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  ListeningServer server;
  server.pid = fork();
  if (server.pid == 0) {
    dup2(pipe_fds[1], 1);
    close(pipe_fds[0]);
    std::vector<std::string> copy = argv;
    std::vector<char*> args;
    for (auto& a : copy) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  FILE* out = fdopen(pipe_fds[0], "r");
  char line[256] = {};
  bool read = fgets(line, sizeof line, out) != nullptr;
  fclose(out);
  if (!read) throw std::runtime_error(argv[0] + " did not start");
  std::string first = line;
  const std::string prefix = "listening on ";
  if (!first.starts_with(prefix)) throw std::runtime_error(argv[0] + " said: " + first);
  server.url = first.substr(prefix.size());
  while (!server.url.empty() && (server.url.back() == '\n' || server.url.back() == '\r')) server.url.pop_back();
  return server;
}

void stop_server(const ListeningServer& server) {
  if (server.pid <= 0) return;
  kill(server.pid, SIGTERM);
  waitpid(server.pid, nullptr, 0);
}

std::string untimed(std::string_view err) {
  // "2026-11-30T12:00:00Z " at the start of a line
  auto stamped = [](std::string_view line) {
    static constexpr std::string_view k_shape = "dddd-dd-ddTdd:dd:ddZ ";
    if (line.size() < k_shape.size()) return false;
    for (size_t i = 0; i < k_shape.size(); ++i)
      if (k_shape[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(line[i])) : line[i] != k_shape[i]) return false;
    return true;
  };
  std::string out;
  for (size_t start = 0; start < err.size();) {
    auto end = err.find('\n', start);
    end = end == std::string_view::npos ? err.size() : end + 1;
    auto line = err.substr(start, end - start);
    out += stamped(line) ? line.substr(21) : line;
    start = end;
  }
  return out;
}

}  // namespace crmexport::testing
