#include "lib/engine/export.hpp"

#include "lib/core/log.hpp"
#include "lib/json/fields.hpp"
#include "lib/engine/page_loop.hpp"
#include "lib/engine/resume.hpp"

namespace crmexport::engine {

Result<ExportResult> export_type(Session& session, const providers::TypeSpec& type, const ExportOptions& options,
                                 output::RecordWriter& writer, Progress& progress) {
  auto start = parse_resume(options.cursor);
  if (!start) return std::unexpected(start.error());
  if (options.page_size > type.max_page_size)
    log::info("{}: --page-size {} is above {}'s cap; using {}", type.name, options.page_size, session.provider().title,
              type.max_page_size);
  if (options.since && !type.since)
    log::warn("{}: {} has no change filter for this type; --since is ignored and every record is exported", type.name,
              session.provider().title);

  ExportResult result;
  std::optional<int64_t> total_at_start;  // the provider's count when a whole export began
  long skip = start->skip;                // records of the first page an earlier run already wrote
  auto on_page = [&](PageRead& read) -> Result<Flow> {
    const auto& records = read.page.records;
    if (read.number == 1 && start->position.empty() && !type.total_at.empty())
      total_at_start = json::int_at(read.page.envelope, type.total_at);
    size_t index = std::min(static_cast<size_t>(std::exchange(skip, 0)), records.size());
    for (; index < records.size(); ++index) {
      if (options.max_records > 0 && result.records >= options.max_records) break;
      writer.write(records[index]);
      ++result.records;
    }
    writer.end_page();
    ++result.pages;
    progress.update(result.records, result.pages);

    if (index < records.size()) {  // --max-records stopped inside this page
      result.resume_cursor = format_resume({std::string(read.position), static_cast<long>(index)});
      return Flow::stop;
    }
    bool page_limit = options.max_pages > 0 && result.pages >= options.max_pages;
    bool record_limit = options.max_records > 0 && result.records >= options.max_records;
    if (read.next && (page_limit || record_limit)) {
      result.resume_cursor = format_resume({*read.next, 0});
      return Flow::stop;
    }
    return Flow::more;
  };
  if (!type.planner && (options.archived || !options.associations.empty()))
    log::warn("{}: --archived and --associations do not apply to this type and are ignored", type.name);
  http::RequestMeter meter;
  PageQuery query{options.page_size,  options.since,        options.params, options.properties,
                  options.associations, options.archived, &meter};
  auto read = read_pages(session, type, query, start->position, on_page);
  result.requests = meter.requests;
  result.tokens = meter.tokens;
  if (!read) return std::unexpected(read.error());
  if (read->budget_stop) {
    // The page at this position was not asked; `skip` is still set when that is the resumed
    // first page, whose records an earlier run partly wrote.
    result.resume_cursor = format_resume({*read->budget_stop, skip});
    result.budget_stopped = true;
  }
  // A count that differs at the end means the account changed during the export: say so, since
  // offset paging may then have skipped or repeated records (see the provider's docs).
  if (total_at_start && !result.resume_cursor && *total_at_start != result.records)
    log::warn(
        "{}: {} reported {} records when the export began and {} were written; records were added or "
        "deleted meanwhile",
        type.name, session.provider().title, *total_at_start, result.records);
  return result;
}

}  // namespace crmexport::engine
