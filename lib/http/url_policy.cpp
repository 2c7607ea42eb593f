#include "lib/http/url_policy.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace crmexport::http {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

// One part of a parsed URL; empty when absent.
std::string part(CURLU* url, CURLUPart which) {
  char* value = nullptr;
  if (curl_url_get(url, which, &value, 0) != CURLUE_OK || value == nullptr) return "";
  std::string out(value);
  curl_free(value);
  return out;
}

bool has_part(CURLU* url, CURLUPart which) {
  char* value = nullptr;
  const bool present = curl_url_get(url, which, &value, 0) == CURLUE_OK && value != nullptr;
  curl_free(value);
  return present;
}

// The URL as libcurl reads it, or a message saying why it is refused.
Result<UrlParts> parse(std::string_view what, std::string_view url) {
  const std::string text(url);
  std::unique_ptr<CURLU, UrlDeleter> handle(curl_url());
  if (!handle) throw Fatal(ErrorKind::runtime, "libcurl could not allocate a URL handle");
  if (text.empty() || curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK)
    return fail(ErrorKind::usage, fmt::format("{} '{}' is not a URL; use the form https://HOST/...", what, url));
  if (has_part(handle.get(), CURLUPART_USER) || has_part(handle.get(), CURLUPART_PASSWORD) ||
      has_part(handle.get(), CURLUPART_OPTIONS))
    return fail(ErrorKind::usage,
                fmt::format("{} '{}' has a user name or password before '@'; give the URL without it (crmexport "
                            "sends credentials in headers, never in URLs)",
                            what, url));
  UrlParts parts;
  parts.scheme = lower(part(handle.get(), CURLUPART_SCHEME));
  parts.host = part(handle.get(), CURLUPART_HOST);
  if (parts.host.size() >= 2 && parts.host.front() == '[' && parts.host.back() == ']')
    parts.host = parts.host.substr(1, parts.host.size() - 2);
  parts.loopback = is_loopback_host(parts.host);
  if (parts.host.empty() || (parts.scheme != "https" && parts.scheme != "http"))
    return fail(ErrorKind::usage, fmt::format("{} '{}' is not an https:// URL", what, url));
  if (parts.scheme == "http" && !parts.loopback)
    return fail(ErrorKind::usage,
                fmt::format("{} '{}' is plain http; use https (plain http is allowed only for 127.0.0.1, ::1 and "
                            "localhost)",
                            what, url));
  return parts;
}

bool under_domain(std::string_view host, std::string_view domain) {
  return host == domain ||
         (host.size() > domain.size() && host.ends_with(domain) && host[host.size() - domain.size() - 1] == '.');
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  const std::string name = lower(host);
  if (name == "localhost") return true;
  // inet_pton takes only the strict dotted quad (no "127.1", no trailing names).
  in_addr v4{};
  if (inet_pton(AF_INET, name.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, name.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

Result<UrlParts> check_credential_url(std::string_view what, std::string_view url) { return parse(what, url); }

Result<UrlParts> check_provider_url(std::string_view what, std::string_view url,
                                    const std::vector<std::string>& domains) {
  auto parts = parse(what, url);
  if (!parts) {
    parts.error().kind = ErrorKind::provider;
    return parts;
  }
  const std::string host = lower(parts->host);
  if (parts->loopback || std::ranges::any_of(domains, [&](const auto& d) { return under_domain(host, lower(d)); }))
    return parts;
  std::string allowed;
  for (const auto& d : domains) allowed += (allowed.empty() ? "" : ", ") + d;
  return fail(ErrorKind::provider,
              fmt::format("{} '{}' is not a host of {}; refusing to send credentials there", what, url, allowed));
}

}  // namespace crmexport::http
