#pragma once
// The Pipedrive account the fake serves: which records exist and the cheap per-record keys that
// filtering and sorting need. Records themselves are generated on demand (pipedrive_facts.hpp):
// nothing per record is stored except the sort indexes, built lazily.
//
// Mutation overlay (the /_admin/pipedrive endpoints): records added (ids above the generated
// ones), modified (a new update_time, so their JSON changes too) or deleted, between or during
// runs. Every reader asks this class which ids exist and what their times are: count() grows
// with added ids, times() consults overrides first, exists() hides deleted ids, and a mutation
// retires the sort caches so they are rebuilt with the new times.

#include "tests/fake/time_format.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <span>
#include <string_view>
#include <vector>

namespace crm_fake::pipedrive {

enum class RecordType { person, organization, deal, activity, pipeline, stage, note, user };

inline constexpr std::array k_all_types{RecordType::person,   RecordType::organization, RecordType::deal,
                                        RecordType::activity, RecordType::pipeline,     RecordType::stage,
                                        RecordType::note,     RecordType::user};

// The collection name as it appears in URLs and dump file names: "persons", "organizations", ...
std::string_view collection_name(RecordType type);
std::optional<RecordType> type_from_collection(std::string_view name);

enum class SortField { id, update_time, add_time, order_nr, due_date };

struct RecordTimes {
  EpochSeconds add_time;
  EpochSeconds update_time;
};

struct SortEntry {
  std::int64_t key;
  std::int64_t id;
};

// Independent random streams per record; see Rng.
enum class Stream : std::uint64_t { times = 1, body = 2, bulk_moments = 3, due_date = 4, custom_fields = 5 };
std::uint64_t stream_id(RecordType type, Stream stream);

// All records' times fall in this range; sort and filter tests rely on it being a closed set.
inline const EpochSeconds k_first_moment = epoch_from_civil(2023, 1, 1);
inline const EpochSeconds k_last_moment = epoch_from_civil(2025, 12, 31, 23, 59, 59);

class Dataset {
 public:
  Dataset(std::uint64_t seed, std::int64_t records_per_type);

  std::uint64_t seed() const { return m_seed; }

  // Ids run 1..count(type).
  std::int64_t count(RecordType type) const;
  // The generated records only (1..N): what links between records are drawn from, so adding a
  // record never changes another record's JSON.
  std::int64_t generated_count(RecordType) const { return m_records_per_type; }
  bool exists(RecordType type, std::int64_t id) const;

  RecordTimes times(RecordType type, std::int64_t id) const;

  // The value a record sorts by; times and dates as epoch seconds.
  std::int64_t sort_key(RecordType type, SortField field, std::int64_t id) const;

  // All ids ordered by (key, id) ascending: ties on the key (many records share a second) are
  // broken by id, which keeps cursor paging exact. Built on first use, then cached.
  std::span<const SortEntry> sorted_by(RecordType type, SortField field) const;

  // Stage layout: stages come in pipelines of k_stages_per_pipeline, ordered 1..6.
  static constexpr std::int64_t k_stages_per_pipeline = 6;
  std::int64_t stage_pipeline_id(std::int64_t stage_id) const;
  static std::int64_t stage_order_nr(std::int64_t stage_id);

  // An activity's due date, midnight UTC.
  EpochSeconds activity_due_date(std::int64_t id) const;

  // The overlay. `at` becomes the record's update_time (and add_time of an added record).
  std::int64_t add(RecordType type, EpochSeconds at);              // the new id
  bool modify(RecordType type, std::int64_t id, EpochSeconds at);  // false: no such live record
  bool remove(RecordType type, std::int64_t id, EpochSeconds at);  // false: no such live record
  bool is_deleted(RecordType type, std::int64_t id) const;
  bool has_deletions() const;

 private:
  std::uint64_t m_seed;
  std::int64_t m_records_per_type;

  RecordTimes generated_times(RecordType type, std::int64_t id) const;
  void retire_sort_caches();

  mutable std::shared_mutex m_overlay_mutex;
  std::atomic<bool> m_mutated{false};  // fast path: no lock while nothing was ever changed
  std::map<RecordType, std::int64_t> m_added;
  std::map<std::pair<RecordType, std::int64_t>, EpochSeconds> m_update_times;
  std::set<std::pair<RecordType, std::int64_t>> m_deleted;

  mutable std::mutex m_sort_cache_mutex;
  // Spans handed out stay valid after a mutation: retired caches are kept, not freed.
  std::vector<std::unique_ptr<const std::vector<SortEntry>>> m_retired_caches;
  mutable std::map<std::pair<RecordType, SortField>, std::unique_ptr<const std::vector<SortEntry>>> m_sort_cache;
};

}  // namespace crm_fake::pipedrive
