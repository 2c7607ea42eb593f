#pragma once
// Many connections in one run (`sync --all`, `sync CONN1 CONN2`, `export --all`): each connection
// on its own worker, up to `parallel` at once, each with its own Session (its own pacer and rate
// budget, its own OAuth refresh) and its types on up to `jobs` workers of its own. A connection's
// failure is its outcome, never the others'; the run's exit says whether all succeeded.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/engine/session.hpp"
#include "lib/engine/sync.hpp"
#include "lib/http/budget.hpp"
#include "lib/store/store.hpp"
#include "providers/provider.hpp"

namespace crmexport::engine {

// Worker threads a run over many connections may hold at once (connections × jobs per
// connection); each also keeps a libcurl handle per request in flight.
inline constexpr int k_max_workers = 64;

// Types at once per connection so that `parallel` connections stay within k_max_workers: `jobs`,
// or fewer (at least 1) when parallel × jobs would exceed it.
int jobs_per_connection(int parallel, int jobs);

// What became of one type: done (a sync's `report` with it), failed (`error`; with export, only
// the failure the connection's run ended with: the others were said as they happened), or not
// started (another type of the connection failed first, or the run was interrupted).
struct TypeOutcome {
  std::string type;
  bool started = false;
  bool done = false;
  std::optional<SyncReport> report;
  std::optional<Error> error;
  long records = 0;   // read (sync) or written to its file (export), done or not
  long requests = 0;  // every request the type made, its field metadata's too
};

struct ConnectionOutcome {
  std::string connection;
  std::string provider;
  bool skipped = false;        // another process holds it (claim_connection): not this run's
  bool synced_elsewhere = false;  // skipped: another process synced every type since this run began
  std::optional<Error> error;  // the connection failed as a whole (credentials, session, claim)
  std::vector<std::string> absent_types;  // asked for, but its provider has no such type
  std::vector<TypeOutcome> types;
  // Its failure: its own, else its first failed type's; nullptr when it succeeded.
  const Error* failure() const;
  // Its provider has none of the types asked for: it had nothing to do.
  bool none_of_the_types() const;
};

// One connection of a run over many, as the command resolved it.
struct ConnectionToRun {
  store::Connection connection;
  std::string api_version;
  std::vector<const providers::TypeSpec*> types;
  std::vector<std::string> absent_types;  // asked for, but its provider has no such type
  std::optional<Error> refused;           // not to run, and why (a stored name that breaks the rule)
};

// A connection made ready to run: its Session and the run's caps for it (the Session keeps a
// pointer to the budget, so they live and go together).
struct OpenedConnection {
  std::unique_ptr<Session> session;
  std::unique_ptr<http::RequestBudget> budget;
};

// One outcome per connection of `todo`, in its order, naming it (connection, provider, absent
// types) and failed already when it was refused; the rest is for the run to fill.
std::vector<ConnectionOutcome> named_outcomes(const std::vector<ConnectionToRun>& todo);

// Runs work(i, outcomes[i]) once for each connection that has not failed already (`outcomes`
// named, the rest for work to fill), up to `parallel` at once, taken in order. A connection not
// yet started when the run is interrupted is reported as interrupted.
void run_fleet(std::vector<ConnectionOutcome>& outcomes, int parallel,
               const std::function<void(size_t, ConnectionOutcome&)>& work);

// The error that ends a run over many connections, or nullopt when none failed. Interrupted wins;
// when some connections succeeded and others failed, ErrorKind::partial (exit 7); when all failed,
// the first failure's kind. The message counts the failures and names them, and names the other
// connections that did nothing (skipped, or with none of the types). `done`: "written", "synced".
std::optional<Error> fleet_failure(const std::vector<ConnectionOutcome>& outcomes, std::string_view done);

// The words a run's closing line uses: "written"/"wrote" for export, "synced"/"synced" for sync.
struct FleetWords {
  std::string_view done;  // "3 written"
  std::string_view did;   // "wrote nothing: ..."
};
// The closing line of a run over many connections: its connections (done, failed, skipped, with
// none of the types), its types (done, not finished, left out), records, requests and elapsed
// time, and which connections wrote nothing, by name.
std::string fleet_summary(const std::vector<ConnectionOutcome>& outcomes, FleetWords words, double seconds);

}  // namespace crmexport::engine
