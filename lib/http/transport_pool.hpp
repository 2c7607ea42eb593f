#pragma once
// A thread-safe Transport over transports that are not: each send borrows an idle one (making
// one when all are busy), so every thread in flight has its own libcurl handle and connection,
// and a connection is reused by whichever thread sends next.
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "lib/http/transport.hpp"

namespace crmexport::http {

class TransportPool : public Transport {
 public:
  using Factory = std::function<std::unique_ptr<Transport>()>;
  explicit TransportPool(Factory factory) : m_factory(std::move(factory)) {}

  Result<Response> send(const Request& request) override;
  size_t size() const;  // transports made so far: the most requests that were in flight at once

 private:
  Factory m_factory;
  mutable std::mutex m_mutex;
  std::vector<std::unique_ptr<Transport>> m_idle;
  size_t m_made = 0;
};

}  // namespace crmexport::http
