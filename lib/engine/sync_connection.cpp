#include "lib/engine/sync_connection.hpp"

#include <fmt/format.h>

#include <atomic>
#include <memory>
#include <mutex>

#include "lib/core/log.hpp"
#include "lib/engine/labels.hpp"
#include "lib/engine/parallel.hpp"
#include "lib/engine/progress.hpp"

namespace crmexport::engine {

std::vector<TypeOutcome> sync_connection(const ConnectionSyncPlan& plan,
                                         const std::function<void(const SyncReport&)>& on_synced) {
  std::vector<TypeOutcome> outcomes(plan.types.size());
  std::atomic<bool> failed{false};
  run_parallel(plan.types.size(), plan.jobs, [&](size_t i) {
    const auto& type = *plan.types[i];
    auto& outcome = outcomes[i];
    outcome.type = type.name;
    if (failed) return;
    outcome.started = true;
    log::TypeScope log_type(type.name);
    Progress progress(log::subject(type.name), progress_wanted(false));
    auto report = sync_type(plan.session, plan.mirror, type, plan.api_version, plan.options, progress);
    progress.finish();
    if (!report) {
      outcome.error = std::move(report.error());
      outcome.error->message +=
          fmt::format("; pages already read are saved, and the next sync resumes {} from there", type.name);
      failed = true;
      return;
    }
    // The fields table and the labeled view follow the account's fields on every sync; the
    // mirror and the store have one writer at a time.
    auto& store_lock = plan.options.store_lock ? *plan.options.store_lock : *plan.options.mirror_lock;
    auto phases = refresh_mirror_fields(plan.session, plan.mirror, plan.store, type, plan.options.refresh_names,
                                        store_lock, *plan.options.mirror_lock, progress_wanted(false));
    if (!phases) {
      outcome.error = std::move(phases.error());
      outcome.error->message += fmt::format("; the records of {} are saved, only its field metadata is not", type.name);
      failed = true;
      return;
    }
    report->field_requests = requests_of(*phases);
    report->phases.insert(report->phases.end(), phases->begin(), phases->end());  // in the order they ran
    outcome.records = report->fetched;
    outcome.requests = report->requests + requests_of(report->phases);
    on_synced(*report);
    outcome.report = std::move(*report);
    outcome.done = true;
  });
  return outcomes;
}

Result<std::optional<mirror::ConnectionClaim>> claim_connection(mirror::Mirror& mirror, const std::string& connection) {
  return mirror.claim(connection);
}

namespace {

// True when every type of `item` was synced to the end since the round began (by another process:
// this one has not reached it yet), with no run left unfinished.
Result<bool> synced_since(const ManySyncPlan& plan, const ConnectionToRun& item) {
  std::lock_guard lock(*plan.options.mirror_lock);
  for (const auto* type : item.types) {
    auto state = plan.mirror.load(item.connection.name, item.connection.provider, type->name, item.api_version);
    if (!state) return std::unexpected(state.error());
    if (state->run_mode || !state->last_complete_at || *state->last_complete_at < plan.round_started) return false;
  }
  return true;
}

}  // namespace

std::vector<ConnectionOutcome> sync_connections(const ManySyncPlan& plan, const std::vector<ConnectionToRun>& todo) {
  auto outcomes = named_outcomes(todo);
  run_fleet(outcomes, plan.parallel, [&](size_t i, ConnectionOutcome& outcome) {
    const auto& item = todo[i];
    if (item.types.empty()) return;
    auto claim = claim_connection(plan.mirror, item.connection.name);
    if (!claim) {
      outcome.error = std::move(claim.error());
      return;
    }
    if (!*claim) {
      outcome.skipped = true;
      return;
    }
    // Claimed after another process let go of it: that process may have synced it this round.
    auto synced = synced_since(plan, item);
    if (!synced) {
      outcome.error = std::move(synced.error());
      return;
    }
    if (*synced) {
      outcome.skipped = outcome.synced_elsewhere = true;
      return;
    }
    auto opened = plan.open(item.connection);
    if (!opened) {
      outcome.error = std::move(opened.error());
      return;
    }
    // PostgreSQL: this connection's pages go through a session of its own, beside the other
    // connections', and the server sets the pace. SQLite, or a server refusing another session:
    // the run's one mirror, in turns.
    std::unique_ptr<mirror::Mirror> own;
    if (auto writer = plan.mirror.open_writer())
      own = std::move(*writer);
    else
      log::info("writing through the run's shared database session, in turns with the other connections ({})",
                writer.error().message);
    std::mutex own_lock;
    SyncOptions options = plan.options;
    if (own) {
      options.store_lock = plan.options.mirror_lock;
      options.mirror_lock = &own_lock;
    }
    ConnectionSyncPlan one{*opened->session, own ? *own : plan.mirror, plan.store, item.types, item.api_version,
                           options, plan.jobs};
    outcome.types = sync_connection(one, [&](const SyncReport& report) { plan.on_synced(*opened->session, report); });
  });
  return outcomes;
}

}  // namespace crmexport::engine
