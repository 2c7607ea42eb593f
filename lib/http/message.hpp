#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crmexport::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  // SIGINT/SIGTERM abort the transfer (lib/core/interrupt.hpp) unless false: a token request runs
  // to its end, since a refresh aborted after the provider rotated the token would lose the connection.
  bool interruptible = true;
  std::string lane = {};  // the rate-limit lane it counts in ("": the general one; see RateWindow)
  long cost = 0;     // what the provider charges for it in its own unit (Pipedrive: tokens)
  // Called on the sending thread once the request has been written to the connection, before the
  // answer comes (each time, when it is sent again); must not throw. The page loop hands the page
  // before over to be parsed then, so that the parse does not delay this request (fetch_ahead.hpp).
  std::function<void()> on_sent = {};
};

struct Response {
  int status = 0;
  Headers headers;  // names in lower case
  std::string body;

  // The first header of that name (case-insensitive).
  std::optional<std::string_view> header(std::string_view name) const;
};

}  // namespace crmexport::http
