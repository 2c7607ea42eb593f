#include "support/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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
  std::vector<char*> envp, args;
  if (environment != nullptr) {
    for (auto& s : *environment) envp.push_back(s.data());
    envp.push_back(nullptr);
  }
  std::vector<std::string> argv_copy = argv;
  for (auto& a : argv_copy) args.push_back(a.data());
  args.push_back(nullptr);
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

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
  TempDir scratch;
  auto in_path = scratch / "stdin", out_path = scratch / "stdout", err_path = scratch / "stderr";
  std::ofstream(in_path, std::ios::binary) << options.stdin_text;

  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    auto name = entry.substr(0, entry.find('='));
    if (!options.env.contains(name)) env_strings.push_back(entry);
  }
  for (const auto& [name, value] : options.env) env_strings.push_back(name + "=" + value);
  pid_t pid = start(argv, &env_strings, in_path, out_path, err_path);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  RunResult result;
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

}  // namespace crmexport::testing
