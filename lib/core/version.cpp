#include "lib/core/version.hpp"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

#include <fmt/format.h>

namespace crmexport {

std::string version_report() {
  const auto* curl = curl_version_info(CURLVERSION_NOW);
  return fmt::format("crmexport {}\nlibcurl {}{}\nSQLite {}\n{}", CRMEXPORT_VERSION, curl->version,
                     curl->ssl_version ? fmt::format(" ({})", curl->ssl_version) : "", sqlite3_libversion(),
                     OpenSSL_version(OPENSSL_VERSION));
}

}  // namespace crmexport
