// `crmexport export CONNECTION TYPE...`: every record of each type, to stdout or files;
// `crmexport export --all TYPE... -o DIR/`: the same for every connection, into DIR/CONNECTION/.
// Wiring only: the options become an engine::ExportRequest; the run (types to files or stdout,
// partial files, the manifest, --strict) is lib/engine/export_run.cpp, one type's pages
// lib/engine/export.cpp.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "cmd/commands.hpp"
#include "cmd/many_connections.hpp"
#include "cmd/output_plan.hpp"
#include "cmd/readable.hpp"
#include "cmd/run_limits.hpp"
#include "lib/core/interrupt.hpp"
#include "lib/core/log.hpp"
#include "lib/core/time.hpp"
#include "lib/engine/export_run.hpp"
#include "lib/output/path_inside.hpp"

namespace crmexport::cmd {
namespace {

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

// One connection's export of args.types as the engine's request, with the connection's Session
// opened; a usage error is thrown. `store_lock` guards `store` for every connection of the run.
engine::PreparedExport prepare_export(const Context& context, ExportArgs args, store::Store& store,
                                      std::mutex& store_lock, const store::Connection& connection) {
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

  engine::PreparedExport prepared{{open_session(context, connection), nullptr}, std::nullopt};
  prepared.opened.budget = make_budget(provider, args.limits);
  prepared.opened.session->set_budget(prepared.opened.budget.get());
  std::FILE* summary_json = nullptr;  // stdout when records went to files, stderr when they went to stdout
  if (args.summary_json) summary_json = plan.destinations.front().path ? stdout : stderr;
  prepared.request.emplace(
      engine::ExportRequest{*prepared.opened.session, store, store_lock, connection, version, std::move(types),
                            std::move(plan), std::move(writer_options), std::move(args.options), labels, args.labels,
                            args.refresh_names, args.resume, args.strict, summary_json, args.limits.jobs,
                            [&connection](Error error) { return with_auth_hint(std::move(error), connection); }});
  return prepared;
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
  std::vector<engine::ConnectionToRun> todo;
  for (auto& item : plan_connections(store, true, NamedWords{{}, std::move(words)}))
    todo.push_back(
        {item.connection, item.version ? item.version->name : "", item.types, item.absent_types, item.refused});
  std::mutex store_lock;
  auto connection_args = args;
  connection_args.limits.jobs = engine::jobs_per_connection(args.connections_in_parallel, args.limits.jobs);
  const auto began = std::chrono::steady_clock::now();
  auto outcomes =
      engine::export_connections(todo, args.connections_in_parallel, [&](const engine::ConnectionToRun& item) {
        auto one = connection_args;
        one.types.clear();
        for (const auto* type : item.types) one.types.push_back(type->name);
        one.output = value_or_throw(output::path_inside(args.output, item.connection.name)).string() + "/";
        return prepare_export(context, std::move(one), store, store_lock, item.connection);
      });
  report_outcomes(outcomes);
  log::info("{}", engine::fleet_summary(outcomes, {"written", "wrote"},
                                        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count()));
  if (auto failure = engine::fleet_failure(outcomes, "written")) throw Fatal(std::move(*failure));
}

void run(const Context& context, ExportArgs& args) {
  install_interrupt_handlers();
  auto store = context.open_store();
  if (args.all) return export_all(context, args, store);
  auto connection = resolve_connection(store, args.connection);
  std::mutex store_lock;
  auto prepared = prepare_export(context, args, store, store_lock, connection);
  engine::export_connection(*prepared.request);
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
