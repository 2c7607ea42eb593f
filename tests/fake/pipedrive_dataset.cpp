#include "tests/fake/pipedrive_dataset.hpp"

#include "tests/fake/fake_random.hpp"

#include <algorithm>

namespace crm_fake::pipedrive {
namespace {

constexpr std::array<std::string_view, 8> k_collection_names{"persons",   "organizations", "deals", "activities",
                                                             "pipelines", "stages",        "notes", "users"};

// A quarter of all updates land on a handful of shared "bulk edit" seconds (imports, mass
// updates), so sorting by update_time has many ties, as real accounts do.
constexpr unsigned k_bulk_update_percent = 25;
constexpr std::uint64_t k_bulk_moments = 8;

}  // namespace

std::string_view collection_name(RecordType type) { return k_collection_names[static_cast<std::size_t>(type)]; }

std::optional<RecordType> type_from_collection(std::string_view name) {
  for (const RecordType type : k_all_types) {
    if (collection_name(type) == name) return type;
  }
  return std::nullopt;
}

std::uint64_t stream_id(RecordType type, Stream stream) {
  return static_cast<std::uint64_t>(type) * 16 + static_cast<std::uint64_t>(stream);
}

Dataset::Dataset(std::uint64_t seed, std::int64_t records_per_type)
    : m_seed(seed), m_records_per_type(records_per_type) {}

std::int64_t Dataset::count(RecordType type) const {
  if (!m_mutated.load(std::memory_order_acquire)) return m_records_per_type;
  const std::shared_lock lock(m_overlay_mutex);
  const auto added = m_added.find(type);
  return m_records_per_type + (added == m_added.end() ? 0 : added->second);
}

bool Dataset::exists(RecordType type, std::int64_t id) const {
  if (id < 1 || id > count(type)) return false;
  if (!m_mutated.load(std::memory_order_acquire)) return true;
  const std::shared_lock lock(m_overlay_mutex);
  return !m_deleted.contains({type, id});
}

bool Dataset::has_deletions() const {
  if (!m_mutated.load(std::memory_order_acquire)) return false;
  const std::shared_lock lock(m_overlay_mutex);
  return !m_deleted.empty();
}

std::int64_t Dataset::add(RecordType type, EpochSeconds at) {
  std::int64_t id = 0;
  {
    const std::unique_lock lock(m_overlay_mutex);
    id = m_records_per_type + ++m_added[type];
    m_update_times[{type, id}] = at;
    m_mutated.store(true, std::memory_order_release);
  }
  retire_sort_caches();
  return id;
}

bool Dataset::modify(RecordType type, std::int64_t id, EpochSeconds at) {
  if (!exists(type, id)) return false;
  {
    const std::unique_lock lock(m_overlay_mutex);
    m_update_times[{type, id}] = at;
    m_mutated.store(true, std::memory_order_release);
  }
  retire_sort_caches();
  return true;
}

bool Dataset::is_deleted(RecordType type, std::int64_t id) const {
  if (!m_mutated.load(std::memory_order_acquire)) return false;
  const std::shared_lock lock(m_overlay_mutex);
  return m_deleted.contains({type, id});
}

bool Dataset::remove(RecordType type, std::int64_t id, EpochSeconds at) {
  if (!exists(type, id)) return false;
  {
    const std::unique_lock lock(m_overlay_mutex);
    m_deleted.insert({type, id});
    m_update_times[{type, id}] = at;
    m_mutated.store(true, std::memory_order_release);
  }
  retire_sort_caches();
  return true;
}

void Dataset::retire_sort_caches() {
  const std::lock_guard lock(m_sort_cache_mutex);
  for (auto& [key, cache] : m_sort_cache)
    if (cache) m_retired_caches.push_back(std::move(cache));
  m_sort_cache.clear();
}

RecordTimes Dataset::times(RecordType type, std::int64_t id) const {
  if (m_mutated.load(std::memory_order_acquire)) {
    const std::shared_lock lock(m_overlay_mutex);
    const auto changed = m_update_times.find({type, id});
    if (changed != m_update_times.end()) {
      const EpochSeconds at = changed->second;
      if (id > m_records_per_type) return {at, at};  // added: created and last updated then
      return {generated_times(type, id).add_time, at};
    }
  }
  return generated_times(type, id);
}

RecordTimes Dataset::generated_times(RecordType type, std::int64_t id) const {
  Rng rng(m_seed, stream_id(type, Stream::times), static_cast<std::uint64_t>(id));
  EpochSeconds update_time = 0;
  if (rng.percent(k_bulk_update_percent)) {
    const auto moment = rng.below(k_bulk_moments);
    Rng bulk(m_seed, stream_id(type, Stream::bulk_moments), moment);
    update_time = bulk.between(k_first_moment, k_last_moment);
  } else {
    update_time = rng.between(k_first_moment, k_last_moment);
  }
  // Some records were never edited after creation.
  const EpochSeconds add_time = rng.percent(10) ? update_time : rng.between(k_first_moment, update_time);
  return {add_time, update_time};
}

std::int64_t Dataset::stage_pipeline_id(std::int64_t stage_id) const {
  const std::int64_t pipelines = std::max<std::int64_t>(generated_count(RecordType::pipeline), 1);
  return (stage_id - 1) / k_stages_per_pipeline % pipelines + 1;
}

std::int64_t Dataset::stage_order_nr(std::int64_t stage_id) { return (stage_id - 1) % k_stages_per_pipeline + 1; }

EpochSeconds Dataset::activity_due_date(std::int64_t id) const {
  constexpr EpochSeconds k_day = 86400;
  const EpochSeconds added = times(RecordType::activity, id).add_time;
  Rng rng(m_seed, stream_id(RecordType::activity, Stream::due_date), static_cast<std::uint64_t>(id));
  return (added / k_day + rng.between(-20, 90)) * k_day;
}

std::int64_t Dataset::sort_key(RecordType type, SortField field, std::int64_t id) const {
  switch (field) {
    case SortField::id:
      return id;
    case SortField::update_time:
      return times(type, id).update_time;
    case SortField::add_time:
      return times(type, id).add_time;
    case SortField::order_nr:
      return stage_order_nr(id);
    case SortField::due_date:
      return activity_due_date(id);
  }
  return id;
}

std::span<const SortEntry> Dataset::sorted_by(RecordType type, SortField field) const {
  const std::lock_guard lock(m_sort_cache_mutex);
  auto& slot = m_sort_cache[{type, field}];
  if (!slot) {
    const std::int64_t n = count(type);
    auto entries = std::make_unique<std::vector<SortEntry>>();
    entries->reserve(static_cast<std::size_t>(n));
    for (std::int64_t id = 1; id <= n; ++id) entries->push_back({sort_key(type, field, id), id});
    std::sort(entries->begin(), entries->end(),
              [](const SortEntry& a, const SortEntry& b) { return a.key != b.key ? a.key < b.key : a.id < b.id; });
    slot = std::move(entries);
  }
  return *slot;
}

}  // namespace crm_fake::pipedrive
