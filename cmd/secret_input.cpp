#include "cmd/secret_input.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "lib/core/error.hpp"

namespace crmexport::cmd {
namespace {

std::string trimmed(std::string text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.back())) text.pop_back();
  size_t start = 0;
  while (start < text.size() && is_space(text[start])) ++start;
  return text.substr(start);
}

}  // namespace

std::string read_hidden_line(const char* prompt) {
  bool terminal = isatty(STDIN_FILENO);
  termios saved{};
  if (terminal) {
    // Echo goes off before the prompt shows: a token pasted the moment the prompt appears must
    // not reach the screen (the order getpass(3) uses).
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::fputs(prompt, stderr);
    std::fflush(stderr);
  }
  std::string line;
  std::getline(std::cin, line);
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::fputc('\n', stderr);
  }
  return line;
}

std::string read_token(bool from_stdin) {
  std::string token;
  if (from_stdin) {
    token = trimmed(read_hidden_line("Token (input hidden): "));
    if (token.empty())
      throw Fatal(
          ErrorKind::usage,
          "--token-stdin read an empty token; pipe the token in, e.g. `printf %s \"$TOKEN\" | crmexport auth add ...`");
  } else if (const char* env = std::getenv("CRMEXPORT_TOKEN")) {
    token = trimmed(env);
  } else if (isatty(STDIN_FILENO)) {
    // A person at a terminal is asked, as `gh auth login` asks: typed without echo, the token
    // stays off the screen, the shell's history and argv.
    token = trimmed(read_hidden_line("Token (input hidden): "));
  }
  if (token.empty())
    throw Fatal(ErrorKind::usage,
                "no token given: pipe it in with --token-stdin or set CRMEXPORT_TOKEN (a token is never "
                "taken as an argument, where other users could read it)");
  return token;
}

}  // namespace crmexport::cmd
