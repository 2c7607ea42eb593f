#include "lib/http/curl_transport.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "lib/core/interrupt.hpp"
#include "lib/http/decode.hpp"
#include "lib/http/url_policy.hpp"

namespace crmexport::http {
namespace {

constexpr long k_connect_timeout_ms = 15'000;
// A stalled transfer (under 1 byte/s for a minute) is a network error, retried like any other.
constexpr long k_low_speed_bytes = 1;
constexpr long k_low_speed_seconds = 60;

// Where the body goes, and how much of it may come.
struct BodySink {
  std::string& body;
  std::size_t max_bytes;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto& sink = *static_cast<BodySink*>(user);
  // The body as sent (decode_body caps what it inflates to); returning less than given aborts
  // the transfer.
  if (size * count > sink.max_bytes - sink.body.size()) {
    sink.too_large = true;
    return 0;
  }
  sink.body.append(data, size * count);
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

// libcurl calls this often during a transfer (also while connecting); non-zero aborts it.
int on_progress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) { return interrupted() ? 1 : 0; }

std::string host_of(std::string_view url) {
  auto start = url.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  auto end = url.find_first_of("/?", start);
  return std::string(url.substr(start, end == std::string_view::npos ? url.npos : end - start));
}

// libcurl failures that asking again cannot cure: the certificate, the TLS setup, the URL.
// Everything else (connect, DNS, timeouts, resets, a cut transfer) is a network failure, retried.
// No connection was made at all: said in a few words a person recognises, and marked, so a
// caller can decide how often to try such a host again (RetryPolicy::max_retries_unreached).
std::optional<Error> unreached_failure(CURL* curl, CURLcode code, const std::string& host) {
  std::string why;
  if (code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY) {
    why = "unknown host: no address found for its name";
  } else if (code == CURLE_COULDNT_CONNECT) {
    long os_error = 0;
    curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_error);
    if (os_error == ECONNREFUSED)
      why = "connection refused";
    else if (os_error != 0)
      why = std::strerror(static_cast<int>(os_error));
    else
      why = "no connection could be made";
    why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));  // "No route to host" mid-sentence
  } else {
    return std::nullopt;
  }
  Error error{ErrorKind::network, fmt::format("cannot reach {} ({})", host, why), 0, std::nullopt};
  error.unreached = true;
  return error;
}

std::optional<Error> permanent_failure(CURLcode code, const std::string& host, const std::string& detail) {
  // A connection cut during the handshake is reported as a TLS error too, but it is the network.
  const bool cut = detail.find("SSL_ERROR_SYSCALL") != std::string::npos ||
                   detail.find("reset by peer") != std::string::npos ||
                   detail.find("unexpected eof") != std::string::npos;
  if (code == CURLE_SSL_CONNECT_ERROR && cut) return std::nullopt;
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
      return Error{ErrorKind::runtime,
                   fmt::format("the TLS connection to {} failed: {}; check that the base URL names the provider's "
                               "host, and the system's CA certificates (a proxy that intercepts TLS needs its own "
                               "CA installed)",
                               host, detail),
                   0, std::nullopt};
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      // Query values are percent-encoded, so what breaks a URL is its length or a position the
      // provider handed back.
      return Error{ErrorKind::provider,
                   fmt::format("malformed response: the next request to {} cannot be made ({}); the provider's "
                               "answer held a position that does not fit in a URL",
                               host, detail),
                   0, std::nullopt};
    default:
      return std::nullopt;
  }
}

}  // namespace

// libcurl reports the request's header block as written (CURLINFO_HEADER_OUT) right after the
// write to the socket: the moment a request has left. Only that is looked at; nothing is logged
// (the block holds the credentials).
int on_debug(CURL*, curl_infotype type, char*, size_t, void* data) {
  auto* request = static_cast<const Request*>(data);
  if (type == CURLINFO_HEADER_OUT && request->on_sent) request->on_sent();
  return 0;
}

struct CurlTransport::Handle {
  CURL* curl = nullptr;
  char error[CURL_ERROR_SIZE] = {};
};

CurlTransport::CurlTransport(TransportLimits limits) : m_handle(std::make_unique<Handle>()), m_limits(limits) {
  static const bool k_initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  (void)k_initialised;
  m_handle->curl = curl_easy_init();
  if (!m_handle->curl) throw Fatal(ErrorKind::runtime, "cannot initialise libcurl");
}

CurlTransport::~CurlTransport() { curl_easy_cleanup(m_handle->curl); }

Result<Response> CurlTransport::too_large(const std::string& host) const {
  return fail(ErrorKind::provider,
              fmt::format("malformed response: {} sent an answer larger than {} MiB (decompressed); no real page "
                          "is that large",
                          host, m_limits.max_body_bytes >> 20));
}

Result<Response> CurlTransport::send(const Request& request) {
  if (request.interruptible && interrupted()) return std::unexpected(interrupted_error());
  CURL* curl = m_handle->curl;
  curl_easy_reset(curl);  // keeps the connection cache, forgets the last request's options
  Response response;
  curl_slist* header_list = nullptr;
  for (const auto& [name, value] : request.headers)
    header_list = curl_slist_append(header_list, fmt::format("{}: {}", name, value).c_str());
  header_list = curl_slist_append(header_list, "Accept-Encoding: gzip, deflate");
  // No "Expect: 100-continue" (libcurl adds it to larger POSTs): it costs a round trip per POST.
  if (request.method == "POST") header_list = curl_slist_append(header_list, "Expect:");

  // libcurl refuses a URL over 8 MB here; perform() then says why.
  if (curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str()) != CURLE_OK) {
    curl_slist_free_all(header_list);
    return std::unexpected(*permanent_failure(CURLE_URL_MALFORMAT, host_of(request.url.substr(0, 200)),
                                              fmt::format("a URL of {} bytes", request.url.size())));
  }
  // Credentials travel in clear text only to this machine: plain http for a loopback host (as
  // libcurl itself parses it), https for everything else. Redirects are never followed (no
  // CURLOPT_FOLLOWLOCATION), so a 3xx cannot carry the headers to another host; should that ever
  // change, a redirect may still only go to https.
  auto parts = check_credential_url("the request URL", request.url);
  const bool plain_http_ok = parts && parts->loopback && parts->scheme == "http";
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, plain_http_ok ? "http,https" : "https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "crmexport/" CRMEXPORT_VERSION);
  // gzip and deflate only: every CRM API serves them, they cost the server little, and "br"
  // (which libcurl would also offer) is slow to produce at the quality some servers pick. Asked
  // by header, so that libcurl hands the body over as sent and decode_body inflates it whole.
  curl_easy_setopt(curl, CURLOPT_HTTP_CONTENT_DECODING, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, k_connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, k_low_speed_bytes);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, k_low_speed_seconds);
  // A body trickling a few bytes a second passes the low-speed check; this ends it.
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(m_limits.request_timeout.count() * 1000));
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, m_handle->error);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  BodySink sink{response.body, m_limits.max_body_bytes};
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (request.on_sent) {
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &request);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);  // what makes libcurl call on_debug
  }
  if (request.interruptible) {
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  }
  m_handle->error[0] = '\0';

  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(header_list);
  if (code == CURLE_ABORTED_BY_CALLBACK) return std::unexpected(interrupted_error());
  if (code != CURLE_OK) {
    const std::string host = host_of(request.url);
    if (sink.too_large) return too_large(host);
    std::string detail = m_handle->error[0] ? m_handle->error : curl_easy_strerror(code);
    if (code == CURLE_OPERATION_TIMEDOUT && detail.starts_with("Operation timed out"))
      detail = fmt::format("no complete answer within {} s (see --request-timeout)", m_limits.request_timeout.count());
    if (auto permanent = permanent_failure(code, host, detail)) return std::unexpected(std::move(*permanent));
    if (auto unreached = unreached_failure(curl, code, host)) return std::unexpected(std::move(*unreached));
    return fail(ErrorKind::network, fmt::format("cannot reach {}: {}", host, detail));
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  std::string encoding;  // several headers are one list (RFC 9110 §5.3)
  for (const auto& [name, value] : response.headers)
    if (name == "content-encoding") encoding += (encoding.empty() ? "" : ", ") + value;
  switch (decode_body(response.body, encoding, m_limits.max_body_bytes)) {
    case Decoded::ok:
      return response;
    case Decoded::too_large:
      return too_large(host_of(request.url));
    case Decoded::malformed:  // as a transfer cut short: asked again
      return fail(ErrorKind::network, fmt::format("cannot reach {}: its {} answer does not decode (cut short or "
                                                  "corrupt)",
                                                  host_of(request.url), encoding));
    case Decoded::unknown_encoding:
      break;
  }
  return fail(ErrorKind::provider, fmt::format("malformed response: {} answered in the content encoding '{}', which "
                                               "crmexport did not ask for",
                                               host_of(request.url), encoding));
}

}  // namespace crmexport::http
