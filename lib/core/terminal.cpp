#include "lib/core/terminal.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace crmexport::terminal {

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

bool controls_allowed() {
  const char* term = std::getenv("TERM");
  return stderr_is_terminal() && !(term && std::string_view(term) == "dumb");
}

}  // namespace crmexport::terminal
