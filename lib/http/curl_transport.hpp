#pragma once
#include <memory>

#include "lib/http/transport.hpp"

namespace crmexport::http {

// libcurl, one easy handle kept for the whole run so connections are reused.
class CurlTransport : public Transport {
 public:
  CurlTransport();
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Result<Response> send(const Request& request) override;

 private:
  struct Handle;
  std::unique_ptr<Handle> m_handle;
};

}  // namespace crmexport::http
