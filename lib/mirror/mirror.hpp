#pragma once
// The mirror: every record of the synced types, one table per provider type, and per connection
// and type the state of its sync (high-water mark, and while a run is unfinished, where its next
// page starts). Every change a page brings, and the position after it, commit in one transaction:
// a run killed at any moment leaves a consistent database that the next run resumes from.
//
// `Mirror` is the one interface the engine talks to; `Mirror::open` picks the implementation by
// the location's form (sqlite_mirror.* for a file path, postgres_mirror.* for a postgresql://
// URI). What a run does with its state (run_state.*) is shared; the implementations hold the SQL.
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/core/time.hpp"
#include "lib/fields/spec.hpp"

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
  // When a run of this type last reached the end: a run over many connections skips a connection
  // another process finished since the run began (one sync per connection per round).
  std::optional<TimePoint> last_complete_at;
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

// A connection held for one sync: while it lives no other process syncs that connection into
// the same mirror. Released when destroyed (or when the process ends, however it ends).
// What saving a type's fields did to its labeled view.
struct FieldsSaved {
  bool rebuilt = false;   // the view was created again (a field, name, label or option changed)
  std::size_t fields = 0;      // readable names in the view's columns (when rebuilt)
  std::size_t left_out = 0;    // fields beyond the database's column limit, in `more_fields` only
  std::size_t max_columns = 0; // that limit
};

class ConnectionClaim {
 public:
  explicit ConnectionClaim(std::function<void()> release = {}) : m_release(std::move(release)) {}
  ConnectionClaim(ConnectionClaim&& other) noexcept : m_release(std::exchange(other.m_release, nullptr)) {}
  ConnectionClaim& operator=(ConnectionClaim&&) = delete;
  ConnectionClaim(const ConnectionClaim&) = delete;
  ~ConnectionClaim() {
    if (m_release) m_release();
  }

 private:
  std::function<void()> m_release;
};

class Mirror {
 public:
  // Opens (creating and migrating when needed) the mirror at `location`: a libpq URI
  // (postgresql:// or postgres://, the PG* environment variables filling what it leaves out), or
  // else a SQLite file path, whose whole-file lock is taken first (refusing at once when another
  // sync holds it; nothing is touched then).
  static Result<std::unique_ptr<Mirror>> open(const std::string& location);

  virtual ~Mirror() = default;

  // Claims `connection` for this process's sync; nullopt when another process holds it.
  virtual Result<std::optional<ConnectionClaim>> claim(const std::string& connection) = 0;
  // The state of `connection`'s `type`, creating the type table when missing. A state saved with
  // another API version is reported as having no high-water mark and no run (records differ in shape).
  virtual Result<TypeState> load(const std::string& connection, const std::string& provider, const std::string& type,
                                 const std::string& api_version) = 0;
  // Starts a new run (the previous unfinished one, if any, is abandoned) and saves it.
  virtual Result<void> start_run(TypeState& state, RunMode mode, std::optional<TimePoint> since) = 0;
  // In one transaction: upserts `records` (a record seen again is live again), advances the run's
  // high-water mark to `page_high_water`, and saves `next_position` as where the run goes on.
  virtual Result<PageCounts> save_page(TypeState& state, std::span<const Record> records,
                                       const std::string& next_position, std::optional<TimePoint> page_high_water) = 0;
  // Marks these records deleted (when present and live); returns how many changed.
  virtual Result<long> mark_deleted(TypeState& state, std::span<const RecordId> ids) = 0;
  // Ends the run in one transaction. After a complete full pass (`swept`), every live record the
  // run did not see is marked deleted; returns how many. The high-water mark advances as
  // run_state.hpp's end_run says.
  virtual Result<long> finish_run(TypeState& state, bool swept) = 0;
  // Saves the fields one sync read (first_seen kept) and rebuilds the type's labeled view when
  // anything changed or the view is missing (fields.hpp).
  virtual Result<FieldsSaved> save_fields(const std::string& connection, const std::string& provider,
                                          const std::string& type, const fields::FieldsSpec& spec,
                                          const std::vector<fields::Field>& fields) = 0;
  // Replaces the `field_values` rows of `ids` (every row of the type when null) with `by_record`:
  // per record id the members of its {KEY: value} object, as the API gave them (fields.hpp).
  virtual Result<void> save_field_values(const std::string& connection, const std::string& type,
                                         const std::unordered_map<std::string, std::string>& by_record,
                                         const std::vector<std::string>* ids) = 0;
  // A writer of its own for one connection's worker in a run over many, when the database takes
  // several at once: PostgreSQL opens another session, so connections write side by side and the
  // server, not a lock in this process, sets the pace. nullptr when writes must share this
  // mirror, one at a time (SQLite: one writer per file).
  virtual Result<std::unique_ptr<Mirror>> open_writer() { return std::unique_ptr<Mirror>(); }
  // The location as messages and summaries show it (never a password).
  virtual const std::string& location() const = 0;
};

std::string format_id(const RecordId& id);

// Whether `location` names a PostgreSQL database rather than a SQLite file.
bool is_postgres_location(std::string_view location);

}  // namespace crmexport::mirror
