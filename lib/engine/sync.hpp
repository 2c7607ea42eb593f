#pragma once
// Sync: bring one type of a connection's mirror up to date, as named steps:
//   plan_run      resume an unfinished run, or start a full or an incremental one;
//   read_pages    the export loop, each page saved with the position after it in one transaction;
//   read_deleted  where the provider lists recently deleted records, mark them (incremental runs);
//   finish_run    after a complete full pass, mark what was not seen as deleted; advance the
//                 high-water mark.
#include <mutex>
#include <optional>
#include <string>

#include "lib/core/time.hpp"
#include "lib/engine/progress.hpp"
#include "lib/engine/session.hpp"
#include "lib/mirror/mirror.hpp"

namespace crmexport::engine {

// How far before the high-water mark an incremental run starts: a record saved upstream just
// before the previous run's newest one can become visible after that run read past its second.
inline constexpr std::chrono::seconds k_sync_overlap{300};

struct SyncOptions {
  // (--max-requests and --max-tokens are the Session's budget, shared by every type.)
  bool full = false;               // --full: a new full pass, whatever the state says
  std::optional<TimePoint> since;  // --since: a new incremental run from this time
  int page_size = 0;               // 0: the type's maximum
  bool refresh_names = false;      // --refresh-names: the mirror's field names from the current labels, frozen anew
  // Held around every call to the mirror when several types sync at once (nullptr: one type at a time).
  std::mutex* mirror_lock = nullptr;
  // Held around writes to the credential store (frozen field names); nullptr: mirror_lock is it.
  // Apart when a connection writes through a mirror session of its own (Mirror::open_writer).
  std::mutex* store_lock = nullptr;
};

struct SyncReport {
  std::string type;
  std::string mode;  // "full" or "incremental"
  bool resumed = false;
  std::optional<TimePoint> since;  // the change filter's lower bound of an incremental run
  long fetched = 0;
  long inserted = 0;
  long updated = 0;
  long deleted = 0;
  long requests = 0;
  long field_requests = 0;  // the field metadata read for the labeled view (cmd/sync_cmd.cpp)
  std::vector<PhaseSpent> phases;  // its steps besides the records: field metadata, custom values, deletions
  long tokens = 0;
  long pages = 0;
  // The provider's own count of the records this run reads (ActiveCampaign meta.total, Keap v1
  // count, HubSpot search total), from the first page of a run that was not resumed.
  std::optional<long> provider_total;
  bool budget_stopped = false;  // --max-requests/--max-tokens: the run stays open and the next sync resumes it
  double seconds = 0;
};

// `progress` shows the type's line while it is read (a disabled one shows nothing).
Result<SyncReport> sync_type(Session& session, mirror::Mirror& mirror, const providers::TypeSpec& type,
                             const std::string& api_version, const SyncOptions& options, Progress& progress);

}  // namespace crmexport::engine
