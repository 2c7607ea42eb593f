#pragma once
// One export run: a connection's types, each from its first (or resumed) page to its file or
// stdout (engine::export_type reads it), on up to `jobs` workers sharing the connection's
// Session; what a failed type wrote kept in FILE.partial for --resume; then the run's summary
// (`DIR/manifest.json`, --summary-json), its first failure and --strict's count check. Many
// connections (`export --all`) run on the fleet runner sync uses (lib/engine/fleet.hpp).
// Failures are thrown (Fatal), as the command reports them.
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/engine/export.hpp"
#include "lib/engine/fleet.hpp"
#include "lib/engine/manifest.hpp"
#include "lib/engine/session.hpp"
#include "lib/output/writer.hpp"
#include "lib/store/store.hpp"
#include "providers/provider.hpp"

namespace crmexport::engine {

// Where one type's records go.
struct Destination {
  std::string type;
  std::optional<std::string> path;  // nullopt: stdout
};

// Where a run's records go, from -o and -f: stdout, one file, or DIR/TYPE.EXT.
struct OutputPlan {
  output::Format format = output::Format::ndjson;
  std::vector<Destination> destinations;  // one per type, in the order given
  std::optional<std::string> folder;      // -o DIR/: the manifest goes there too
};

// One connection's export, as the command resolved it from its options.
struct ExportRequest {
  Session& session;
  store::Store& store;
  std::mutex& store_lock;  // the store (frozen field names) has one user at a time
  const store::Connection& connection;
  const providers::ApiVersion& version;
  std::vector<const providers::TypeSpec*> types;  // one per plan.destinations, in its order
  OutputPlan plan;
  output::WriterOptions writer_options;  // CSV columns as --fields gave them
  ExportOptions options;                 // shared by every type (options.labels set per type)
  bool labels = false;                   // readable records wanted (--labels, or CSV without --raw)
  bool labels_asked = false;             // --labels itself: then missing metadata is an error, not a warning
  bool refresh_names = false;            // --refresh-names: readable names from the current labels, frozen anew
  bool resume = false;                   // --resume: continue the partial files earlier runs left
  bool strict = false;                   // --strict: a count that differs from the provider's total fails the run
  std::FILE* summary_json = nullptr;     // --summary-json: where the summary is printed; nullptr: nowhere
  int jobs = 1;                          // types at once (into files only: on stdout their records would interleave)
  // How the command words this connection's failures (what to do about a refused credential);
  // unset: as they are.
  std::function<Error(Error)> explain;
};

// Exports every type of the request; the first failure is thrown once every worker is done (no
// type starts after one failed), after the manifest and --summary-json are written.
// What a run over many connections keeps of one connection's export, also when it failed.
struct ExportReport {
  std::vector<TypeSummary> types;  // as the manifest has them
  std::string failed_type;         // the type whose failure is thrown ("" when none)
};
// `report`, when given, is filled before the failure is thrown.
void export_connection(const ExportRequest& request, ExportReport* report = nullptr);

// A connection of a run over many made ready to export: its Session and caps, and the request
// that uses them.
struct PreparedExport {
  OpenedConnection opened;
  std::optional<ExportRequest> request;  // request->session is *opened.session
};

// `export --all`: each connection of `todo` with types, on up to `parallel` workers, prepared by
// `prepare` (throws Fatal when that connection cannot start) and exported into its own folder.
// One connection's failure is its outcome; the others go on.
std::vector<ConnectionOutcome> export_connections(const std::vector<ConnectionToRun>& todo, int parallel,
                                                  const std::function<PreparedExport(const ConnectionToRun&)>& prepare);

// The error that ends a run whose types failed with `errors` (in the types' order, at least one):
// the first, naming the types written completely and those not started.
Error first_failure(const std::vector<Error>& errors, const std::vector<TypeSummary>& summaries);

// --strict: the error (ErrorKind::incomplete, exit 6) naming each type whose count differs from
// the total `provider_title` reported; nullopt when none does.
std::optional<Error> count_mismatch(std::string_view provider_title, const std::vector<TypeSummary>& summaries);

}  // namespace crmexport::engine
