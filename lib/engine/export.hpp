#pragma once
// Export: drive one type's paging from its first (or resumed) page to the end, handing each
// page's records to a writer as they arrive. Memory holds one page at a time.
#include <optional>
#include <string>

#include "lib/core/time.hpp"
#include "lib/engine/progress.hpp"
#include "lib/engine/session.hpp"
#include "lib/output/writer.hpp"

namespace crmexport::engine {

struct ExportOptions {
  int page_size = 0;     // 0: the type's maximum
  long max_records = 0;  // 0: no limit
  long max_pages = 0;    // 0: no limit
  std::string cursor;    // where an earlier run stopped (--cursor)
  std::optional<TimePoint> since;
  http::Query params;                     // passed through to the provider (--param)
  std::vector<std::string> properties;    // --fields where the API version names properties with it
  std::vector<std::string> associations;  // --associations
  bool archived = false;                  // --archived
};

struct ExportResult {
  long records = 0;
  long pages = 0;
  std::optional<std::string> resume_cursor;  // set when the run stopped before the end
  bool budget_stopped = false;               // stopped by --max-requests or --max-tokens
  long requests = 0;                         // sent for this type, retries included
  long tokens = 0;                           // their cost, where the provider charges tokens
};

// Calls writer.end_page() after each page; the caller calls writer.finish() on success.
Result<ExportResult> export_type(Session& session, const providers::TypeSpec& type, const ExportOptions& options,
                                 output::RecordWriter& writer, Progress& progress);

}  // namespace crmexport::engine
