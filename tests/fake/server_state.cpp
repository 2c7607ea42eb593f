#include "tests/fake/server_state.hpp"

#include "tests/fake/json_util.hpp"

#include <chrono>
#include <thread>

namespace crm_fake {
namespace {

constexpr std::chrono::milliseconds k_burst_window{2000};

bool is_every(std::int64_t n, std::int64_t every) { return every > 0 && n % every == 0; }

}  // namespace

ServerState::ServerState(FakeOptions options)
    : m_options(std::move(options)), m_rate_limiter(m_options.burst, k_burst_window) {}

void ServerState::count_request(const std::string& path) {
  bool limit_reached = false;
  {
    const std::lock_guard lock(m_stats_mutex);
    ++m_total;
    ++m_by_path[path];
    limit_reached = m_options.max_requests > 0 && m_total >= m_options.max_requests;
  }
  if (limit_reached) request_stop();
}

void ServerState::count_throttled() {
  const std::lock_guard lock(m_stats_mutex);
  ++m_throttled;
}

RateDecision ServerState::admit(const std::string& token) { return m_rate_limiter.admit(token); }

bool ServerState::spend_daily_tokens(std::int64_t cost) {
  const std::lock_guard lock(m_stats_mutex);
  const auto budget = m_options.pipedrive_daily_tokens;
  if (budget > 0 && m_daily_tokens + cost > budget) return false;
  m_daily_tokens += cost;
  return true;
}

Injection ServerState::next_injection() {
  Injection injection = Injection::none;
  {
    const std::lock_guard lock(m_injection_mutex);
    const std::int64_t n = ++m_authenticated;
    if (m_options.fail_after_requests > 0 && !m_healed && n > m_options.fail_after_requests) {
      injection = Injection::server_error;  // persistent: retries do not get through
    } else if (!m_last_was_injected) {
      if (is_every(n, m_options.inject_429_every))
        injection = Injection::too_many_requests;
      else if (is_every(n, m_options.inject_500_every))
        injection = Injection::server_error;
      else if (is_every(n, m_options.inject_malformed_every))
        injection = Injection::malformed;
    }
    m_last_was_injected = injection != Injection::none;
  }
  if (injection != Injection::none) {
    const std::lock_guard lock(m_stats_mutex);
    ++m_injected;
  }
  return injection;
}

void ServerState::heal() {
  const std::lock_guard lock(m_injection_mutex);
  m_healed = true;
}

void ServerState::apply_latency() const {
  if (m_options.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(m_options.latency_ms));
}

std::string ServerState::stats_json() const {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  const std::lock_guard lock(m_stats_mutex);
  w.StartObject();
  write_key(w, "total");
  w.Int64(m_total);
  write_key(w, "throttled");
  w.Int64(m_throttled);
  write_key(w, "injected");
  w.Int64(m_injected);
  write_key(w, "pipedrive_tokens");
  w.Int64(m_daily_tokens);
  write_key(w, "requests");
  w.StartObject();
  for (const auto& [path, count] : m_by_path) {
    write_key(w, path);
    w.Int64(count);
  }
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void ServerState::request_stop() {
  {
    const std::lock_guard lock(m_stop_mutex);
    m_stop_requested = true;
  }
  m_stop_cv.notify_all();
}

void ServerState::wait_for_stop() {
  std::unique_lock lock(m_stop_mutex);
  if (m_options.lifetime_seconds > 0)
    m_stop_cv.wait_for(lock, std::chrono::seconds(m_options.lifetime_seconds), [this] { return m_stop_requested; });
  else
    m_stop_cv.wait(lock, [this] { return m_stop_requested; });
}

}  // namespace crm_fake
