#include "lib/core/error.hpp"

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
    case ErrorKind::network:
    case ErrorKind::runtime:
      return 1;
  }
  return 1;
}

}  // namespace crmexport
