#pragma once
// In-memory stand-ins for the network and time, so retries and rate limits are tested without
// sockets or sleeping.
#include <deque>
#include <map>
#include <mutex>
#include <thread>
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
  // No connection made at all (refused, unknown host), as the libcurl transport marks it.
  void fail_unreached() {
    Error error{ErrorKind::network, "cannot reach 127.0.0.1:1 (connection refused)", 0, {}};
    error.unreached = true;
    m_script.push_back(std::unexpected(std::move(error)));
  }

  Result<http::Response> send(const http::Request& request) override {
    m_sent.push_back(request);
    if (request.on_sent) request.on_sent();  // a scripted request leaves at once
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

// Time for several threads: each has its own virtual time, starting at the same instant, that
// only its own sleeps advance; so a thread's send time is exactly what the pacer booked for it.
class ThreadClock : public http::Clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    std::lock_guard lock(m_mutex);
    auto found = m_now.find(std::this_thread::get_id());
    return found == m_now.end() ? std::chrono::steady_clock::time_point{} : found->second;
  }
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + (now() - std::chrono::steady_clock::time_point{});
  }
  void sleep_for(http::Duration duration) override {
    auto later = now() + duration;
    std::lock_guard lock(m_mutex);
    m_now[std::this_thread::get_id()] = later;
    m_sleeps.push_back(duration);
  }
  std::vector<http::Duration> sleeps() const {
    std::lock_guard lock(m_mutex);
    return m_sleeps;
  }

 private:
  mutable std::mutex m_mutex;
  std::map<std::thread::id, std::chrono::steady_clock::time_point> m_now;
  std::vector<http::Duration> m_sleeps;
};

// Answers every request with `status` (200 unless a rule says otherwise) and notes when, by
// the clock, each request went: for several threads at once.
class RecordingTransport : public http::Transport {
 public:
  explicit RecordingTransport(http::Clock& clock) : m_clock(clock) {}
  // The `nth` request (1-based, across threads) gets this answer instead.
  void answer_nth(long nth, http::Response response) { m_special[nth] = std::move(response); }
  Result<http::Response> send(const http::Request&) override {
    std::lock_guard lock(m_mutex);
    m_times.push_back(m_clock.now());
    auto found = m_special.find(static_cast<long>(m_times.size()));
    if (found != m_special.end()) return found->second;
    return http::Response{200, {}, "{}"};
  }
  std::vector<std::chrono::steady_clock::time_point> times() const {
    std::lock_guard lock(m_mutex);
    return m_times;
  }

 private:
  http::Clock& m_clock;
  mutable std::mutex m_mutex;
  std::map<long, http::Response> m_special;
  std::vector<std::chrono::steady_clock::time_point> m_times;
};

}  // namespace crmexport::testing
