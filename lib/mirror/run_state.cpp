#include "lib/mirror/run_state.hpp"

#include <algorithm>
#include <chrono>
#include <unordered_set>

namespace crmexport::mirror {
namespace {

std::optional<TimePoint> later(std::optional<TimePoint> a, std::optional<TimePoint> b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

}  // namespace

TimePoint now_seconds() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string now_text() { return format_time(now_seconds(), TimeFormat::rfc3339); }

std::string_view mode_name(RunMode mode) { return mode == RunMode::full ? "full" : "incremental"; }

TypeState loaded_state(const std::string& connection, const std::string& provider, const std::string& type,
                       const std::string& api_version, std::string table, const std::optional<SavedState>& saved) {
  TypeState state;
  state.connection = connection;
  state.provider = provider;
  state.type = type;
  state.api_version = api_version;
  state.table = std::move(table);
  if (!saved) return state;
  state.run_id = saved->run_id;
  if (saved->api_version != api_version) return state;
  state.last_full_at = saved->last_full_at;
  state.last_complete_at = saved->last_complete_at;
  state.high_water = saved->high_water;
  if (saved->run_mode) {
    state.run_mode = *saved->run_mode == "full" ? RunMode::full : RunMode::incremental;
    state.run_since = saved->run_since;
    state.run_position = saved->run_position;
    state.run_high_water = saved->run_high_water;
    state.run_started_at = saved->run_started_at;
  }
  return state;
}

TypeState begun(const TypeState& state, RunMode mode, std::optional<TimePoint> since) {
  TypeState next = state;
  next.run_id += 1;
  next.run_mode = mode;
  next.run_since = since;
  next.run_position.clear();
  next.run_high_water.reset();
  next.run_started_at = now_seconds();
  return next;
}

TypeState advanced(const TypeState& state, const std::string& next_position, std::optional<TimePoint> page_high_water) {
  TypeState next = state;
  next.run_position = next_position;
  next.run_high_water = later(state.run_high_water, page_high_water);
  return next;
}

TypeState ended(const TypeState& state, bool swept, const std::string& at) {
  TypeState next = state;
  if (swept) next.last_full_at = at;
  auto reached = state.run_high_water;
  if (reached && state.run_started_at) reached = std::min(*reached, *state.run_started_at);
  next.high_water = later(state.high_water, reached);
  next.run_mode.reset();
  next.run_started_at.reset();
  next.run_since.reset();
  next.run_position.clear();
  next.run_high_water.reset();
  return next;
}

void count_record(PageCounts& counts, const std::optional<StoredRecord>& before, const std::string& json) {
  if (!before)
    ++counts.inserted;
  else if (before->json != json || before->deleted)
    ++counts.updated;
}

std::vector<std::size_t> last_copies(std::span<const Record> records) {
  // 42 and "42" are different ids, as the id columns keep them.
  std::unordered_set<std::string> later;
  std::vector<std::size_t> kept;
  kept.reserve(records.size());
  for (std::size_t i = records.size(); i-- > 0;) {
    const auto& id = records[i].id;
    if (later.insert((std::holds_alternative<std::string>(id) ? "s" : "n") + format_id(id)).second) kept.push_back(i);
  }
  std::reverse(kept.begin(), kept.end());
  return kept;
}

}  // namespace crmexport::mirror
