#pragma once
// The status block on stderr, only for a person watching a terminal: one line per type being
// read (several when types run at once), redrawn in place below the messages (log::show_status)
// at most ten times a second:
//   deals: connecting…
//   deals: 1200/5000 records (24%), 12 pages, 340 records/s, ETA 11s
//   persons: 800 records, 8 pages, 95 records/s; waiting 9 s: HubSpot's limit of 100 requests per 10.0s
// A type's line goes when it ends; the command's one-line summary then says what it did.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "lib/http/wait_note.hpp"
#include "providers/provider.hpp"

namespace crmexport::engine {

// One type's line as the renderer sees it.
struct StatusLine {
  std::string label;  // a type, or "connection/type": any text
  bool started = false;  // a page has come; before that the line says "connecting…"
  long records = 0;
  long pages = 0;
  double seconds = 0;          // since the type began
  std::optional<long> total;   // the provider's own count, where it reports one
  std::optional<http::WaitNote> wait;  // a wait in progress, its length what is left of it
  long earlier_records = 0;  // of `records`, those an earlier run wrote (--resume): not in the rate
};

// The line in at most columns - 1 columns (a full-width line would wrap on some terminals, and a
// wrapped line breaks the redraw): cut, never wrapped.
std::string render_status(const StatusLine& line, int columns);

// At most rows - 1 lines (a block taller than the screen cannot be redrawn in place): the first
// ones, then "… and N more" in the last place.
std::vector<std::string> fit_status_block(std::vector<std::string> lines, int rows);

class Progress {
 public:
  // Shows nothing unless `enabled` (see progress_wanted); else draws "LABEL: connecting…" at once.
  Progress(std::string label, bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void update(long records, long pages);
  void set_total(long total);
  // --resume: what earlier runs wrote, counted on the line from now on (update() counts this run),
  // and the provider's total they read, if any.
  void continue_from(long records, long pages, std::optional<long> total);
  // Shows the wait on the line until it has passed or the next page comes.
  void note_wait(const http::WaitNote& wait);
  // For http::RequestMeter::on_wait: the type's waits, shown on its line.
  http::WaitObserver wait_observer();
  // Removes the line; the caller prints the type's summary.
  void finish();

 private:
  friend class StatusBoard;
  std::string m_label;
  bool m_enabled;
  bool m_shown = false;
  std::chrono::steady_clock::time_point m_start;
  long m_records = 0;
  long m_pages = 0;
  long m_earlier_records = 0;
  long m_earlier_pages = 0;
  bool m_started = false;
  std::optional<long> m_total;
  std::optional<http::WaitNote> m_wait;
  std::chrono::steady_clock::time_point m_wait_until{};
};

// Whether status lines are wanted: stderr is a terminal that takes cursor controls (TERM is not
// "dumb"), output is not quiet, and records do not go to stdout on that same terminal (they would
// land among the redrawn lines; the summaries alone are printed then).
bool progress_wanted(bool records_to_stdout);

// "42s", "3m05s", "2h10m": an ETA or an elapsed time, rounded up.
std::string describe_duration(double seconds);

// A step of a type's run besides its records (its field metadata, its custom values, the list of
// its deleted records): named with its requests and time in the type's summary line, so that a
// run that took minutes says where they went.
struct PhaseSpent {
  std::string name;  // "field metadata", "custom values", "deletions"
  long requests = 0;
  double seconds = 0;
};
// Adds the time from its construction to its end to `phase`.
class PhaseClock {
 public:
  explicit PhaseClock(PhaseSpent& phase) : m_phase(phase), m_began(std::chrono::steady_clock::now()) {}
  ~PhaseClock() { m_phase.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - m_began).count(); }
  PhaseClock(const PhaseClock&) = delete;
  PhaseClock& operator=(const PhaseClock&) = delete;

 private:
  PhaseSpent& m_phase;
  std::chrono::steady_clock::time_point m_began;
};
// "; field metadata: 1 request, 0.2s; custom values: 749 requests, 2m38s" ("" for none).
std::string phases_text(const std::vector<PhaseSpent>& phases);
long requests_of(const std::vector<PhaseSpent>& phases);
// A phase's status line: "deals custom values", headed with the connection as log::subject heads it.
std::string phase_label(std::string_view type, std::string_view phase);

// ", 12 requests, 120 tokens" for a type's summary line (tokens only where the provider charges them).
std::string spent_text(const providers::Provider& provider, long requests, long tokens);

}  // namespace crmexport::engine
