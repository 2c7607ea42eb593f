#include "lib/engine/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <type_traits>
#include <vector>

#include "lib/core/log.hpp"
#include "lib/core/terminal.hpp"

namespace crmexport::engine {
namespace {

using Clock = std::chrono::steady_clock;

// Redraws at most this often: a fast export finishes pages every few milliseconds, and a
// terminal redrawn that often flickers and costs the export time.
constexpr auto k_redraw_interval = std::chrono::milliseconds(100);

std::string describe_wait(const http::WaitNote& wait) {
  auto seconds = std::max<long>(1, static_cast<long>(std::ceil(std::chrono::duration<double>(wait.length).count())));
  if (wait.kind == http::WaitNote::Kind::retry) return fmt::format("retrying in {} s after {}", seconds, wait.reason);
  return fmt::format("waiting {} s: {}", seconds, wait.reason);
}

// Cut to `columns` characters, counting UTF-8 sequences (labels and reasons may hold any text;
// "…" is three bytes and one column).
std::string cut_to_columns(std::string text, int columns) {
  int seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // a continuation byte
    if (seen++ == columns) {
      text.resize(i);
      break;
    }
  }
  return text;
}

}  // namespace

std::string render_status(const StatusLine& line, int columns) {
  std::string text = line.label + ": ";
  if (!line.started) {
    text += "connecting…";
  } else {
    double rate = line.seconds > 0 ? static_cast<double>(line.records - line.earlier_records) / line.seconds : 0.0;
    if (line.total) {
      long total = *line.total;
      long percent = total > 0 ? std::min<long>(100, line.records * 100 / total) : 100;
      text += fmt::format("{}/{} records ({}%), {} page{}, {:.0f} records/s", line.records, total, percent, line.pages,
                          line.pages == 1 ? "" : "s", rate);
      if (line.records < total) text += rate > 0 ? ", ETA " + describe_duration(static_cast<double>(total - line.records) / rate) : ", ETA --";
    } else {
      text += fmt::format("{} records, {} page{}, {:.0f} records/s", line.records, line.pages,
                          line.pages == 1 ? "" : "s", rate);
    }
  }
  if (line.wait) text += (line.started ? "; " : " ") + describe_wait(*line.wait);
  // Inert before it is cut, so the cut counts the columns the escapes take (a label or a wait's
  // reason may hold any text).
  return cut_to_columns(log::printable(text), std::max(1, columns - 1));
}

std::vector<std::string> fit_status_block(std::vector<std::string> lines, int rows) {
  auto room = static_cast<size_t>(std::max(1, rows - 1));
  if (lines.size() <= room) return lines;
  auto hidden = lines.size() - (room - 1);
  lines.resize(room - 1);
  lines.push_back(fmt::format("… and {} more", hidden));
  return lines;
}

// The lines of every type being read, in the order they began. One per process: stderr is one.
class StatusBoard {
 public:
  static StatusBoard& instance() {
    static StatusBoard board;
    return board;
  }

  void add(Progress& progress) {
    std::lock_guard lock(m_mutex);
    m_lines.push_back(&progress);
    progress.m_shown = true;
    draw(Clock::now());
  }

  enum class Redraw { now, when_due, with_next };

  // Runs `apply` on a line's state under the board's lock, then redraws: at once (a wait
  // begins), when the last redraw is old enough (a page came), or with the next change.
  template <typename Apply>
  void change(Redraw redraw, Apply&& apply) {
    std::lock_guard lock(m_mutex);
    // An `apply` returning true asks for a redraw at once.
    if constexpr (std::is_same_v<decltype(apply()), bool>) {
      if (apply()) redraw = Redraw::now;
    } else {
      apply();
    }
    auto time = Clock::now();
    if (redraw == Redraw::now || (redraw == Redraw::when_due && time - m_last_draw >= k_redraw_interval)) draw(time);
  }

  void remove(Progress& progress) {
    std::lock_guard lock(m_mutex);
    if (!progress.m_shown) return;
    std::erase(m_lines, &progress);
    progress.m_shown = false;
    draw(Clock::now());
  }

 private:
  void draw(Clock::time_point time) {
    m_last_draw = time;
    int columns = terminal::stderr_columns();
    std::vector<std::string> lines;
    for (const auto* p : m_lines) {
      StatusLine line{p->m_label,
                      p->m_started,
                      p->m_earlier_records + p->m_records,
                      p->m_earlier_pages + p->m_pages,
                      std::chrono::duration<double>(time - p->m_start).count(),
                      p->m_total,
                      std::nullopt,
                      p->m_earlier_records};
      if (p->m_wait && p->m_wait_until > time) {
        line.wait = *p->m_wait;
        line.wait->length = std::chrono::duration_cast<http::Duration>(p->m_wait_until - time);
      }
      lines.push_back(render_status(line, columns));
    }
    log::show_status(fit_status_block(std::move(lines), terminal::stderr_rows()));
  }

  std::mutex m_mutex;
  std::vector<Progress*> m_lines;
  Clock::time_point m_last_draw{};
};

bool progress_wanted(bool records_to_stdout) {
  return terminal::controls_allowed() && log::level() != log::Level::quiet &&
         !(records_to_stdout && terminal::stdout_shares_stderr_terminal());
}

Progress::Progress(std::string label, bool enabled)
    : m_label(std::move(label)), m_enabled(enabled), m_start(Clock::now()) {
  if (m_enabled) StatusBoard::instance().add(*this);
}

Progress::~Progress() {
  if (m_enabled) StatusBoard::instance().remove(*this);
}

void Progress::update(long records, long pages) {
  if (!m_enabled) return;
  // A line showing a wait is redrawn at once: it would otherwise keep saying so, with the count
  // before this page, until the next page, a whole pause later.
  StatusBoard::instance().change(StatusBoard::Redraw::when_due, [&] {
    m_records = records;
    m_pages = pages;
    m_started = true;
    bool waiting = m_wait.has_value();
    m_wait.reset();  // a page came: whatever was waited for has passed
    return waiting;
  });
}

void Progress::set_total(long total) {
  if (!m_enabled) return;
  // The page it came with is drawn next.
  StatusBoard::instance().change(StatusBoard::Redraw::with_next, [&] { m_total = total; });
}

void Progress::continue_from(long records, long pages, std::optional<long> total) {
  if (!m_enabled) return;
  StatusBoard::instance().change(StatusBoard::Redraw::with_next, [&] {
    m_earlier_records = records;
    m_earlier_pages = pages;
    if (total) m_total = total;
  });
}

void Progress::note_wait(const http::WaitNote& wait) {
  if (!m_enabled) return;
  StatusBoard::instance().change(StatusBoard::Redraw::now, [&] {
    m_wait = wait;
    m_wait_until = Clock::now() + wait.length;
  });
}

http::WaitObserver Progress::wait_observer() {
  if (!m_enabled) return {};
  return [this](const http::WaitNote& wait) { note_wait(wait); };
}

void Progress::finish() {
  if (m_enabled) StatusBoard::instance().remove(*this);
}

std::string describe_duration(double seconds) {
  auto s = static_cast<long>(std::ceil(seconds));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
}

std::string phases_text(const std::vector<PhaseSpent>& phases) {
  std::string text;
  for (const auto& phase : phases) {
    // A tenth of a second where it matters: most phases are one or two requests.
    const auto took = phase.seconds < 10 ? fmt::format("{:.1f}s", phase.seconds) : describe_duration(phase.seconds);
    text += fmt::format("; {}: {} request{}, {}", phase.name, phase.requests, phase.requests == 1 ? "" : "s", took);
  }
  return text;
}

long requests_of(const std::vector<PhaseSpent>& phases) {
  long requests = 0;
  for (const auto& phase : phases) requests += phase.requests;
  return requests;
}

std::string phase_label(std::string_view type, std::string_view phase) {
  return fmt::format("{} {}", log::subject(type), phase);
}

std::string spent_text(const providers::Provider& provider, long requests, long tokens) {
  std::string text = fmt::format(", {} request{}", requests, requests == 1 ? "" : "s");
  if (!provider.cost_unit.empty()) text += fmt::format(", {} {}", tokens, provider.cost_unit);
  return text;
}

}  // namespace crmexport::engine
