#include "lib/engine/export_run.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <filesystem>
#include <utility>

#include "lib/core/log.hpp"
#include "lib/core/time.hpp"
#include "lib/engine/labels.hpp"
#include "lib/engine/parallel.hpp"
#include "lib/engine/progress.hpp"
#include "lib/engine/resume.hpp"
#include "lib/output/atomic_file.hpp"
#include "lib/output/file_output.hpp"
#include "lib/output/path_inside.hpp"
#include "lib/output/stream_io.hpp"

namespace crmexport::engine {
namespace {

namespace fs = std::filesystem;

// A cursor is the provider's position, and a hostile or broken provider can make it megabytes
// long: such a one is not printed (a file's state keeps it for --resume).
constexpr size_t k_max_printed_cursor = 4096;

std::string cursor_text(const std::string& cursor) {
  if (cursor.size() <= k_max_printed_cursor) return fmt::format("--cursor '{}'", cursor);
  return fmt::format("a cursor of {} bytes, too long to print", cursor.size());
}

std::string records_text(long records) { return fmt::format("{} record{}", records, records == 1 ? "" : "s"); }

// What a stopped type left on stdout, with the cursor to go on from.
std::string left_on_stdout(const TypeSummary& summary) {
  const bool printable = summary.resume_cursor && summary.resume_cursor->size() <= k_max_printed_cursor;
  return fmt::format("{} of it went to stdout; {}", records_text(summary.records),
                     printable ? "resume with " + cursor_text(*summary.resume_cursor) : "run the export again");
}

// After a failure: keeps the file's pages for --resume (FILE.partial and its state), notes them
// in `summary`, and says what was kept.
std::string keep_partial(output::FileOutput& file, const std::string& path, TypeSummary& summary) {
  if (!file.partial().keep()) return fmt::format("nothing was written to {}; run the export again", path);
  const auto& state = file.partial().state();
  summary.records = state.records;
  summary.pages = state.pages;
  summary.resume_cursor = state.cursor;
  return fmt::format("{} {} kept in {}; finish it with the same command and --resume (it goes on at {})",
                     records_text(state.records), state.records == 1 ? "is" : "are", file.partial().path().string(),
                     cursor_text(state.cursor));
}

// `path`, about to be opened, when it resolves inside -o DIR/ (output::path_inside); thrown
// otherwise. The plan's paths were built inside it; this holds for every file made from them too
// (FILE.partial, its state), whoever builds them.
fs::path inside_folder(const OutputPlan& plan, const fs::path& path) {
  if (!plan.folder) return path;
  value_or_throw(output::path_inside(*plan.folder, path.lexically_relative(*plan.folder).string()));
  return path;
}

// A failure as the command words it for this connection (ExportRequest::explain).
Error explained(const ExportRequest& request, Error error) {
  return request.explain ? request.explain(std::move(error)) : std::move(error);
}

// The options that decide a type's bytes and the meaning of its cursor: a partial file made
// with others cannot be continued.
output::MadeBy made_by(const ExportRequest& request, const providers::TypeSpec& type,
                       const output::WriterOptions& writer_options, const ExportOptions& options) {
  std::vector<std::string> params;
  for (const auto& [name, value] : options.params) params.push_back(name + "=" + value);
  return {
      {"connection", request.connection.name},
      {"type", cursor_owner(request.session.provider().name, options.api_version, type.name)},
      {"--format", std::string(output::extension(request.plan.format))},
      {"--fields", fmt::format("{}", fmt::join(writer_options.fields, ","))},
      {"--labels", options.labels ? "yes" : "no"},
      {"--since", options.since ? format_time(*options.since, TimeFormat::rfc3339) : ""},
      {"--param/--filter/--order", fmt::format("{}", fmt::join(params, "&"))},
      {"properties", fmt::format("{}", fmt::join(options.properties, ","))},
      {"--associations", fmt::format("{}", fmt::join(options.associations, ","))},
      {"--archived", options.archived ? "yes" : "no"},
      {"--page-size", std::to_string(options.page_size)},
  };
}

std::string now_rfc3339() {
  return format_time(std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()),
                     TimeFormat::rfc3339);
}

// One type from its first (or resumed) page to its file or stdout; a failure is thrown. A run
// that stopped before the end as asked leaves its resume line in `cursor`, printed after every
// type ends. `summary` says what was done, also when it throws.
void export_one(const ExportRequest& request, bool sha256_shown, const providers::TypeSpec& type,
                const Destination& destination, std::string& cursor, TypeSummary& summary) {
  log::TypeScope log_type(type.name);
  summary.type = type.name;
  summary.format = std::string(output::extension(request.plan.format));
  summary.status = TypeStatus::unfinished;
  summary.next_since = now_rfc3339();
  ReadablePlan readable =
      plan_readable(request.session, request.store, request.store_lock, type, request.labels, request.labels_asked,
                    request.version.fields_name_properties ? std::vector<std::string>{} : request.writer_options.fields,
                    request.refresh_names, progress_wanted(!destination.path));
  summary.field_requests = requests_of(readable.phases);
  auto writer_options = request.writer_options;
  if (!request.version.fields_name_properties) writer_options.fields = readable.columns;
  auto options = request.options;
  options.labels = readable.labels;
  if (readable.labels)  // values some APIs send only when asked (ActiveCampaign's fieldValues)
    for (const auto& param : type.fields->label_params) options.params.push_back(param);

  const auto began = std::chrono::steady_clock::now();
  std::optional<output::FileOutput> file;
  bool reported = false;         // the failure thrown names what was kept
  output::PartialState earlier;  // what earlier runs wrote to the file this run continues
  const auto count = [&](const ExportResult& result) {
    summary.records = earlier.records + result.records;
    summary.pages = earlier.pages + result.pages;
    summary.requests = earlier.requests + result.requests;
    summary.seconds = earlier.seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    summary.provider_total = file && file->resumed() ? earlier.provider_total : result.provider_total;
  };
  try {
    if (destination.path) {
      const bool spooled = request.plan.format == output::Format::csv && writer_options.fields.empty();
      const auto made = made_by(request, type, writer_options, options);
      for (const auto& written : {fs::path(*destination.path), output::partial_path(*destination.path),
                                  output::state_path(*destination.path)})
        inside_folder(request.plan, written);
      file.emplace(
          value_or_throw(output::FileOutput::open(*destination.path, spooled, made, request.resume, sha256_shown)));
      writer_options = file->writer_options(std::move(writer_options));
      if (file->resumed()) {
        earlier = file->partial().state();
        options.cursor = earlier.cursor;
        summary.next_since = earlier.started_at;
        log::info("{}: continuing {} after {} record{}", type.name, file->partial().path().string(), earlier.records,
                  earlier.records == 1 ? "" : "s");
      }
      options.on_page_written = [&, made](const std::string& resume_at, bool last, const ExportResult& so_far) {
        count(so_far);
        output::PartialState state{made,          resume_at,        last,          summary.records,
                                   summary.pages, summary.requests, earlier.tokens + so_far.tokens,
                                   summary.seconds, summary.provider_total, summary.next_since};
        file->partial().checkpoint(std::move(state), request.session.clock().now());
      };
    }
    std::FILE* stream = file ? file->document() : stdout;
    auto writer = output::make_writer(request.plan.format, stream, writer_options);
    Progress progress(log::subject(type.name), progress_wanted(!destination.path));
    if (file && file->resumed()) progress.continue_from(earlier.records, earlier.pages, earlier.provider_total);

    // A partial whose last page was written (the disk filled while the CSV was written) only lacks its end.
    auto result = file && file->resumed() && earlier.last
                      ? Result<ExportResult>(ExportResult{})
                      : export_type(request.session, type, options, *writer, progress);
    progress.finish();
    if (!result) throw Fatal(explained(request, std::move(result.error())));
    count(*result);
    if (result->failure) {
      Error error = explained(request, std::move(*result->failure));
      std::string left;
      if (file) {
        left = keep_partial(*file, *destination.path, summary);
      } else {
        writer->finish();  // stdout stays well-formed (a JSON array closed, spooled CSV written)
        summary.resume_cursor = result->resume_cursor;
        left = left_on_stdout(summary);
      }
      error.message =
          fmt::format("{}: {}{}; {}", type.name, error.message,
                      error.kind == ErrorKind::interrupted ? " before the end" : "; stopped before the end", left);
      reported = true;
      throw Fatal(std::move(error));
    }
    writer->finish();
    if (file) file->commit();
    summary.status = TypeStatus::complete;
    if (file && sha256_shown) summary.sha256 = file->sha256() ? *file->sha256() : sha256_of_file(*destination.path);
    // The file's records, as its reader will count them (and the manifest does); this run's share
    // beside them when it continued an earlier one.
    log::info("{}: {} record{}{} in {} page{}{}{}{}", type.name, summary.records, summary.records == 1 ? "" : "s",
              file && file->resumed() ? fmt::format(" ({} this run)", result->records) : "", summary.pages,
              summary.pages == 1 ? "" : "s",
              spent_text(request.session.provider(), result->requests, result->tokens), phases_text(readable.phases),
              destination.path ? " -> " + *destination.path : "");
    if (result->resume_cursor) {
      summary.status = TypeStatus::unfinished;
      summary.resume_cursor = result->resume_cursor;
      cursor = fmt::format("{}: stopped before the end as asked{}; resume with {}", type.name,
                           result->budget_stopped ? " (--max-requests/--max-tokens)" : "",
                           cursor_text(*result->resume_cursor));
    }
  } catch (const output::WriteFailed& failed) {
    // The writers see a stream; the file's name is known here.
    if (!file || failed.action() != output::k_write_output) throw;
    throw Fatal(ErrorKind::runtime,
                fmt::format("cannot write {}: {}; {}{}", *destination.path, std::strerror(failed.error_number()),
                            keep_partial(*file, *destination.path, summary),
                            failed.error_number() == ENOSPC ? " (free some space, or write elsewhere with -o)" : ""));
  } catch (const Fatal& fatal) {
    // Failed while writing, or before reading (a refused cursor): the pages saved stay for --resume.
    if (!file || reported || summary.status == TypeStatus::complete) throw;
    Error error = fatal.error();
    error.message += "; " + keep_partial(*file, *destination.path, summary);
    throw Fatal(std::move(error));
  }
}

// -o DIR/ --resume: a type whose file an earlier run finished (its manifest entry says complete,
// with the file's SHA-256, and no partial file is left) is left as it is.
void leave_finished(const std::string& folder, const std::vector<Destination>& destinations,
                    std::vector<TypeSummary>& summaries, std::vector<char>& done_before) {
  const auto manifest = read_manifest_types(fs::path(folder) / k_manifest_name);
  for (size_t i = 0; i < destinations.size(); ++i) {
    const fs::path path = *destinations[i].path;
    std::error_code ignored;
    if (fs::exists(output::state_path(path), ignored)) continue;  // a later run began it again
    auto entry = finished_earlier(manifest, destinations[i].type, path);
    if (!entry) continue;
    summaries[i] = std::move(*entry);
    done_before[i] = 1;
    log::TypeScope log_type(destinations[i].type);
    log::info("{}: {} was finished by an earlier run; left as it is", destinations[i].type, path.string());
  }
}

// The manifest (-o DIR/, written even when a type failed, so that a cron job can tell what is
// there) and --summary-json.
void report_run(const ExportRequest& request, const std::string& started_at, std::vector<TypeSummary> summaries) {
  if (!request.plan.folder && !request.summary_json) return;
  const RunSummary run{request.connection.name, request.connection.provider, request.version.name, started_at,
                       now_rfc3339(),           std::move(summaries)};
  const std::string text = summary_json(run);
  if (request.plan.folder) {
    const auto path = inside_folder(request.plan, fs::path(*request.plan.folder) / k_manifest_name);
    auto manifest = output::AtomicFile::create(path);
    output::write_all(manifest.stream(), text);
    manifest.commit();
  }
  if (!request.summary_json) return;
  // Data, not a message: written as it is, without log's timestamps.
  output::write_all(request.summary_json, text);
  output::flush(request.summary_json);
}

// The run ends with the first type's failure (first_failure); the other failed types' lines
// (each with its cursor) come first. A failure that is not a Fatal goes on as it is.
void throw_first_failure(const std::vector<const providers::TypeSpec*>& types,
                         const std::vector<std::exception_ptr>& failures, const std::vector<TypeSummary>& summaries) {
  std::vector<Error> errors;
  std::vector<std::string> failed_types;
  for (size_t i = 0; i < failures.size(); ++i) {
    if (!failures[i]) continue;
    try {
      std::rethrow_exception(failures[i]);
    } catch (Fatal& fatal) {
      errors.push_back(fatal.error());
      failed_types.push_back(types[i]->name);
    }
  }
  if (errors.empty()) return;
  for (size_t i = 1; i < errors.size(); ++i) {
    log::TypeScope log_type(failed_types[i]);
    log::write("error: ", errors[i].message);
  }
  throw Fatal(first_failure(errors, summaries));
}

}  // namespace

Error first_failure(const std::vector<Error>& errors, const std::vector<TypeSummary>& summaries) {
  std::vector<std::string> complete, not_started;
  for (const auto& summary : summaries) {
    if (summary.status == TypeStatus::complete) complete.push_back(summary.type);
    if (summary.status == TypeStatus::not_started) not_started.push_back(summary.type);
  }
  Error error = errors.front();
  if (!complete.empty())
    error.message +=
        fmt::format(" ({} {} written completely)", fmt::join(complete, ", "), complete.size() == 1 ? "was" : "were");
  if (!not_started.empty()) error.message += fmt::format("; not started: {}", fmt::join(not_started, ", "));
  return error;
}

std::optional<Error> count_mismatch(std::string_view provider_title, const std::vector<TypeSummary>& summaries) {
  std::vector<std::string> mismatches;
  for (const auto& summary : summaries)
    if (count_matches(summary) == false)
      mismatches.push_back(fmt::format("{} has {} record{} but {} reported {}", summary.type, summary.records,
                                       summary.records == 1 ? "" : "s", provider_title, *summary.provider_total));
  if (mismatches.empty()) return std::nullopt;
  return Error{ErrorKind::incomplete,
               fmt::format("{} (--strict); records were added or deleted during the export: export again, or drop "
                           "--strict to accept the files as read",
                           fmt::join(mismatches, "; ")),
               0, std::nullopt};
}

void export_connection(const ExportRequest& request, ExportReport* report) {
  const auto started_at = now_rfc3339();
  const auto& plan = request.plan;
  const auto& types = request.types;
  // The manifest or --summary-json shows each file's SHA-256; else it is not worth computing.
  const bool sha256_shown = plan.folder || request.summary_json;
  // Several types at once only into files: on stdout their records would interleave.
  int jobs = plan.destinations.size() > 1 && plan.destinations.front().path ? request.jobs : 1;
  std::vector<TypeSummary> summaries(types.size());
  std::vector<char> done_before(types.size(), 0);  // -o DIR/ --resume: finished by an earlier run
  if (plan.folder && request.resume) leave_finished(*plan.folder, plan.destinations, summaries, done_before);
  // What each type's worker hands back: an exception ends the run once every worker is done,
  // and no type starts after one failed (a refused token or a spent budget fails them all).
  std::vector<std::exception_ptr> failures(types.size());
  std::vector<std::string> cursors(types.size());
  std::atomic<bool> failed{false};
  run_parallel(types.size(), jobs, [&](size_t i) {
    if (failed || done_before[i]) return;
    try {
      export_one(request, sha256_shown, *types[i], plan.destinations[i], cursors[i], summaries[i]);
    } catch (...) {
      failures[i] = std::current_exception();
      failed = true;
    }
  });
  for (size_t i = 0; i < types.size(); ++i)
    if (!cursors[i].empty()) {
      log::TypeScope log_type(types[i]->name);
      log::write("", cursors[i]);
    }
  for (size_t i = 0; i < types.size(); ++i) {
    auto& summary = summaries[i];
    if (!summary.type.empty()) continue;  // it ran, or was finished before
    summary.type = types[i]->name;
    summary.format = std::string(output::extension(plan.format));
    summary.status = TypeStatus::not_started;
  }
  for (size_t i = 0; i < types.size(); ++i)
    if (plan.destinations[i].path)
      summaries[i].file =
          plan.folder ? fs::path(*plan.destinations[i].path).filename().string() : *plan.destinations[i].path;
  if (report) {
    report->types = summaries;
    for (size_t i = 0; i < types.size() && report->failed_type.empty(); ++i)
      if (failures[i]) report->failed_type = types[i]->name;
  }
  report_run(request, started_at, summaries);
  throw_first_failure(types, failures, summaries);
  if (request.strict)
    if (auto mismatch = count_mismatch(request.session.provider().title, summaries)) throw Fatal(std::move(*mismatch));
}

std::vector<ConnectionOutcome> export_connections(
    const std::vector<ConnectionToRun>& todo, int parallel,
    const std::function<PreparedExport(const ConnectionToRun&)>& prepare) {
  auto outcomes = named_outcomes(todo);
  run_fleet(outcomes, parallel, [&](size_t i, ConnectionOutcome& outcome) {
    const auto& item = todo[i];
    if (item.types.empty()) return;
    ExportReport report;
    std::optional<Error> error;
    try {
      auto prepared = prepare(item);
      export_connection(*prepared.request, &report);
    } catch (const Fatal& fatal) {  // this connection's end; the others go on
      error = fatal.error();
    }
    for (const auto& summary : report.types) {
      auto& type = outcome.types.emplace_back();
      type.type = summary.type;
      type.started = summary.status != TypeStatus::not_started;
      type.done = summary.status == TypeStatus::complete;
      type.records = summary.records;
      type.requests = summary.requests + summary.field_requests;
      // The failure the run ended with is its type's, said as "CONNECTION/TYPE: ..." at the end.
      if (error && summary.type == report.failed_type) {
        type.error = std::move(error);
        error.reset();
        const auto head = summary.type + ": ";
        if (type.error->message.starts_with(head)) type.error->message.erase(0, head.size());
      }
    }
    outcome.error = std::move(error);
  });
  return outcomes;
}

}  // namespace crmexport::engine
