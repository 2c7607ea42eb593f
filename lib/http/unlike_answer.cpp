#include "lib/http/unlike_answer.hpp"

#include <fmt/format.h>

#include "lib/http/url.hpp"

namespace crmexport::http {
namespace {

// The media type without its parameters; a server chooses this text, so it is kept short (the
// log makes every character of it printable).
std::string content_of(const Response& response) {
  if (response.body.empty()) return "empty body";
  auto type = response.header("content-type").value_or("");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  if (type.empty()) return "no content type";
  constexpr std::size_t k_longest = 80;
  return type.size() > k_longest ? std::string(type.substr(0, k_longest)) + "…" : std::string(type);
}

}  // namespace

Error unlike_answer(std::string_view url, std::string_view who, const Response& response) {
  return Error{ErrorKind::provider,
               fmt::format("the server at {} did not answer as {} does (HTTP {}, {}): is the URL right, or is a "
                           "proxy or login page in the way?",
                           url_for_message(url), who, response.status, content_of(response)),
               response.status, std::nullopt};
}

}  // namespace crmexport::http
