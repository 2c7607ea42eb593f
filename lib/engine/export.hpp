#pragma once
// Export: drive one type's paging from its first (or resumed) page to the end, handing each
// page's records to a writer as they arrive. Memory holds one page at a time.
#include <functional>
#include <optional>
#include <string>

#include "lib/core/time.hpp"
#include "lib/engine/progress.hpp"
#include "lib/engine/session.hpp"
#include "lib/fields/relabel.hpp"
#include "lib/output/writer.hpp"

namespace crmexport::engine {

struct ExportResult;

// After each page the writer flushed: the cursor a resumed run starts from, whether that page was
// the last, and the counts so far. A partial file saves them (lib/output/partial_file.hpp).
using PageWritten = std::function<void(const std::string& resume_cursor, bool last, const ExportResult& so_far)>;

struct ExportOptions {
  int page_size = 0;     // 0: the type's maximum
  long max_records = 0;  // 0: no limit
  long max_pages = 0;    // 0: no limit
  std::string cursor;    // where an earlier run stopped (--cursor)
  std::string api_version;  // the version's name, which cursors carry (lib/engine/resume.hpp)
  std::optional<TimePoint> since;
  http::Query params;                     // passed through to the provider (--param)
  std::vector<std::string> properties;    // --fields where the API version names properties with it
  std::vector<std::string> associations;  // --associations
  bool archived = false;                  // --archived
  // Set: records are written readable (--labels; CSV by default), see lib/engine/labels.hpp.
  std::shared_ptr<const fields::Relabeler> labels;
  PageWritten on_page_written;  // unset: nobody keeps checkpoints
};

struct ExportResult {
  long records = 0;
  long pages = 0;
  std::optional<std::string> resume_cursor;  // set when the run stopped before the end
  // Reading stopped on an error (after retries) or SIGINT/SIGTERM (then also `interrupted`);
  // resume_cursor then says where the records handed to the writer end (unset when nothing was
  // read and there is nothing to resume), and the writer was not finished.
  std::optional<Error> failure;
  bool interrupted = false;
  bool budget_stopped = false;               // stopped by --max-requests or --max-tokens
  long requests = 0;                         // sent for this type, retries included
  long tokens = 0;                           // their cost, where the provider charges tokens
  // The provider's own count of the type's records, where a page reports one (ActiveCampaign
  // meta.total, Keap v1 count, HubSpot search total): for progress totals and the manifest's
  // check. Read from the first page of an export that starts at the beginning; nullopt after
  // --cursor (engine::reported_total says why).
  std::optional<long> provider_total;
};

// Calls writer.end_page() after each page; the caller calls writer.finish() on success. A failure
// once reading began (an error after retries, an interruption) is a result (`failure`, with the
// resume cursor), not an error: the caller decides what the records written so far are worth
// (stdout keeps them, a partial file keeps them for --resume). A cursor that cannot be read is an error.
Result<ExportResult> export_type(Session& session, const providers::TypeSpec& type, const ExportOptions& options,
                                 output::RecordWriter& writer, Progress& progress);

}  // namespace crmexport::engine
