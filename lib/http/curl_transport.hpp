#pragma once
#include <chrono>
#include <cstddef>
#include <memory>

#include "lib/http/transport.hpp"

namespace crmexport::http {

// Bounds on one exchange, so that no server can hold a run forever or fill its memory.
struct TransportLimits {
  // From connecting to the last byte; past it the exchange is a network failure (retried).
  std::chrono::seconds request_timeout{600};
  // Of the body as decompressed: far above any real page (the largest, 1,000 records of a few
  // kB, stay under 20 MB). A larger answer is malformed (a gzip bomb, or a server gone wrong).
  std::size_t max_body_bytes = std::size_t{256} << 20;
};

// libcurl, one easy handle kept for the whole run so connections are reused.
class CurlTransport : public Transport {
 public:
  explicit CurlTransport(TransportLimits limits = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Result<Response> send(const Request& request) override;

 private:
  Result<Response> too_large(const std::string& host) const;

  struct Handle;
  std::unique_ptr<Handle> m_handle;
  TransportLimits m_limits;
};

}  // namespace crmexport::http
