#include "lib/http/transport_pool.hpp"

namespace crmexport::http {

Result<Response> TransportPool::send(const Request& request) {
  std::unique_ptr<Transport> transport;
  {
    std::lock_guard lock(m_mutex);
    if (!m_idle.empty()) {
      transport = std::move(m_idle.back());
      m_idle.pop_back();
    } else {
      ++m_made;
    }
  }
  if (!transport) transport = m_factory();
  auto response = transport->send(request);
  std::lock_guard lock(m_mutex);
  m_idle.push_back(std::move(transport));
  return response;
}

size_t TransportPool::size() const {
  std::lock_guard lock(m_mutex);
  return m_made;
}

}  // namespace crmexport::http
