#pragma once
// One connection's sync: its types on up to `jobs` workers sharing its Session, each type's
// records and then its field metadata saved with the mirror's one writer at a time. A failed type
// is reported as a value; no type starts after one failed (a refused token fails them all).
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lib/engine/fleet.hpp"
#include "lib/engine/session.hpp"
#include "lib/engine/sync.hpp"
#include "lib/mirror/mirror.hpp"
#include "lib/store/store.hpp"

namespace crmexport::engine {

struct ConnectionSyncPlan {
  Session& session;
  mirror::Mirror& mirror;
  store::Store& store;  // the frozen field names; used under options.mirror_lock
  std::vector<const providers::TypeSpec*> types;
  std::string api_version;
  SyncOptions options;  // options.mirror_lock is required: the mirror has one writer per process
  int jobs = 1;
};

// Syncs the plan's types; `on_synced` sees each report as its type ends (for the summary line).
std::vector<TypeOutcome> sync_connection(const ConnectionSyncPlan& plan,
                                         const std::function<void(const SyncReport&)>& on_synced);

// The "claim this connection, or skip it" step of a run over many connections: the mirror's claim
// (SQLite: always, its file lock already keeps other processes out; PostgreSQL: an advisory lock
// per connection), or nullopt when another process holds the connection (the run skips it and says so).
Result<std::optional<mirror::ConnectionClaim>> claim_connection(mirror::Mirror& mirror, const std::string& connection);

struct ManySyncPlan {
  mirror::Mirror& mirror;
  store::Store& store;
  SyncOptions options;  // options.mirror_lock is required and shared by every connection
  int parallel = 1;     // connections at once
  int jobs = 1;         // types at once per connection (jobs_per_connection bounds it)
  // When this run began: a connection whose types another process has all synced to the end since
  // then is skipped, so several processes running the same cron line sync each connection once.
  TimePoint round_started;
  std::function<Result<OpenedConnection>(const store::Connection&)> open;
  std::function<void(const Session&, const SyncReport&)> on_synced;  // as each type ends
};

// Syncs every connection, each claimed, opened (own Session: own pacer, own OAuth refresh) and
// synced on its own worker; one connection's failure is its outcome, the others go on.
std::vector<ConnectionOutcome> sync_connections(const ManySyncPlan& plan, const std::vector<ConnectionToRun>& todo);

}  // namespace crmexport::engine
