#pragma once
// The mirror: a SQLite database (WAL) holding every record of the synced types, one table per
// provider type, and per connection and type the state of its sync (high-water mark, and while a
// run is unfinished, where its next page starts). Every change a page brings, and the position
// after it, commit in one transaction: a run killed at any moment leaves a consistent database
// that the next run resumes from.
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "lib/core/error.hpp"
#include "lib/core/time.hpp"
#include "lib/mirror/lock.hpp"

namespace crmexport::mirror {

using RecordId = std::variant<std::int64_t, std::string>;

struct Record {
  RecordId id;
  std::optional<std::string> updated_at;  // the provider's own text
  std::string json;                       // exactly as received
};

enum class RunMode { full, incremental };

// One connection's type, as the state table has it.
struct TypeState {
  std::string connection;
  std::string provider;
  std::string type;
  std::string api_version;
  std::string table;
  std::optional<TimePoint> high_water;
  std::optional<std::string> last_full_at;
  long run_id = 0;
  // Set while a run is unfinished (it was killed or failed): the next run resumes it.
  std::optional<RunMode> run_mode;
  std::optional<TimePoint> run_since;
  std::string run_position;
  std::optional<TimePoint> run_high_water;
  std::optional<TimePoint> run_started_at;  // this machine's clock when the run began
};

struct PageCounts {
  long inserted = 0;
  long updated = 0;  // existed with other JSON, or was marked deleted
};

class Mirror {
 public:
  // Takes the database's lock (refusing at once when another sync holds it), then opens or
  // creates the file, switches it to WAL and migrates it. Nothing is touched when the lock is taken.
  static Result<Mirror> open(const std::filesystem::path& path);

  // The state of `connection`'s `type`, creating the type table when missing. A state saved with
  // another API version is reported as having no high-water mark and no run (records differ in shape).
  Result<TypeState> load(const std::string& connection, const std::string& provider, const std::string& type,
                         const std::string& api_version);
  // Starts a new run (the previous unfinished one, if any, is abandoned) and saves it.
  Result<void> start_run(TypeState& state, RunMode mode, std::optional<TimePoint> since);
  // In one transaction: upserts `records` (a record seen again is live again), advances the run's
  // high-water mark to `page_high_water`, and saves `next_position` as where the run goes on.
  Result<PageCounts> save_page(TypeState& state, std::span<const Record> records, const std::string& next_position,
                               std::optional<TimePoint> page_high_water);
  // Marks these records deleted (when present and live); returns how many changed.
  Result<long> mark_deleted(TypeState& state, std::span<const RecordId> ids);
  // Ends the run in one transaction. After a complete full pass (`swept`), every live record the
  // run did not see is marked deleted; returns how many. The high-water mark advances to the
  // newest update time seen, but never past the run's start: a record changed during the run,
  // behind its position, is older than a newer one the run saw later, and must still be read next time.
  Result<long> finish_run(TypeState& state, bool swept);

  SQLite::Database& database() { return *m_database; }
  const std::filesystem::path& path() const { return m_path; }

 private:
  Mirror(std::filesystem::path path, Lock lock, std::unique_ptr<SQLite::Database> database)
      : m_path(std::move(path)), m_lock(std::move(lock)), m_database(std::move(database)) {}
  Result<void> save_run(const TypeState& state);

  std::filesystem::path m_path;
  Lock m_lock;
  std::unique_ptr<SQLite::Database> m_database;
};

std::string format_id(const RecordId& id);

}  // namespace crmexport::mirror
