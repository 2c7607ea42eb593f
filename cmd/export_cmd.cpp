// `crmexport export CONNECTION TYPE...`: every record of each type, to stdout or files.
#include <fmt/ranges.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <utility>

#include "cmd/commands.hpp"
#include "cmd/output_plan.hpp"
#include "cmd/readable.hpp"
#include "cmd/run_limits.hpp"
#include "lib/auth/oauth.hpp"
#include "lib/core/interrupt.hpp"
#include "lib/core/log.hpp"
#include "lib/engine/export.hpp"
#include "lib/engine/parallel.hpp"
#include "lib/output/atomic_file.hpp"
#include "lib/output/stream_io.hpp"

namespace crmexport::cmd {
namespace {

struct ExportArgs {
  std::string connection;
  std::vector<std::string> types;
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

// Wraps an auth failure with what to do about it for this connection: for OAuth, `auth login`
// (a refused refresh names it already), never a static token.
Error with_auth_hint(Error error, const store::Connection& connection) {
  if (connection.auth_kind == "oauth2") {
    if (error.kind == ErrorKind::auth && error.message.find("crmexport auth login") == std::string::npos) {
      auto secret = auth::OAuthSecret::from_json(connection.secret);
      error.message += fmt::format("; re-authorise with `crmexport auth login {} --name {} --client-id {}`",
                                   connection.provider, connection.name,
                                   secret && !secret->client_id.empty() ? secret->client_id : "CLIENT_ID");
    }
    return error;
  }
  if (error.kind == ErrorKind::auth && error.http_status != 0)
    error.message = fmt::format(
        "{} rejected the credentials of connection '{}' ({}); re-authenticate with "
        "`crmexport auth add {} --name {} --force --token-stdin`",
        connection.provider, connection.name, error.message, connection.provider, connection.name);
  return error;
}

// Where an interrupted type stands, in one line: for stdout, the cursor after the last page
// written; for a file (whose temporary file goes), the cursor this run began with.
Error interrupted_report(const providers::TypeSpec& type, const Destination& destination, const std::string& started_at,
                         const engine::ExportResult& result) {
  Error error = interrupted_error();
  const std::string resume_at = destination.path ? started_at : result.resume_cursor.value_or("");
  std::string kept = destination.path
                         ? fmt::format("nothing was written to {} (its temporary file is removed)", *destination.path)
                         : fmt::format("{} record{} of it went to stdout", result.records, result.records == 1 ? "" : "s");
  error.message = fmt::format("{}: {} before the end; {}; {}", type.name, error.message, kept,
                              resume_at.empty() ? "run the export again"
                                                : fmt::format("resume with --cursor '{}'", resume_at));
  return error;
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
};

// One type from its first (or resumed) page to its file or stdout; a failure is thrown. A run
// that stopped before the end leaves its resume line in `cursor`, printed after every type ends.
void export_one(const ExportPlan& plan, const providers::TypeSpec& type, const Destination& destination,
                std::string& cursor) {
  log::TypeScope log_type(type.name);
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
  try {
    std::optional<output::AtomicFile> file;
    if (destination.path) file.emplace(output::AtomicFile::create(*destination.path));
    std::FILE* stream = file ? file->stream() : stdout;
    auto writer = output::make_writer(plan.format, stream, writer_options);
    engine::Progress progress(type.name, engine::progress_wanted());

    auto result = engine::export_type(plan.session, type, options, *writer, progress);
    progress.finish();
    if (result && result->interrupted) {
      if (!file) writer->finish();  // stdout stays well-formed (a JSON array closed, spooled CSV written)
      throw Fatal(interrupted_report(type, destination, plan.options.cursor, *result));
    }
    if (!result) throw Fatal(with_auth_hint(std::move(result.error()), plan.connection));
    writer->finish();
    if (file) file->commit();
    log::info("{}: {} record{} in {} page{}{}{}{}", type.name, result->records, result->records == 1 ? "" : "s",
              result->pages, result->pages == 1 ? "" : "s",
              spent_text(plan.session.provider(), result->requests, result->tokens),
              readable.requests ? fmt::format(", {} field metadata request{}", readable.requests,
                                              readable.requests == 1 ? "" : "s")
                                : "",
              destination.path ? " -> " + *destination.path : "");
    if (result->resume_cursor)
      cursor = fmt::format("{}: stopped before the end as asked{}; resume with --cursor '{}'", type.name,
                           result->budget_stopped ? " (--max-requests/--max-tokens)" : "", *result->resume_cursor);
  } catch (const output::WriteFailed& failed) {
    // The writers see a stream; the file's name is known here. By now its temporary file is gone.
    if (!destination.path || failed.action() != output::k_write_output) throw;
    throw Fatal(ErrorKind::runtime,
                fmt::format("cannot write {}: {}; the file was not created or changed{}", *destination.path,
                            std::strerror(failed.error_number()),
                            failed.error_number() == ENOSPC ? " (free some space, or write elsewhere with -o)" : ""));
  }
}

void run(const Context& context, ExportArgs& args) {
  install_interrupt_handlers();
  auto store = context.open_store();
  auto connection = resolve_connection(store, args.connection);
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
  std::mutex store_lock;
  const ExportPlan export_plan{*session, store,  store_lock, connection, version,
                               plan.format, writer_options, labels, args.labels, args.refresh_names,
                               args.options};
  // Several types at once only into files: on stdout their records would interleave.
  int jobs = plan.destinations.size() > 1 && plan.destinations.front().path ? args.limits.jobs : 1;
  // What each type's worker hands back: an exception ends the run once every worker is done,
  // and no type starts after one failed (a refused token or a spent budget fails them all).
  std::vector<std::exception_ptr> failures(types.size());
  std::vector<std::string> cursors(types.size());
  std::vector<char> written(types.size(), 0);
  std::atomic<bool> failed{false};
  engine::run_parallel(types.size(), jobs, [&](size_t i) {
    if (failed) return;
    try {
      export_one(export_plan, *types[i], plan.destinations[i], cursors[i]);
      written[i] = 1;
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
  std::vector<std::string> complete, not_started;
  for (size_t i = 0; i < types.size(); ++i) {
    if (written[i]) complete.push_back(types[i]->name);
    else if (!failures[i]) not_started.push_back(types[i]->name);
  }
  for (const auto& failure : failures) {
    if (!failure) continue;
    try {
      std::rethrow_exception(failure);
    } catch (Fatal& fatal) {
      Error error = fatal.error();
      if (!complete.empty())
        error.message += fmt::format(" ({} {} written completely)", fmt::join(complete, ", "),
                                     complete.size() == 1 ? "was" : "were");
      if (!not_started.empty()) error.message += fmt::format("; not started: {}", fmt::join(not_started, ", "));
      throw Fatal(std::move(error));
    }
  }
}

}  // namespace

void register_export_command(CLI::App& app, Context& context) {
  auto args = std::make_shared<ExportArgs>();
  auto* command = app.add_subcommand("export", "export every record of the given types");
  command->add_option("connection", args->connection, "connection name, or provider name when it has one connection")
      ->required();
  command->add_option("types", args->types, "types to export (`crmexport providers` lists them)")->required();
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
  add_run_limit_options(*command, args->limits);
  command->callback([&context, args] { run(context, *args); });
}

}  // namespace crmexport::cmd
