#pragma once
// Secrets come from stdin or the environment, never from arguments (argv is visible to every
// user of the machine in `ps`).
#include <string>

namespace crmexport::cmd {

// With `from_stdin`, one line of standard input (without echo when it is a terminal);
// otherwise $CRMEXPORT_TOKEN, else typed at the terminal without echo when stdin is one. Usage
// error when none gives a non-empty token.
std::string read_token(bool from_stdin);
// One line of standard input, without echo (after `prompt` on stderr) when it is a terminal.
std::string read_hidden_line(const char* prompt);

}  // namespace crmexport::cmd
