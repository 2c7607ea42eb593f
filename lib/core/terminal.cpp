#include "lib/core/terminal.hpp"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace crmexport::terminal {

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

bool controls_allowed() {
  const char* term = std::getenv("TERM");
  return stderr_is_terminal() && !(term && std::string_view(term) == "dumb");
}

bool stdout_shares_stderr_terminal() {
  if (isatty(STDOUT_FILENO) != 1 || !stderr_is_terminal()) return false;
  struct stat out{}, err{};
  if (fstat(STDOUT_FILENO, &out) != 0 || fstat(STDERR_FILENO, &err) != 0) return true;  // unsure: assume shared
  return out.st_dev == err.st_dev && out.st_ino == err.st_ino && out.st_rdev == err.st_rdev;
}

namespace {
// One side of the terminal's size: TIOCGWINSZ, else the environment variable, else `fallback`.
int terminal_size(bool columns, const char* variable, int fallback) {
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0) {
    int value = columns ? size.ws_col : size.ws_row;
    if (value > 0) return value;
  }
  if (const char* text = std::getenv(variable)) {
    int value = std::atoi(text);
    if (value > 0) return value;
  }
  return fallback;
}
}  // namespace

int stderr_columns() { return terminal_size(true, "COLUMNS", 80); }
int stderr_rows() { return terminal_size(false, "LINES", 24); }

}  // namespace crmexport::terminal
