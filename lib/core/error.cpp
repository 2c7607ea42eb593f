#include "lib/core/error.hpp"

#include <csignal>

#include "lib/core/interrupt.hpp"

namespace crmexport {

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage:
      return 2;
    case ErrorKind::auth:
      return 3;
    case ErrorKind::rate_limited:
      return 4;
    case ErrorKind::provider:
      return 5;
    case ErrorKind::incomplete:
      return 6;
    case ErrorKind::network:
    case ErrorKind::runtime:
      return 1;
    case ErrorKind::partial:
      return 7;
    case ErrorKind::interrupted:
      return 128 + (interrupt_signal() != 0 ? interrupt_signal() : SIGINT);
  }
  return 1;
}

}  // namespace crmexport
