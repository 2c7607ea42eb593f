#include "lib/engine/progress.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <mutex>

#include "lib/core/log.hpp"
#include "lib/core/terminal.hpp"

namespace crmexport::engine {
namespace {
// Types read at once share stderr: one line is drawn at a time, whole.
std::mutex g_draw_mutex;
}  // namespace

bool progress_wanted() { return terminal::stderr_is_terminal() && log::level() != log::Level::quiet; }

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
  auto text = fmt::format("crmexport: {}: {} records, {} pages, {:.0f} records/s", m_label, records, pages, rate);
  // A dumb terminal (TERM=dumb: editors' shells, some CI logs) shows escape sequences as text:
  // spaces cover what is left of the previous line there.
  auto line = terminal::controls_allowed() ? "\r\033[K" + text : fmt::format("\r{:<79}", text);
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
