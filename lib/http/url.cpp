#include "lib/http/url.hpp"

#include <cctype>

namespace crmexport::http {

std::string url_encode(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

std::string form_encode(const Query& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += url_encode(name) + '=' + url_encode(value);
  }
  return out;
}

std::string make_url(std::string_view base, std::string_view path, const Query& query) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  std::string url = std::string(base) + std::string(path);
  if (!query.empty()) url += '?' + form_encode(query);
  return url;
}

std::string url_for_message(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  const auto authority = url.find("://");
  if (authority == std::string_view::npos) return std::string(url);
  const auto host = authority + 3;
  const auto path = url.find('/', host);
  const auto at = url.substr(host, path == std::string_view::npos ? std::string_view::npos : path - host).rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, host)) + std::string(url.substr(host + at + 1));
}

}  // namespace crmexport::http
