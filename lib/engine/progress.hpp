#pragma once
// The progress line on stderr: only for a person watching a terminal.
#include <chrono>
#include <string>

namespace crmexport::engine {

class Progress {
 public:
  // Shows nothing unless `enabled` (stderr is a terminal and -q was not given).
  Progress(std::string label, bool enabled);
  void update(long records, long pages);
  void finish();

 private:
  void draw(long records, long pages);

  std::string m_label;
  bool m_enabled;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last_draw;
  long m_records = 0;
  long m_pages = 0;
};

// True when progress lines are wanted: stderr is a terminal and output is not quiet.
bool progress_wanted();

}  // namespace crmexport::engine
