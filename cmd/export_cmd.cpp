// `crmexport export CONNECTION TYPE...`: every record of each type, to stdout or files;
// `crmexport export --all TYPE... -o DIR/`: the same for every connection, into DIR/CONNECTION/.
#include <fmt/ranges.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <mutex>
#include <utility>

#include "cmd/commands.hpp"
#include "cmd/many_connections.hpp"
#include "cmd/output_plan.hpp"
#include "cmd/readable.hpp"
#include "cmd/run_limits.hpp"
#include "lib/core/interrupt.hpp"
#include "lib/core/log.hpp"
#include "lib/core/time.hpp"
#include "lib/engine/export.hpp"
#include "lib/engine/manifest.hpp"
#include "lib/engine/parallel.hpp"
#include "lib/engine/resume.hpp"
#include "lib/output/atomic_file.hpp"
#include "lib/output/file_output.hpp"
#include "lib/output/stream_io.hpp"

namespace crmexport::cmd {
namespace {

namespace fs = std::filesystem;

struct ExportArgs {
  std::string connection;
  std::vector<std::string> types;
  bool all = false;  // --all: every connection in the store, each into its own folder
  int connections_in_parallel = k_default_connections_in_parallel;
  std::string format;
  std::string output;
  std::string since;
  std::string fields;
  std::vector<std::string> params;
  std::vector<std::string> filters;  // --filter FIELD=VALUE
  std::vector<std::string> orders;   // --order FIELD:asc|desc
  std::string api_version;
  std::string associations;
  bool labels = false;  // --labels
  bool raw = false;     // --raw
  bool refresh_names = false;  // --refresh-names
  bool resume = false;  // --resume
  bool summary_json = false;  // --summary-json
  bool strict = false;        // --strict
  engine::ExportOptions options;
  RunLimits limits;
};

std::vector<std::string> split_fields(const std::string& list) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (start <= list.size()) {
    auto comma = list.find(',', start);
    auto field = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!field.empty()) fields.push_back(field);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return fields;
}

http::Query parse_params(const std::vector<std::string>& params) {
  http::Query query;
  for (const auto& param : params) {
    auto equals = param.find('=');
    if (equals == std::string::npos || equals == 0)
      throw Fatal(ErrorKind::usage, fmt::format("--param '{}' is not KEY=VALUE", param));
    query.emplace_back(param.substr(0, equals), param.substr(equals + 1));
  }
  return query;
}

// --filter and --order in the provider's spelling (filters[FIELD]=VALUE, orders[FIELD]=ASC), in
// the order given; refused for providers that declare no spelling.
http::Query filter_order_params(const providers::Provider& provider, const ExportArgs& args) {
  http::Query query;
  if (args.filters.empty() && args.orders.empty()) return query;
  if (!provider.filter_order)
    throw Fatal(ErrorKind::usage, fmt::format("{} has no generic filters or orders; pass its own query parameters "
                                              "with --param KEY=VALUE",
                                              provider.title));
  const auto& spelling = *provider.filter_order;
  for (const auto& filter : args.filters) {
    auto equals = filter.find('=');
    if (equals == std::string::npos || equals == 0)
      throw Fatal(ErrorKind::usage, fmt::format("--filter '{}' is not FIELD=VALUE", filter));
    query.emplace_back(fmt::format(fmt::runtime(spelling.filter), filter.substr(0, equals)), filter.substr(equals + 1));
  }
  for (const auto& order : args.orders) {
    auto colon = order.rfind(':');
    std::string direction = colon == std::string::npos ? "" : order.substr(colon + 1);
    if (colon == std::string::npos || colon == 0 || (direction != "asc" && direction != "desc"))
      throw Fatal(ErrorKind::usage, fmt::format("--order '{}' is not FIELD:asc or FIELD:desc", order));
    query.emplace_back(fmt::format(fmt::runtime(spelling.order), order.substr(0, colon)),
                       direction == "asc" ? spelling.ascending : spelling.descending);
  }
  return query;
}

// A type whose paging fixes the order (keyset paging by id) cannot take --order: another order
// would break the paging.
void check_orderable(const providers::Provider& provider, const providers::TypeSpec& type, const ExportArgs& args) {
  if (args.orders.empty() || !provider.filter_order) return;
  auto order_prefix = provider.filter_order->order.substr(0, provider.filter_order->order.find("{}"));
  for (const auto& name : type.paging->param_names())
    if (name.starts_with(order_prefix))
      throw Fatal(ErrorKind::usage, fmt::format("{} are read in a fixed order ({}) so that records added or "
                                                "deleted meanwhile are neither skipped nor repeated; --order is "
                                                "not available for them: sort the output instead",
                                                type.name, name));
}

// A cursor is the provider's position, and a hostile or broken provider can make it megabytes
// long: such a one is not printed (a file's state keeps it for --resume).
constexpr size_t k_max_printed_cursor = 4096;

std::string cursor_text(const std::string& cursor) {
  if (cursor.size() <= k_max_printed_cursor) return fmt::format("--cursor '{}'", cursor);
  return fmt::format("a cursor of {} bytes, too long to print", cursor.size());
}

std::string records_text(long records) { return fmt::format("{} record{}", records, records == 1 ? "" : "s"); }

// What a stopped type left on stdout, with the cursor to go on from.
std::string left_on_stdout(const engine::TypeSummary& summary) {
  const bool printable = summary.resume_cursor && summary.resume_cursor->size() <= k_max_printed_cursor;
  return fmt::format("{} of it went to stdout; {}", records_text(summary.records),
                     printable ? "resume with " + cursor_text(*summary.resume_cursor) : "run the export again");
}

// After a failure: keeps the file's pages for --resume (FILE.partial and its state), notes them
// in `summary`, and says what was kept.
std::string keep_partial(output::FileOutput& file, const std::string& path, engine::TypeSummary& summary) {
  if (!file.partial().keep()) return fmt::format("nothing was written to {}; run the export again", path);
  const auto& state = file.partial().state();
  summary.records = state.records;
  summary.pages = state.pages;
  summary.resume_cursor = state.cursor;
  return fmt::format("{} {} kept in {}; finish it with the same command and --resume (it goes on at {})",
                     records_text(state.records), state.records == 1 ? "is" : "are", file.partial().path().string(),
                     cursor_text(state.cursor));
}

// What every type of one export shares.
struct ExportPlan {
  engine::Session& session;
  store::Store& store;
  std::mutex& store_lock;  // the store (frozen field names) has one user at a time
  const store::Connection& connection;
  const providers::ApiVersion& version;
  output::Format format;
  const output::WriterOptions& writer_options;
  bool labels;           // readable records wanted (--labels, or CSV without --raw)
  bool labels_asked;     // --labels itself: then missing metadata is an error, not a warning
  bool refresh_names;    // --refresh-names: readable names from the current labels, frozen anew
  const engine::ExportOptions& options;
  bool resume;           // --resume: continue the partial files earlier runs left
  // The manifest or --summary-json shows each file's SHA-256; else it is not worth computing.
  bool sha256_shown;
};

// The options that decide a type's bytes and the meaning of its cursor: a partial file made
// with others cannot be continued.
output::MadeBy made_by(const ExportPlan& plan, const providers::TypeSpec& type,
                       const output::WriterOptions& writer_options, const engine::ExportOptions& options) {
  std::vector<std::string> params;
  for (const auto& [name, value] : options.params) params.push_back(name + "=" + value);
  return {
      {"connection", plan.connection.name},
      {"type", engine::cursor_owner(plan.session.provider().name, options.api_version, type.name)},
      {"--format", std::string(output::extension(plan.format))},
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
void export_one(const ExportPlan& plan, const providers::TypeSpec& type, const Destination& destination,
                std::string& cursor, engine::TypeSummary& summary) {
  log::TypeScope log_type(type.name);
  summary.type = type.name;
  summary.format = std::string(output::extension(plan.format));
  summary.status = engine::TypeStatus::unfinished;
  summary.next_since = now_rfc3339();
  ReadablePlan readable = plan_readable(plan.session, plan.store, plan.store_lock, type, plan.labels,
                                        plan.labels_asked,
                                        plan.version.fields_name_properties ? std::vector<std::string>{}
                                                                            : plan.writer_options.fields,
                                        plan.refresh_names);
  auto writer_options = plan.writer_options;
  if (!plan.version.fields_name_properties) writer_options.fields = readable.columns;
  auto options = plan.options;
  options.labels = readable.labels;
  if (readable.labels)  // values some APIs send only when asked (ActiveCampaign's fieldValues)
    for (const auto& param : type.fields->label_params) options.params.push_back(param);

  const auto began = std::chrono::steady_clock::now();
  std::optional<output::FileOutput> file;
  bool reported = false;         // the failure thrown names what was kept
  output::PartialState earlier;  // what earlier runs wrote to the file this run continues
  const auto count = [&](const engine::ExportResult& result) {
    summary.records = earlier.records + result.records;
    summary.pages = earlier.pages + result.pages;
    summary.requests = earlier.requests + result.requests;
    summary.seconds = earlier.seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    summary.provider_total = file && file->resumed() ? earlier.provider_total : result.provider_total;
  };
  try {
    if (destination.path) {
      const bool spooled = plan.format == output::Format::csv && writer_options.fields.empty();
      const auto made = made_by(plan, type, writer_options, options);
      file.emplace(value_or_throw(
          output::FileOutput::open(*destination.path, spooled, made, plan.resume, plan.sha256_shown)));
      writer_options = file->writer_options(std::move(writer_options));
      if (file->resumed()) {
        earlier = file->partial().state();
        options.cursor = earlier.cursor;
        summary.next_since = earlier.started_at;
        log::info("{}: continuing {} after {} record{}", type.name, file->partial().path().string(), earlier.records,
                  earlier.records == 1 ? "" : "s");
      }
      options.on_page_written = [&, made](const std::string& resume_at, bool last, const engine::ExportResult& so_far) {
        count(so_far);
        output::PartialState state{made,          resume_at,        last,          summary.records,
                                   summary.pages, summary.requests, earlier.tokens + so_far.tokens,
                                   summary.seconds, summary.provider_total, summary.next_since};
        file->partial().checkpoint(std::move(state), plan.session.clock().now());
      };
    }
    std::FILE* stream = file ? file->document() : stdout;
    auto writer = output::make_writer(plan.format, stream, writer_options);
    engine::Progress progress(type.name, engine::progress_wanted(!destination.path));

    // A partial whose last page was written (the disk filled while the CSV was written) only lacks its end.
    auto result = file && file->resumed() && earlier.last
                      ? Result<engine::ExportResult>(engine::ExportResult{})
                      : engine::export_type(plan.session, type, options, *writer, progress);
    progress.finish();
    if (!result) throw Fatal(with_auth_hint(std::move(result.error()), plan.connection));
    count(*result);
    if (result->failure) {
      Error error = with_auth_hint(std::move(*result->failure), plan.connection);
      std::string left;
      if (file) {
        left = keep_partial(*file, *destination.path, summary);
      } else {
        writer->finish();  // stdout stays well-formed (a JSON array closed, spooled CSV written)
        summary.resume_cursor = result->resume_cursor;
        left = left_on_stdout(summary);
      }
      error.message = fmt::format("{}: {}{}; {}", type.name, error.message,
                                  error.kind == ErrorKind::interrupted ? " before the end" : "; stopped before the end",
                                  left);
      reported = true;
      throw Fatal(std::move(error));
    }
    writer->finish();
    if (file) file->commit();
    summary.status = engine::TypeStatus::complete;
    if (file && plan.sha256_shown)
      summary.sha256 = file->sha256() ? *file->sha256() : engine::sha256_of_file(*destination.path);
    log::info("{}: {} record{} in {} page{}{}{}{}", type.name, result->records, result->records == 1 ? "" : "s",
              result->pages, result->pages == 1 ? "" : "s",
              spent_text(plan.session.provider(), result->requests, result->tokens),
              readable.requests ? fmt::format(", {} field metadata request{}", readable.requests,
                                              readable.requests == 1 ? "" : "s")
                                : "",
              destination.path ? " -> " + *destination.path : "");
    if (result->resume_cursor) {
      summary.status = engine::TypeStatus::unfinished;
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
    if (!file || reported || summary.status == engine::TypeStatus::complete) throw;
    Error error = fatal.error();
    error.message += "; " + keep_partial(*file, *destination.path, summary);
    throw Fatal(std::move(error));
  }
}

// -o DIR/ --resume: a type whose file an earlier run finished (its manifest entry says complete,
// with the file's SHA-256, and no partial file is left) is left as it is.
void leave_finished(const std::string& folder, const std::vector<Destination>& destinations,
                    std::vector<engine::TypeSummary>& summaries, std::vector<char>& done_before) {
  const auto manifest = engine::read_manifest_types(fs::path(folder) / engine::k_manifest_name);
  for (size_t i = 0; i < destinations.size(); ++i) {
    const fs::path path = *destinations[i].path;
    std::error_code ignored;
    if (fs::exists(output::state_path(path), ignored)) continue;  // a later run began it again
    auto entry = engine::finished_earlier(manifest, destinations[i].type, path);
    if (!entry) continue;
    summaries[i] = std::move(*entry);
    done_before[i] = 1;
    log::info("{}: {} was finished by an earlier run; left as it is", destinations[i].type, path.string());
  }
}

// The manifest (-o DIR/, written even when a type failed, so that a cron job can tell what is
// there) and --summary-json: stdout when records went to files, stderr when they went to stdout.
void report_run(const ExportArgs& args, const store::Connection& connection, const providers::ApiVersion& version,
                const OutputPlan& plan, const std::string& started_at, std::vector<engine::TypeSummary> summaries) {
  if (!plan.folder && !args.summary_json) return;
  const engine::RunSummary run{connection.name, connection.provider, version.name,
                               started_at,      now_rfc3339(),       std::move(summaries)};
  const std::string text = engine::summary_json(run);
  if (plan.folder) {
    auto manifest = output::AtomicFile::create(fs::path(*plan.folder) / engine::k_manifest_name);
    output::write_all(manifest.stream(), text);
    manifest.commit();
  }
  if (!args.summary_json) return;
  // Data, not a message: written as it is, without log's timestamps.
  std::FILE* stream = plan.destinations.front().path ? stdout : stderr;
  output::write_all(stream, text);
  output::flush(stream);
}

// The run ends with the first type's failure; the other failed types' lines (each with its
// cursor) come first, and the last line names the types finished and those not started.
void throw_first_failure(const std::vector<std::exception_ptr>& failures,
                         const std::vector<engine::TypeSummary>& summaries) {
  std::vector<Error> errors;
  for (const auto& failure : failures) {
    if (!failure) continue;
    try {
      std::rethrow_exception(failure);
    } catch (Fatal& fatal) {
      errors.push_back(fatal.error());
    }
  }
  if (errors.empty()) return;
  for (size_t i = 1; i < errors.size(); ++i) log::write("error: ", errors[i].message);
  std::vector<std::string> complete, not_started;
  for (const auto& summary : summaries) {
    if (summary.status == engine::TypeStatus::complete) complete.push_back(summary.type);
    if (summary.status == engine::TypeStatus::not_started) not_started.push_back(summary.type);
  }
  Error error = errors.front();
  if (!complete.empty())
    error.message += fmt::format(" ({} {} written completely)", fmt::join(complete, ", "),
                                 complete.size() == 1 ? "was" : "were");
  if (!not_started.empty()) error.message += fmt::format("; not started: {}", fmt::join(not_started, ", "));
  throw Fatal(std::move(error));
}

// --strict: a whole type whose count differs from the provider's own total fails the run (exit 6).
void check_totals(const providers::Provider& provider, const std::vector<engine::TypeSummary>& summaries) {
  std::vector<std::string> mismatches;
  for (const auto& summary : summaries)
    if (engine::count_matches(summary) == false)
      mismatches.push_back(fmt::format("{} has {} record{} but {} reported {}", summary.type, summary.records,
                                       summary.records == 1 ? "" : "s", provider.title, *summary.provider_total));
  if (mismatches.empty()) return;
  throw Fatal(ErrorKind::incomplete,
              fmt::format("{} (--strict); records were added or deleted during the export: export again, or drop "
                          "--strict to accept the files as read",
                          fmt::join(mismatches, "; ")));
}

// One connection's export of args.types; a failure is thrown. `store_lock` guards `store` for
// every connection of the run.
void export_connection(const Context& context, ExportArgs args, store::Store& store, std::mutex& store_lock,
                       const store::Connection& connection) {
  const auto started_at = now_rfc3339();
  const auto& provider = provider_named(connection.provider);
  const auto& version = api_version(provider, connection.api_version, args.api_version);

  auto types = types_named(provider, version, args.types);
  args.options.api_version = version.name;
  std::vector<std::string> type_names;
  for (const auto* type : types) type_names.push_back(type->name);
  auto plan = plan_output(type_names, args.output, args.format);

  output::WriterOptions writer_options;
  writer_options.fields = split_fields(args.fields);
  if (version.fields_name_properties && !writer_options.fields.empty()) {
    // --fields names the properties to ask for; CSV columns follow them (records keep their
    // values under "properties").
    args.options.properties = std::exchange(writer_options.fields, {});
    if (plan.format == output::Format::csv) {
      writer_options.fields.push_back("id");
      for (const auto& property : args.options.properties) writer_options.fields.push_back("properties." + property);
    }
  }
  if (!writer_options.fields.empty() && plan.format != output::Format::csv)
    throw Fatal(ErrorKind::usage, "--fields chooses CSV columns; add -f csv (or write to a .csv file)");
  args.options.associations = split_fields(args.associations);
  if (args.resume && !args.options.cursor.empty())
    throw Fatal(ErrorKind::usage, "--resume goes on from the cursor saved beside the partial file; give --resume or "
                                  "--cursor, not both");
  if (args.resume && !plan.destinations.front().path)
    throw Fatal(ErrorKind::usage, "--resume continues a file: give -o FILE or -o DIR/ as the interrupted run did "
                                  "(on stdout, resume with the --cursor it printed)");
  if (!args.options.cursor.empty() && types.size() > 1)
    throw Fatal(ErrorKind::usage, "--cursor resumes one type; name only the type it was printed for");
  if (!args.since.empty()) {
    auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    args.options.since = value_or_throw(parse_since(args.since, now));
  }
  args.options.params = parse_params(args.params);
  auto filter_order = filter_order_params(provider, args);
  for (const auto* type : types) {
    check_orderable(provider, *type, args);
    for (const auto& [name, value] : filter_order)
      if (args.options.since && type->since && name == type->since->param)
        throw Fatal(ErrorKind::usage, fmt::format("--since sets {} for {} already; give either --since or that "
                                                  "--filter, not both",
                                                  name, type->name));
  }
  for (auto& param : filter_order) args.options.params.push_back(std::move(param));

  if (args.labels && args.raw) throw Fatal(ErrorKind::usage, "--labels and --raw contradict each other; give one");
  // CSV is for reading, so it is readable unless --raw; NDJSON and JSON stay exact unless --labels.
  bool labels = args.labels || (plan.format == output::Format::csv && !args.raw);
  if (args.refresh_names && !labels)
    throw Fatal(ErrorKind::usage, "--refresh-names renames the fields of readable records; give --labels too (or "
                                  "write CSV without --raw)");

  auto session = open_session(context, connection);
  auto budget = make_budget(provider, args.limits);
  session->set_budget(budget.get());
  const ExportPlan export_plan{*session,      store,  store_lock,  connection,         version,      plan.format,
                               writer_options, labels, args.labels, args.refresh_names, args.options, args.resume,
                               plan.folder || args.summary_json};
  // Several types at once only into files: on stdout their records would interleave.
  int jobs = plan.destinations.size() > 1 && plan.destinations.front().path ? args.limits.jobs : 1;
  std::vector<engine::TypeSummary> summaries(types.size());
  std::vector<char> done_before(types.size(), 0);  // -o DIR/ --resume: finished by an earlier run
  if (plan.folder && args.resume) leave_finished(*plan.folder, plan.destinations, summaries, done_before);
  // What each type's worker hands back: an exception ends the run once every worker is done,
  // and no type starts after one failed (a refused token or a spent budget fails them all).
  std::vector<std::exception_ptr> failures(types.size());
  std::vector<std::string> cursors(types.size());
  std::atomic<bool> failed{false};
  engine::run_parallel(types.size(), jobs, [&](size_t i) {
    if (failed || done_before[i]) return;
    try {
      export_one(export_plan, *types[i], plan.destinations[i], cursors[i], summaries[i]);
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
    summary.status = engine::TypeStatus::not_started;
  }
  for (size_t i = 0; i < types.size(); ++i)
    if (plan.destinations[i].path)
      summaries[i].file = plan.folder ? fs::path(*plan.destinations[i].path).filename().string()
                                      : *plan.destinations[i].path;
  report_run(args, connection, version, plan, started_at, summaries);
  throw_first_failure(failures, summaries);
  if (args.strict) check_totals(provider, summaries);
}

// Every connection whose provider has some of the types, each into DIR/CONNECTION/ with its own
// Session; one connection's failure is reported and the others go on.
void export_all(const Context& context, const ExportArgs& args, store::Store& store) {
  if (args.output.empty() || !args.output.ends_with('/'))
    throw Fatal(ErrorKind::usage, "--all writes DIR/CONNECTION/TYPE.EXT: give -o DIR/ (a folder, ending in /)");
  if (!args.options.cursor.empty())
    throw Fatal(ErrorKind::usage, "--cursor resumes one type of one connection; leave out --all");
  if (!args.api_version.empty())
    throw Fatal(ErrorKind::usage, "--api-version applies to one connection; with --all, each uses its own");
  std::vector<std::string> words = args.types;
  if (!args.connection.empty()) words.insert(words.begin(), args.connection);
  if (words.empty()) throw Fatal(ErrorKind::usage, "name the types to export: `crmexport export --all TYPE... -o DIR/`");
  auto plan = plan_connections(store, true, NamedWords{{}, std::move(words)});
  std::vector<engine::ConnectionOutcome> outcomes;
  for (const auto& item : plan) {
    auto& outcome = outcomes.emplace_back();
    outcome.connection = item.connection.name;
    outcome.provider = item.connection.provider;
    outcome.absent_types = item.absent_types;
  }
  std::mutex store_lock;
  auto connection_args = args;
  connection_args.limits.jobs = engine::jobs_per_connection(args.connections_in_parallel, args.limits.jobs);
  engine::run_fleet(outcomes, args.connections_in_parallel, [&](size_t i, engine::ConnectionOutcome& outcome) {
    const auto& item = plan[i];
    if (item.types.empty()) return;
    auto one = connection_args;
    one.types.clear();
    for (const auto* type : item.types) one.types.push_back(type->name);
    one.output = args.output + item.connection.name + "/";
    try {
      export_connection(context, std::move(one), store, store_lock, item.connection);
      for (const auto* type : item.types) outcome.types.push_back({type->name, true, std::nullopt, std::nullopt});
    } catch (const Fatal& fatal) {  // this connection's end; the others go on
      outcome.error = fatal.error();
    }
  });
  report_outcomes(outcomes);
  if (auto failure = engine::fleet_failure(outcomes, "are written")) throw Fatal(std::move(*failure));
}

void run(const Context& context, ExportArgs& args) {
  install_interrupt_handlers();
  auto store = context.open_store();
  if (args.all) return export_all(context, args, store);
  auto connection = resolve_connection(store, args.connection);
  std::mutex store_lock;
  export_connection(context, args, store, store_lock, connection);
}

}  // namespace

void register_export_command(CLI::App& app, Context& context) {
  auto args = std::make_shared<ExportArgs>();
  auto* command = app.add_subcommand("export", "export every record of the given types");
  command->add_option("connection", args->connection, "connection name, or provider name when it has one connection");
  command->add_option("types", args->types, "types to export (`crmexport providers` lists them)");
  command->add_flag("--all", args->all, "export the types of every connection in the store, to -o DIR/CONNECTION/");
  command->add_option("--connections-in-parallel", args->connections_in_parallel,
                      fmt::format("with --all, connections exported at once (default {})",
                                  k_default_connections_in_parallel))
      ->check(at_least_one());
  command->add_option("-f,--format", args->format, "ndjson (default), json or csv");
  command->add_option("-o,--output", args->output, "FILE, or DIR/ for one file per type (default: stdout)");
  command->add_option("--page-size", args->options.page_size, "records per request (default: the provider's maximum)")
      ->check(at_least_one());
  command->add_option("--max-records", args->options.max_records, "stop after this many records")
      ->check(at_least_one());
  command->add_option("--max-pages", args->options.max_pages, "stop after this many pages")->check(at_least_one());
  command->add_option("--cursor", args->options.cursor, "resume where an earlier run stopped (it printed the cursor)");
  command->add_option("--since", args->since, "only records updated since TIME (2024-03-05, 2024-03-05T10:00:00Z, 7d)");
  command->add_option("--fields", args->fields,
                      "CSV columns, comma-separated dot paths (HubSpot v3: the properties to export, any format)");
  command->add_option("--associations", args->associations,
                      "include the ids of these associated types, comma-separated (HubSpot v3)");
  command->add_flag("--archived", args->options.archived, "export archived records instead of live ones (HubSpot v3)");
  command->add_flag("--labels", args->labels,
                    "readable records: custom fields by name, option values as labels (CSV: the default)");
  command->add_flag("--raw", args->raw, "CSV: keys and option ids exactly as the provider sends them");
  command->add_flag("--refresh-names", args->refresh_names, k_refresh_names_help);
  command->add_option("--param", args->params, "KEY=VALUE query parameter passed to the provider (repeatable)");
  command->add_option("--filter", args->filters,
                      "FIELD=VALUE: only matching records, as the provider's filters[FIELD] (repeatable)");
  command->add_option("--order", args->orders,
                      "FIELD:asc|desc: the provider's sort order, as orders[FIELD] (repeatable, in order)");
  command->add_option("--api-version", args->api_version, "API version (`crmexport providers` lists them)");
  command->add_flag("--resume", args->resume,
                    "continue the FILE.partial an interrupted -o run left (-o DIR/: each unfinished type)");
  command->add_flag("--summary-json", args->summary_json,
                    "print what was exported as JSON (the manifest): on stdout, or stderr when records go there");
  command->add_flag("--strict", args->strict,
                    "exit 6 when a type's count differs from the total the provider reported");
  add_run_limit_options(*command, args->limits);
  command->callback([&context, args] {
    // Required unless --all (which takes every word as a type), so CLI11 cannot say it itself.
    if (!args->all && args->connection.empty()) throw CLI::RequiredError("connection");
    if (!args->all && args->types.empty()) throw CLI::RequiredError("types");
    run(context, *args);
  });
}

}  // namespace crmexport::cmd
