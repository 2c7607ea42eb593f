#pragma once
// The one door to the network, so tests can put a scripted fake in its place.
#include "lib/core/error.hpp"
#include "lib/http/message.hpp"

namespace crmexport::http {

class Transport {
 public:
  virtual ~Transport() = default;
  // One exchange, no retry. Any HTTP status is a value; only a failed exchange is an Error (network).
  virtual Result<Response> send(const Request& request) = 0;
};

}  // namespace crmexport::http
