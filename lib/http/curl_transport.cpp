#include "lib/http/curl_transport.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string_view>

namespace crmexport::http {
namespace {

constexpr long k_connect_timeout_ms = 15'000;
// A stalled transfer (under 1 byte/s for a minute) is a network error, retried like any other.
constexpr long k_low_speed_bytes = 1;
constexpr long k_low_speed_seconds = 60;

size_t on_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto& headers = *static_cast<Headers*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) headers.clear();  // a new response (after 100-continue): forget the old
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::ranges::transform(name, name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
    value.remove_suffix(1);
  headers.emplace_back(std::move(name), std::string(value));
  return size * count;
}

std::string host_of(std::string_view url) {
  auto start = url.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  auto end = url.find_first_of("/?", start);
  return std::string(url.substr(start, end == std::string_view::npos ? url.npos : end - start));
}

}  // namespace

struct CurlTransport::Handle {
  CURL* curl = nullptr;
  char error[CURL_ERROR_SIZE] = {};
};

CurlTransport::CurlTransport() : m_handle(std::make_unique<Handle>()) {
  static const bool k_initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  (void)k_initialised;
  m_handle->curl = curl_easy_init();
  if (!m_handle->curl) throw Fatal(ErrorKind::runtime, "cannot initialise libcurl");
}

CurlTransport::~CurlTransport() { curl_easy_cleanup(m_handle->curl); }

Result<Response> CurlTransport::send(const Request& request) {
  CURL* curl = m_handle->curl;
  curl_easy_reset(curl);  // keeps the connection cache, forgets the last request's options
  Response response;
  curl_slist* header_list = nullptr;
  for (const auto& [name, value] : request.headers)
    header_list = curl_slist_append(header_list, fmt::format("{}: {}", name, value).c_str());
  // No "Expect: 100-continue" (libcurl adds it to larger POSTs): it costs a round trip per POST.
  if (request.method == "POST") header_list = curl_slist_append(header_list, "Expect:");

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "crmexport/" CRMEXPORT_VERSION);
  // gzip and deflate only: every CRM API serves them, they cost the server little, and "br"
  // (which libcurl would also offer) is slow to produce at the quality some servers pick.
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, k_connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, k_low_speed_bytes);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, k_low_speed_seconds);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, m_handle->error);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  m_handle->error[0] = '\0';

  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(header_list);
  if (code != CURLE_OK) {
    std::string detail = m_handle->error[0] ? m_handle->error : curl_easy_strerror(code);
    return fail(ErrorKind::network, fmt::format("cannot reach {}: {}", host_of(request.url), detail));
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace crmexport::http
