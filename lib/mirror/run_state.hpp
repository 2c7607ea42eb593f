#pragma once
// What a sync run does to its TypeState, whatever database holds it: both mirror implementations
// read and write the rows, and these functions decide what the rows say. Each returns the new
// state; an implementation commits it and only then hands it back, so a failed write leaves the
// caller's state as the database has it.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lib/mirror/mirror.hpp"

namespace crmexport::mirror {

// One sync_state row as stored (times already read as times).
struct SavedState {
  std::string api_version;
  std::optional<TimePoint> high_water;
  std::optional<std::string> last_full_at;
  long run_id = 0;
  std::optional<std::string> run_mode;  // "full", "incremental" or absent
  std::optional<TimePoint> run_since;
  std::string run_position;
  std::optional<TimePoint> run_high_water;
  std::optional<TimePoint> run_started_at;
  std::optional<TimePoint> last_complete_at;
};

// The state a type starts from: `saved` when it was written with the same API version; with
// another one only the run counter survives (records differ in shape, so everything is read again).
TypeState loaded_state(const std::string& connection, const std::string& provider, const std::string& type,
                       const std::string& api_version, std::string table, const std::optional<SavedState>& saved);

// A new run (the run id moves on, so a sweep tells this run's records from older ones).
TypeState begun(const TypeState& state, RunMode mode, std::optional<TimePoint> since);
// After a saved page: the position where the run goes on and the newest update time seen.
TypeState advanced(const TypeState& state, const std::string& next_position, std::optional<TimePoint> page_high_water);
// After the run's end (`at` is now, as text): the high-water mark advances to the newest update
// time seen, but never past the run's start: a record changed during the run, behind its
// position, is older than a newer one the run saw later, and must still be read next time.
TypeState ended(const TypeState& state, bool swept, const std::string& at);

// How one upserted record counts: `before` is its stored text and whether it was marked deleted
// (nullopt when it was not stored).
struct StoredRecord {
  std::string json;
  bool deleted = false;
};
void count_record(PageCounts& counts, const std::optional<StoredRecord>& before, const std::string& json);

// The positions of the records a page saves, in page order: an id given twice in one page
// (offset paging shifts under writes) is saved and counted once, as its last copy, which is what
// upserting the records one after the other leaves.
std::vector<std::size_t> last_copies(std::span<const Record> records);

std::string_view mode_name(RunMode mode);
TimePoint now_seconds();
std::string now_text();

}  // namespace crmexport::mirror
