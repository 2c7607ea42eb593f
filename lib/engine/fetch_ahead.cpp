#include "lib/engine/fetch_ahead.hpp"

#include <algorithm>

#include "lib/core/log.hpp"

namespace crmexport::engine {
namespace {

// Pages fetched and not yet taken, counting the one in flight: with the page being handled, at
// most three pages are held. Two, so that the next request leaves as soon as an answer is in,
// even while the loop still works on the page before it.
constexpr std::size_t k_max_ready = 2;
// A page held for hand-over counts as fetched: with less room the request that would hand it
// over could never leave.
static_assert(k_max_ready >= 2);

}  // namespace

FetchAhead::FetchAhead(const PageSource& source, MayAsk may_ask, long skip_first)
    : m_source(source),
      m_may_ask(std::move(may_ask)),
      m_skip_first(skip_first),
      m_thread([this, connection = log::scoped_connection(), type = log::scoped_type()] {
        log::ConnectionScope connection_scope(connection);
        log::TypeScope scope(type);
        run();
      }) {}

FetchAhead::~FetchAhead() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_changed.notify_all();
  m_thread.join();
}

void FetchAhead::ask(std::string position, long pages, long records) {
  {
    std::lock_guard lock(m_mutex);
    ++m_generation;
    m_ready.clear();
    m_handover.reset();
    m_seen.clear();
    m_wanted = std::move(position);
    m_pages = pages;
    m_records = records;
  }
  m_changed.notify_all();
}

void FetchAhead::drop() {
  std::lock_guard lock(m_mutex);
  ++m_generation;
  m_ready.clear();
  m_handover.reset();
  m_wanted.reset();
}

void FetchAhead::hand_over() {
  if (!m_handover) return;
  m_ready.push_back(std::move(*m_handover));
  m_handover.reset();
  m_changed.notify_all();
}

FetchAhead::Taken FetchAhead::take() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [&] { return !m_ready.empty(); });
  Taken taken = std::move(m_ready.front());
  m_ready.pop_front();
  lock.unlock();
  m_changed.notify_all();
  if (taken.thrown) std::rethrow_exception(taken.thrown);
  return taken;
}

void FetchAhead::run() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_changed.wait(lock, [&] {
      return m_stop || (m_wanted && m_ready.size() + (m_handover ? 1 : 0) < k_max_ready);
    });
    if (m_stop) return;
    std::string position = std::move(*m_wanted);
    m_wanted.reset();
    m_seen.insert(position);
    const auto generation = m_generation;
    const long pages_before = m_pages;
    const long records_before = m_records;
    lock.unlock();

    auto on_sent = [&] {
      std::lock_guard sent(m_mutex);
      if (generation == m_generation) hand_over();
    };
    Taken taken{position, std::unexpected(Error{}), std::nullopt};
    try {
      taken.arrival = m_source.reach(position, on_sent);
    } catch (...) {
      taken.thrown = std::current_exception();  // for the loop's thread, as std::async did
    }

    lock.lock();
    if (generation == m_generation) hand_over();  // when the request failed before it left
    if (generation != m_generation) continue;   // dropped while in flight
    const std::string* next = nullptr;
    long records = records_before;
    if (taken.arrival && taken.arrival->early_next && *taken.arrival->early_next) {
      next = &**taken.arrival->early_next;
      records += counted_records(taken.arrival->early_records, pages_before, m_skip_first);
    }
    if (next && !m_seen.contains(*next)) {
      lock.unlock();
      const bool may = m_may_ask(pages_before + 1, records);  // the budget and the limits, unlocked
      lock.lock();
      if (generation != m_generation) continue;
      if (may) {
        taken.chained = *next;
        m_wanted = *next;
        m_pages = pages_before + 1;
        m_records = records;
        m_handover = std::move(taken);  // given to the loop once the next request has left
        continue;
      }
    }
    m_ready.push_back(std::move(taken));
    m_changed.notify_all();
  }
}

}  // namespace crmexport::engine
