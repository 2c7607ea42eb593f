#include "support/terminal.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "support/process.hpp"

namespace crmexport::testing {

TerminalRun run_in_terminal(const std::vector<std::string>& argv, const TerminalOptions& options) {
  int master = -1, slave = -1;
  winsize size{options.rows, options.columns, 0, 0};
  if (openpty(&master, &slave, nullptr, nullptr, &size) != 0) throw std::runtime_error("openpty failed");
  auto env_strings = environment_with(options.env);
  auto envp = exec_pointers(env_strings);
  std::vector<std::string> argv_copy = argv;
  auto args = exec_pointers(argv_copy);

  pid_t pid = fork();
  if (pid == 0) {
    setsid();  // the terminal becomes the child's controlling terminal, as in a login shell
    ioctl(slave, TIOCSCTTY, 0);
    dup2(slave, 0), dup2(slave, 1), dup2(slave, 2);
    if (options.stdout_path) {
      int out = open(options.stdout_path->c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(out, 1);
    }
    close(master);
    close(slave);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(slave);

  TerminalRun result;
  bool answered = !options.answer;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  // Read until the terminal's last writer is gone (EIO on Linux), so nothing drawn is lost.
  for (;;) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      break;
    }
    pollfd fd{master, POLLIN, 0};
    if (poll(&fd, 1, 100) <= 0) continue;
    char buffer[4096];
    auto got = read(master, buffer, sizeof buffer);
    if (got <= 0) {
      if (got < 0 && errno == EINTR) continue;
      break;
    }
    result.screen.append(buffer, static_cast<size_t>(got));
    if (!answered && result.screen.find(options.answer->first) != std::string::npos) {
      answered = true;
      const auto& text = options.answer->second;
      if (write(master, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        throw std::runtime_error("could not type at the terminal");
    }
  }
  close(master);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace crmexport::testing
