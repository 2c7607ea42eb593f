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

int stderr_columns() {
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    int value = std::atoi(columns);
    if (value > 0) return value;
  }
  return 80;
}

}  // namespace crmexport::terminal
