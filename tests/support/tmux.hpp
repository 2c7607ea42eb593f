#pragma once
// A person at a terminal, driven through tmux: a private tmux server (its own socket in a
// temporary folder, so it never meets the user's or another test's) running a shell in one window
// of a fixed size; keys are typed with send-keys and the screen is read with capture-pane, as the
// user would see it after the program's redraws. The server is killed on destruction, and every
// wait is bounded.
#include <chrono>
#include <map>
#include <string>

#include "support/process.hpp"

namespace crmexport::testing {

class TmuxSession {
 public:
  // Starts bash (no profile, an rc file that only sets the prompt to "$ ") in a columns x rows
  // window, in `folder`, with `env` added to this process's environment.
  TmuxSession(const std::string& folder, const std::map<std::string, std::string>& env, unsigned columns = 120,
              unsigned rows = 40);
  ~TmuxSession();
  TmuxSession(const TmuxSession&) = delete;
  TmuxSession& operator=(const TmuxSession&) = delete;

  // Types `text` literally, then Enter when `enter`.
  void type(const std::string& text, bool enter = true);
  // Sends one key by tmux's name for it: "C-c", "Enter".
  void key(const std::string& name);
  // The visible screen, lines joined by "\n", trailing blanks dropped.
  std::string screen() const;
  // The screen and the lines that scrolled off it.
  std::string history() const;
  // Waits until the screen holds `text` (or, with `in_history`, the history does); throws with
  // the screen as it last was after `timeout`.
  std::string wait_for(const std::string& text, std::chrono::seconds timeout = std::chrono::seconds(30),
                       bool in_history = false) const;
  // Runs `command` at the prompt and waits for the next prompt; returns the history from the
  // command line on, and the command's exit code (echo'd by the shell after it).
  struct Ran {
    std::string output;
    int exit_code = -1;
  };
  Ran run(const std::string& command, std::chrono::seconds timeout = std::chrono::seconds(60));

 private:
  RunResult tmux(std::vector<std::string> args) const;

  TempDir m_dir;
  std::string m_socket;
  int m_commands = 0;
};

}  // namespace crmexport::testing
