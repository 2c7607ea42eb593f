#pragma once
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
  std::string lane = {};  // the rate-limit lane it counts in ("": the general one; see RateWindow)
  long cost = 0;     // what the provider charges for it in its own unit (Pipedrive: tokens)
};

struct Response {
  int status = 0;
  Headers headers;  // names in lower case
  std::string body;

  // The first header of that name (case-insensitive).
  std::optional<std::string_view> header(std::string_view name) const;
};

}  // namespace crmexport::http
