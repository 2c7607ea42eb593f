#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crmexport::http {

using Query = std::vector<std::pair<std::string, std::string>>;

// Percent-encodes all but RFC 3986 unreserved characters.
std::string url_encode(std::string_view text);
// base (its trailing slashes dropped) + path + "?" + the encoded query.
std::string make_url(std::string_view base, std::string_view path, const Query& query);
// application/x-www-form-urlencoded body from the pairs.
std::string form_encode(const Query& fields);
// `url` for a message: without its query and fragment (their values can be user data or a key)
// and without user name and password.
std::string url_for_message(std::string_view url);

}  // namespace crmexport::http
