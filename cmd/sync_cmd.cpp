// `crmexport sync CONNECTION [TYPE...] --db PATH`: an incremental, resumable mirror in SQLite.
// Wiring only: the steps of a run are in lib/engine/sync.cpp, the database in lib/mirror/.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <optional>

#include "cmd/commands.hpp"
#include "cmd/run_limits.hpp"
#include "lib/core/interrupt.hpp"
#include "lib/core/log.hpp"
#include "cmd/readable.hpp"
#include "lib/engine/labels.hpp"
#include "lib/engine/parallel.hpp"
#include "lib/engine/sync.hpp"

namespace crmexport::cmd {
namespace {

struct SyncArgs {
  std::string connection;
  std::vector<std::string> types;
  std::string db;
  std::string since;
  std::string api_version;
  bool json = false;
  bool refresh_names = false;  // --refresh-names
  engine::SyncOptions options;
  RunLimits limits;
};

std::string summary_line(const providers::Provider& provider, const engine::SyncReport& r) {
  return fmt::format("{}: {}{}, fetched {}, inserted {}, updated {}, deleted {}{}{}, {:.1f} s{}", r.type, r.mode,
                     r.resumed ? " (resumed)" : "", r.fetched, r.inserted, r.updated, r.deleted,
                     spent_text(provider, r.requests, r.tokens),
                     r.field_requests ? fmt::format(" + {} for field metadata", r.field_requests) : "", r.seconds,
                     r.budget_stopped ? "; stopped before the end (--max-requests/--max-tokens): the next sync "
                                        "resumes it"
                                      : "");
}

std::string summary_json(const std::string& connection, const std::string& db,
                         const std::vector<engine::SyncReport>& reports) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("connection");
  w.String(connection);
  w.Key("db");
  w.String(db);
  w.Key("types");
  w.StartObject();
  for (const auto& r : reports) {
    w.Key(r.type.c_str());
    w.StartObject();
    w.Key("mode");
    w.String(r.mode);
    w.Key("resumed");
    w.Bool(r.resumed);
    w.Key("since");
    if (r.since)
      w.String(format_time(*r.since, TimeFormat::rfc3339));
    else
      w.Null();
    w.Key("fetched");
    w.Int64(r.fetched);
    w.Key("inserted");
    w.Int64(r.inserted);
    w.Key("updated");
    w.Int64(r.updated);
    w.Key("deleted");
    w.Int64(r.deleted);
    w.Key("requests");
    w.Int64(r.requests);
    w.Key("field_requests");
    w.Int64(r.field_requests);
    w.Key("tokens");
    w.Int64(r.tokens);
    w.Key("complete");
    w.Bool(!r.budget_stopped);
    w.Key("pages");
    w.Int64(r.pages);
    w.Key("seconds");
    w.Double(r.seconds);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

void run(const Context& context, SyncArgs& args) {
  install_interrupt_handlers();
  auto store = context.open_store();
  auto connection = resolve_connection(store, args.connection);
  const auto& provider = provider_named(connection.provider);
  const auto& version = api_version(provider, connection.api_version, args.api_version);

  auto types = types_named(provider, version, args.types);
  if (types.empty())
    for (const auto& type : version.types) types.push_back(&type);
  if (args.options.full && !args.since.empty())
    throw Fatal(ErrorKind::usage, "--full re-reads everything and --since reads from a time: give one of them");
  if (!args.since.empty()) {
    auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    args.options.since = value_or_throw(parse_since(args.since, now));
  }

  auto mirror = value_or_throw(mirror::Mirror::open(args.db));
  auto session = open_session(context, connection);
  auto budget = make_budget(provider, args.limits);
  session->set_budget(budget.get());
  std::mutex mirror_lock;
  args.options.mirror_lock = &mirror_lock;
  std::vector<std::optional<engine::SyncReport>> done(types.size());
  std::vector<std::optional<Error>> failures(types.size());
  std::atomic<bool> failed{false};
  // No type starts after one failed; those already reading finish, each page saved as it comes.
  engine::run_parallel(types.size(), args.limits.jobs, [&](size_t i) {
    if (failed) return;
    log::TypeScope log_type(types[i]->name);
    auto report = engine::sync_type(*session, mirror, *types[i], version.name, args.options);
    if (!report) {
      auto error = std::move(report.error());
      error.message +=
          fmt::format("; pages already read are saved, and the next sync resumes {} from there", types[i]->name);
      failures[i] = std::move(error);
      failed = true;
      return;
    }
    // The fields table and the labeled view follow the account's fields on every sync; the
    // mirror and the store have one writer at a time.
    auto field_requests =
        engine::refresh_mirror_fields(*session, mirror, store, *types[i], args.refresh_names, &mirror_lock);
    if (!field_requests) {
      auto error = std::move(field_requests.error());
      error.message += fmt::format("; the records of {} are saved, only its field metadata is not", types[i]->name);
      failures[i] = std::move(error);
      failed = true;
      return;
    }
    report->field_requests = *field_requests;
    log::info("{}", summary_line(provider, *report));
    done[i] = std::move(*report);
  });
  for (size_t i = 0; i < types.size(); ++i) {
    if (failures[i]) throw Fatal(std::move(*failures[i]));
  }
  std::vector<engine::SyncReport> reports;
  for (auto& report : done) reports.push_back(std::move(*report));
  if (args.json) {
    std::fputs((summary_json(connection.name, args.db, reports) + "\n").c_str(), stdout);
    std::fflush(stdout);
  }
}

}  // namespace

void register_sync_command(CLI::App& app, Context& context) {
  auto args = std::make_shared<SyncArgs>();
  auto* command = app.add_subcommand("sync", "mirror every record into a SQLite database, incrementally and resumably");
  command->add_option("connection", args->connection, "connection name, or provider name when it has one connection")
      ->required();
  command->add_option("types", args->types, "types to sync (default: all of the provider's types)");
  command->add_option("--db", args->db, "the mirror database (SQLite; created when missing)")->required();
  command->add_flag("--full", args->options.full, "re-read every record (and mark records gone upstream as deleted)");
  command->add_option("--since", args->since, "read records updated since TIME instead of since the last sync");
  command->add_option("--page-size", args->options.page_size, "records per request (default: the provider's maximum)")
      ->check(at_least_one());
  command->add_option("--api-version", args->api_version, "API version (`crmexport providers` lists them)");
  command->add_flag("--json", args->json, "print the summary as one JSON object on stdout");
  command->add_flag("--refresh-names", args->refresh_names, k_refresh_names_help);
  add_run_limit_options(*command, args->limits);
  command->callback([&context, args] { run(context, *args); });
}

}  // namespace crmexport::cmd
