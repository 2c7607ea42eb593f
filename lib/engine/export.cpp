#include "lib/engine/export.hpp"

#include <algorithm>

#include "lib/core/log.hpp"
#include "lib/engine/page_loop.hpp"
#include "lib/engine/resume.hpp"

namespace crmexport::engine {

Result<ExportResult> export_type(Session& session, const providers::TypeSpec& type, const ExportOptions& options,
                                 output::RecordWriter& writer, Progress& progress) {
  const auto owner = cursor_owner(session.provider().name, options.api_version, type.name);
  auto start = parse_resume(options.cursor, owner);
  if (!start) return std::unexpected(start.error());
  if (options.page_size > type.max_page_size)
    log::info("{}: --page-size {} is above {}'s cap; using {}", type.name, options.page_size, session.provider().title,
              type.max_page_size);
  if (options.since && !type.since)
    log::warn("{}: {} has no change filter for this type; --since is ignored and every record is exported", type.name,
              session.provider().title);

  ExportResult result;
  long skip = start->skip;                // records of the first page an earlier run already wrote
  ResumePoint written_up_to = *start;     // where the records handed to the writer end
  auto on_page = [&](PageRead& read) -> Result<Flow> {
    if (options.labels)
      if (auto labeled = options.labels->relabel_page(read.page); !labeled) return std::unexpected(labeled.error());
    const auto& records = read.page.records;
    if (auto total = reported_total(type, read)) {
      result.provider_total = *total;
      progress.set_total(*total);
    }
    size_t index = std::min(static_cast<size_t>(std::exchange(skip, 0)), records.size());
    for (; index < records.size(); ++index) {
      if (options.max_records > 0 && result.records >= options.max_records) break;
      writer.write(records[index]);
      ++result.records;
    }
    writer.end_page();
    if (read.next) written_up_to = {*read.next, 0};
    ++result.pages;
    progress.update(result.records, result.pages);
    if (options.on_page_written) options.on_page_written(format_resume(owner, written_up_to), !read.next, result);

    if (index < records.size()) {  // --max-records stopped inside this page
      result.resume_cursor = format_resume(owner, {std::string(read.position), static_cast<long>(index)});
      return Flow::stop;
    }
    bool page_limit = options.max_pages > 0 && result.pages >= options.max_pages;
    bool record_limit = options.max_records > 0 && result.records >= options.max_records;
    if (read.next && (page_limit || record_limit)) {
      result.resume_cursor = format_resume(owner, {*read.next, 0});
      return Flow::stop;
    }
    return Flow::more;
  };
  if (!type.planner && (options.archived || !options.associations.empty()))
    log::warn("{}: --archived and --associations do not apply to this type and are ignored", type.name);
  http::RequestMeter meter;
  meter.on_wait = progress.wait_observer();
  PageQuery query{options.page_size,  options.since,    options.params, options.properties,
                  options.associations, options.archived, &meter};
  // The same limits as on_page's, judged before it runs (the next page is fetched meanwhile).
  query.max_pages = options.max_pages;
  query.max_records = options.max_records;
  query.skip_first = skip;
  auto read = read_pages(session, type, query, start->position, on_page);
  result.requests = meter.requests;
  result.tokens = meter.tokens;
  if (!read) {
    result.interrupted = read.error().kind == ErrorKind::interrupted;
    result.failure = read.error();
    // Before the first page of a whole export there is nothing to resume: the export starts again.
    if (result.pages > 0 || !start->position.empty() || result.interrupted)
      result.resume_cursor = format_resume(owner, written_up_to);
    return result;
  }
  if (read->budget_stop) {
    // The page at this position was not asked; `skip` is still set when that is the resumed
    // first page, whose records an earlier run partly wrote.
    result.resume_cursor = format_resume(owner, {*read->budget_stop, skip});
    result.budget_stopped = true;
  }
  // A count that differs at the end means the account changed during the export: say so, since
  // offset paging may then have skipped or repeated records (see the provider's docs).
  const auto& total_at_start = result.provider_total;
  if (total_at_start && !result.resume_cursor && *total_at_start != result.records)
    log::warn(
        "{}: {} reported {} records when the export began and {} were written; records were added or "
        "deleted meanwhile",
        type.name, session.provider().title, *total_at_start, result.records);
  return result;
}

}  // namespace crmexport::engine
