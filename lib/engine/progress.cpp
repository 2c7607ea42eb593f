#include "lib/engine/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>

#include "lib/core/log.hpp"

namespace crmexport::engine {
namespace {
// Types read at once share stderr: one line is drawn at a time, whole.
std::mutex g_draw_mutex;
}  // namespace

bool progress_wanted() { return isatty(STDERR_FILENO) && log::level() != log::Level::quiet; }

Progress::Progress(std::string label, bool enabled)
    : m_label(std::move(label)), m_enabled(enabled), m_start(std::chrono::steady_clock::now()), m_last_draw(m_start) {}

void Progress::update(long records, long pages) {
  m_records = records;
  m_pages = pages;
  auto now = std::chrono::steady_clock::now();
  if (m_enabled && now - m_last_draw >= std::chrono::milliseconds(250)) {
    m_last_draw = now;
    draw(records, pages);
  }
}

void Progress::draw(long records, long pages) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  double rate = seconds > 0 ? static_cast<double>(records) / seconds : 0.0;
  auto line =
      fmt::format("\r\033[Kcrmexport: {}: {} records, {} pages, {:.0f} records/s", m_label, records, pages, rate);
  std::lock_guard lock(g_draw_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void Progress::finish() {
  if (!m_enabled) return;
  draw(m_records, m_pages);
  std::lock_guard lock(g_draw_mutex);
  std::fputc('\n', stderr);
}

}  // namespace crmexport::engine
