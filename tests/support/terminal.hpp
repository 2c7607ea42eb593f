#pragma once
// Runs a binary as a person at a terminal would: on a pseudo-terminal (openpty) of a given size,
// capturing every byte it draws there, control sequences included.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace crmexport::testing {

struct TerminalRun {
  int exit_code = -1;  // 128 + signal when killed by one
  std::string screen;  // everything written to the terminal, as written ("\n" becomes "\r\n")
};

struct TerminalOptions {
  std::map<std::string, std::string> env;  // added to (or replacing in) this process's environment
  unsigned short columns = 100;
  unsigned short rows = 30;
  // Set: stdout goes to this file, so only stderr (and stdin) are on the terminal.
  std::optional<std::string> stdout_path;
  std::chrono::seconds timeout{60};
  // Typed at the terminal once the screen shows `prompt` (so after a program turned echo off
  // for it), as a person answering a question would: {prompt, text}.
  std::optional<std::pair<std::string, std::string>> answer;
};

TerminalRun run_in_terminal(const std::vector<std::string>& argv, const TerminalOptions& options = {});

}  // namespace crmexport::testing
