#pragma once
// In-memory stand-ins for the network and time, so retries and rate limits are tested without
// sockets or sleeping.
#include <deque>
#include <vector>

#include "lib/http/clock.hpp"
#include "lib/http/transport.hpp"

namespace crmexport::testing {

class ScriptedTransport : public http::Transport {
 public:
  void answer(int status, std::string body, http::Headers headers = {}) {
    m_script.push_back(http::Response{status, std::move(headers), std::move(body)});
  }
  void fail_network() { m_script.push_back(std::unexpected(Error{ErrorKind::network, "connection refused", 0, {}})); }

  Result<http::Response> send(const http::Request& request) override {
    m_sent.push_back(request);
    if (m_script.empty()) return fail(ErrorKind::runtime, "test script ran out of answers");
    auto next = std::move(m_script.front());
    m_script.pop_front();
    return next;
  }
  const std::vector<http::Request>& sent() const { return m_sent; }

 private:
  std::deque<Result<http::Response>> m_script;
  std::vector<http::Request> m_sent;
};

class FakeClock : public http::Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return m_now; }
  std::chrono::system_clock::time_point wall_now() const override { return m_wall + (m_now - m_start); }
  void sleep_for(http::Duration duration) override {
    m_sleeps.push_back(duration);
    m_now += duration;
  }
  const std::vector<http::Duration>& sleeps() const { return m_sleeps; }
  std::chrono::system_clock::time_point wall_start() const { return m_wall; }

 private:
  std::chrono::steady_clock::time_point m_start{};
  std::chrono::steady_clock::time_point m_now{};
  std::chrono::system_clock::time_point m_wall = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1};
  std::vector<http::Duration> m_sleeps;
};

}  // namespace crmexport::testing
