// `crmexport sync CONNECTION [TYPE...] --db PATH|URI`: an incremental, resumable mirror in SQLite
// or PostgreSQL;
// `sync CONN1 CONN2 ... [TYPE...]` and `sync --all [TYPE...]`: many connections into one mirror.
// Wiring only: the steps of a run are in lib/engine/sync.cpp, many connections in
// lib/engine/sync_connection.cpp, the database in lib/mirror/.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <mutex>
#include <optional>

#include "cmd/commands.hpp"
#include "cmd/many_connections.hpp"
#include "cmd/readable.hpp"
#include "cmd/run_limits.hpp"
#include "lib/core/interrupt.hpp"
#include "lib/core/log.hpp"
#include "lib/engine/progress.hpp"
#include "lib/engine/sync.hpp"
#include "lib/engine/sync_connection.hpp"
#include "lib/json/write.hpp"

namespace crmexport::cmd {
namespace {

struct SyncArgs {
  std::string connection;
  std::vector<std::string> types;
  bool all = false;  // --all: every connection in the store
  int connections_in_parallel = k_default_connections_in_parallel;
  std::string db;
  std::string since;
  std::string api_version;
  bool json = false;
  engine::SyncOptions options;
  RunLimits limits;
};

std::string summary_line(const providers::Provider& provider, const engine::SyncReport& r) {
  return fmt::format("{}: {}{}, fetched {}, inserted {}, updated {}, deleted {}{}, {:.1f} s{}{}", r.type, r.mode,
                     r.resumed ? " (resumed)" : "", r.fetched, r.inserted, r.updated, r.deleted,
                     engine::spent_text(provider, r.requests, r.tokens), r.seconds, engine::phases_text(r.phases),
                     r.budget_stopped ? "; stopped before the end (--max-requests/--max-tokens): the next sync "
                                        "resumes it"
                                      : "");
}

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// One synced type's members in --json.
void write_report(JsonWriter& w, const engine::SyncReport& r) {
  w.Key("mode");
  w.String(r.mode);
  w.Key("resumed");
  w.Bool(r.resumed);
  w.Key("since");
  if (r.since)
    w.String(format_time(*r.since, TimeFormat::rfc3339));
  else
    w.Null();
  json::int_member(w, "fetched", r.fetched);
  json::int_member(w, "inserted", r.inserted);
  json::int_member(w, "updated", r.updated);
  json::int_member(w, "deleted", r.deleted);
  // "requests": every request of the type but its field metadata's (its records' and its deletions'),
  // as before phases were told apart; "phases" says each one's part.
  json::int_member(w, "requests", r.requests + engine::requests_of(r.phases) - r.field_requests);
  json::int_member(w, "field_requests", r.field_requests);
  w.Key("phases");
  w.StartObject();
  for (const auto& phase : r.phases) {
    w.Key(phase.name.c_str());
    w.StartObject();
    json::int_member(w, "requests", phase.requests);
    json::number_member(w, "seconds", phase.seconds);
    w.EndObject();
  }
  w.EndObject();
  json::int_member(w, "tokens", r.tokens);
  w.Key("complete");
  w.Bool(!r.budget_stopped);
  json::int_member(w, "pages", r.pages);
  json::optional_int_member(w, "provider_total", r.provider_total);
  json::number_member(w, "seconds", r.seconds);
}

std::string summary_json(const std::string& connection, const std::string& db,
                         const std::vector<engine::SyncReport>& reports) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
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
    write_report(w, r);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

void write_error(JsonWriter& w, const Error* error) {
  w.Key("error");
  if (error)
    w.String(error->message);
  else
    w.Null();
  w.Key("exit_code");
  w.Int(error ? exit_code(error->kind) : 0);
}

// A run over many connections: each connection's status, error and exit code, and its types as
// one connection's summary has them, with a status each ("synced", "failed", "not_started").
std::string many_summary_json(const std::string& db, const std::vector<engine::ConnectionOutcome>& outcomes,
                              const std::optional<Error>& failure) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("db");
  w.String(db);
  write_error(w, failure ? &*failure : nullptr);
  w.Key("connections");
  w.StartObject();
  for (const auto& outcome : outcomes) {
    w.Key(outcome.connection.c_str());
    w.StartObject();
    w.Key("provider");
    w.String(outcome.provider);
    w.Key("status");
    w.String(outcome.skipped ? "skipped" : outcome.failure() ? "failed" : "synced");
    write_error(w, outcome.error ? &*outcome.error : outcome.failure());
    w.Key("absent_types");
    w.StartArray();
    for (const auto& type : outcome.absent_types) w.String(type);
    w.EndArray();
    w.Key("types");
    w.StartObject();
    for (const auto& type : outcome.types) {
      w.Key(type.type.c_str());
      w.StartObject();
      w.Key("status");
      w.String(type.done ? "synced" : type.error ? "failed" : "not_started");
      if (type.report) write_report(w, *type.report);
      if (type.error) write_error(w, &*type.error);
      w.EndObject();
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

void print_json(const std::string& text) {
  std::fputs((text + "\n").c_str(), stdout);
  std::fflush(stdout);
}

// One connection, as before many could be named: the first failure ends the run with its own code.
void run_one(const Context& context, SyncArgs& args, store::Store& store, const std::string& name,
             const std::vector<std::string>& type_names) {
  auto connection = resolve_connection(store, name);
  const auto& provider = provider_named(connection.provider);
  const auto& version = api_version(provider, connection.api_version, args.api_version);

  auto types = types_named(provider, version, type_names);
  if (types.empty())
    for (const auto& type : version.types) types.push_back(&type);

  auto mirror = value_or_throw(mirror::Mirror::open(args.db));
  // Before any request: a connection another process is syncing into this mirror is left to it.
  auto claim = value_or_throw(mirror->claim(connection.name));
  if (!claim)
    throw Fatal(ErrorKind::runtime, fmt::format("another crmexport process is syncing {} into {}; nothing was "
                                                "changed; run this sync again when it has finished",
                                                connection.name, mirror->location()));
  auto session = open_session(context, connection);
  auto budget = make_budget(provider, args.limits);
  session->set_budget(budget.get());
  std::mutex mirror_lock;
  args.options.mirror_lock = &mirror_lock;
  engine::ConnectionSyncPlan plan{*session, *mirror, store, types, version.name, args.options, args.limits.jobs};
  auto outcomes = engine::sync_connection(
      plan, [&](const engine::SyncReport& report) { log::info("{}", summary_line(provider, report)); });
  std::vector<engine::SyncReport> reports;
  for (auto& outcome : outcomes) {
    if (outcome.error) throw Fatal(std::move(*outcome.error));
    reports.push_back(std::move(*outcome.report));
  }
  if (args.json) print_json(summary_json(connection.name, mirror->location(), reports));
}

// Many connections into one mirror: each its own Session, a failure stays its connection's.
void run_many(const Context& context, SyncArgs& args, store::Store& store, const NamedWords& words) {
  // In seconds, as the mirror keeps times: a connection another process finished in this very
  // second counts as synced this round.
  const auto round_started = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  if (!args.api_version.empty())
    throw Fatal(ErrorKind::usage, "--api-version applies to one connection; with several, each uses its own "
                                  "(`crmexport auth add ... --api-version V --force` changes it)");
  std::vector<engine::ConnectionToRun> todo;
  for (auto& item : plan_connections(store, args.all, words))
    todo.push_back(
        {item.connection, item.version ? item.version->name : "", item.types, item.absent_types, item.refused});

  auto mirror = value_or_throw(mirror::Mirror::open(args.db));
  std::mutex mirror_lock;
  args.options.mirror_lock = &mirror_lock;
  engine::ManySyncPlan plan{*mirror,
                            store,
                            args.options,
                            args.connections_in_parallel,
                            engine::jobs_per_connection(args.connections_in_parallel, args.limits.jobs),
                            round_started,
                            {},
                            {}};
  plan.open = [&](const store::Connection& connection) -> Result<engine::OpenedConnection> {
    try {
      engine::OpenedConnection opened{open_session(context, connection), nullptr};
      opened.budget = make_budget(opened.session->provider(), args.limits);
      opened.session->set_budget(opened.budget.get());
      return opened;
    } catch (const Fatal& fatal) {  // this connection cannot start; the others go on
      return std::unexpected(fatal.error());
    }
  };
  plan.on_synced = [](const engine::Session& session, const engine::SyncReport& report) {
    log::info("{}", summary_line(session.provider(), report));  // headed with the connection by the log
  };
  const auto began = std::chrono::steady_clock::now();
  auto outcomes = engine::sync_connections(plan, todo);
  for (size_t i = 0; i < outcomes.size(); ++i) {
    auto hint = [&](std::optional<Error>& error) {
      if (error) error = with_auth_hint(std::move(*error), todo[i].connection);
    };
    hint(outcomes[i].error);
    for (auto& type : outcomes[i].types) hint(type.error);
  }
  report_outcomes(outcomes);
  log::info("{}", engine::fleet_summary(outcomes, {"synced", "synced"},
                                        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count()));
  auto failure = engine::fleet_failure(outcomes, "synced");
  if (args.json) print_json(many_summary_json(args.db, outcomes, failure));
  if (failure) throw Fatal(std::move(*failure));
}

void run(const Context& context, SyncArgs& args) {
  install_interrupt_handlers();
  if (args.options.full && !args.since.empty())
    throw Fatal(ErrorKind::usage, "--full re-reads everything and --since reads from a time: give one of them");
  if (!args.since.empty()) {
    auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    args.options.since = value_or_throw(parse_since(args.since, now));
  }
  auto store = context.open_store();
  std::vector<std::string> words = args.types;
  if (!args.connection.empty()) words.insert(words.begin(), args.connection);
  auto named = split_words(store, args.all, std::move(words));
  if (!args.all && named.connections.size() == 1 && !names_mistyped_connection(store, named))
    return run_one(context, args, store, named.connections[0], named.types);
  run_many(context, args, store, named);
}

}  // namespace

void register_sync_command(CLI::App& app, Context& context) {
  auto args = std::make_shared<SyncArgs>();
  auto* command = app.add_subcommand("sync", "mirror every record into SQLite or PostgreSQL, incrementally and resumably");
  command->add_option("connection", args->connection,
                      "connection name, or provider name when it has one connection (more may follow)");
  command->add_option("types", args->types,
                      "more connections, then types to sync (default: all of each provider's types)");
  command->add_flag("--all", args->all, "sync every connection in the store");
  command->add_option("--connections-in-parallel", args->connections_in_parallel,
                      fmt::format("connections synced at once with several (default {}; connections x --jobs is "
                                  "held to {} threads)",
                                  k_default_connections_in_parallel, engine::k_max_workers))
      ->check(at_least_one());
  command->add_option("--db", args->db, "the mirror: a SQLite file (created when missing) or a postgresql:// URI")->required();
  command->add_flag("--full", args->options.full, "re-read every record (and mark records gone upstream as deleted)");
  command->add_option("--since", args->since, "read records updated since TIME instead of since the last sync");
  command->add_option("--page-size", args->options.page_size, "records per request (default: the provider's maximum)")
      ->check(at_least_one());
  command->add_option("--api-version", args->api_version, "API version (`crmexport providers` lists them)");
  command->add_flag("--json", args->json, "print the summary as one JSON object on stdout");
  command->add_flag("--refresh-names", args->options.refresh_names, k_refresh_names_help);
  add_run_limit_options(*command, args->limits);
  command->callback([&context, args] {
    // Required unless --all, so CLI11 cannot say it itself.
    if (!args->all && args->connection.empty()) throw CLI::RequiredError("connection");
    run(context, *args);
  });
}

}  // namespace crmexport::cmd
