#include "support/tmux.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <regex>
#include <stdexcept>
#include <thread>

namespace crmexport::testing {
namespace {

constexpr auto k_poll = std::chrono::milliseconds(100);
// The shell, and so the session and the tmux server, end by themselves after this even when a
// test process dies without its destructor.
constexpr int k_shell_life_seconds = 600;

std::string without_trailing_blanks(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

TmuxSession::TmuxSession(const std::string& folder, const std::map<std::string, std::string>& env, unsigned columns,
                         unsigned rows)
    : m_socket(m_dir / "tmux.sock") {
  auto shell_env = env;
  shell_env["TERM"] = "xterm-256color";
  // bash sets its own prompt over an inherited PS1: an rc file of ours sets it, and nothing else.
  const std::string rc = m_dir / "bashrc";
  if (FILE* file = std::fopen(rc.c_str(), "w")) {
    std::fputs("PS1='$ '\n", file);
    std::fclose(file);
  }
  RunOptions options;
  options.env = shell_env;
  options.timeout = std::chrono::seconds(20);
  auto started = testing::run({"/usr/bin/tmux", "-S", m_socket, "-f", "/dev/null", "new-session", "-d", "-x",
                      std::to_string(columns), "-y", std::to_string(rows), "-c", folder,
                      fmt::format("timeout {} bash --rcfile {} --noprofile", k_shell_life_seconds, rc)},
                     options);
  if (started.exit_code != 0) throw std::runtime_error("tmux new-session failed: " + started.err);
  tmux({"set-option", "-g", "history-limit", "20000"});
  wait_for("$", std::chrono::seconds(10));
}

TmuxSession::~TmuxSession() { tmux({"kill-server"}); }

RunResult TmuxSession::tmux(std::vector<std::string> args) const {
  args.insert(args.begin(), {"/usr/bin/tmux", "-S", m_socket});
  RunOptions options;
  options.timeout = std::chrono::seconds(10);
  return testing::run(args, options);
}

void TmuxSession::type(const std::string& text, bool enter) {
  tmux({"send-keys", "-t", "0", "-l", text});
  if (enter) key("Enter");
}

void TmuxSession::key(const std::string& name) { tmux({"send-keys", "-t", "0", name}); }

std::string TmuxSession::screen() const {
  return without_trailing_blanks(tmux({"capture-pane", "-p", "-t", "0"}).out);
}

std::string TmuxSession::history() const {
  return without_trailing_blanks(tmux({"capture-pane", "-p", "-J", "-S", "-", "-t", "0"}).out);
}

std::string TmuxSession::wait_for(const std::string& text, std::chrono::seconds timeout, bool in_history) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto shown = in_history ? history() : screen();
    if (shown.find(text) != std::string::npos) return shown;
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error(fmt::format("the terminal never showed '{}'; it shows:\n{}", text, shown));
    std::this_thread::sleep_for(k_poll);
  }
}

TmuxSession::Ran TmuxSession::run(const std::string& command, std::chrono::seconds timeout) {
  // A marker the shell prints after the command, with its exit code: the typed line holds "%d",
  // never digits, so only the shell's own output matches.
  const int n = ++m_commands;
  type(fmt::format("{}; printf '@@exit=%d#%d\\n' $? {}", command, n));
  const std::regex done(fmt::format(R"(@@exit=(\d+)#{}(?!\d))", n));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto shown = history();
    std::smatch match;
    if (std::regex_search(shown, match, done)) return Ran{shown, std::stoi(match[1].str())};
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error(fmt::format("'{}' did not finish in time; the terminal shows:\n{}", command, shown));
    std::this_thread::sleep_for(k_poll);
  }
}

}  // namespace crmexport::testing
