#include "tests/fake/pipedrive_paging.hpp"

#include <algorithm>

namespace crm_fake::pipedrive {
namespace {

bool entry_less(const SortEntry& entry, const CursorPosition& position) {
  return entry.key != position.key ? entry.key < position.key : entry.id < position.id;
}

bool entry_less(const CursorPosition& position, const SortEntry& entry) {
  return position.key != entry.key ? position.key < entry.key : position.id < entry.id;
}

class WindowFilter {
 public:
  WindowFilter(const Dataset& dataset, RecordType type, std::optional<EpochSeconds> since,
               std::optional<EpochSeconds> until, bool deleted_only = false)
      : m_dataset(dataset), m_type(type), m_since(since), m_until(until), m_deleted_only(deleted_only) {}

  bool accepts(std::int64_t id) const {
    if (m_deleted_only ? !m_dataset.is_deleted(m_type, id) : !m_dataset.exists(m_type, id)) return false;
    if (!m_since && !m_until) return true;
    const EpochSeconds t = m_dataset.times(m_type, id).update_time;
    return (!m_since || t >= *m_since) && (!m_until || t < *m_until);
  }

 private:
  const Dataset& m_dataset;
  RecordType m_type;
  std::optional<EpochSeconds> m_since;
  std::optional<EpochSeconds> m_until;
  bool m_deleted_only;
};

// Collects up to limit + 1 ids: the extra one only tells whether another page follows.
void collect_by_id(const Dataset& dataset, const PageRequest& request, const WindowFilter& filter,
                   std::vector<std::int64_t>& out) {
  const auto wanted = static_cast<std::size_t>(request.limit) + 1;
  const std::int64_t n = dataset.count(request.type);
  if (!request.descending) {
    for (std::int64_t id = request.after ? request.after->id + 1 : 1; id <= n && out.size() < wanted; ++id) {
      if (filter.accepts(id)) out.push_back(id);
    }
  } else {
    const std::int64_t first = request.after ? std::min(request.after->id - 1, n) : n;
    for (std::int64_t id = first; id >= 1 && out.size() < wanted; --id) {
      if (filter.accepts(id)) out.push_back(id);
    }
  }
}

void collect_by_key(const Dataset& dataset, const PageRequest& request, const WindowFilter& filter,
                    std::vector<std::int64_t>& out) {
  const auto wanted = static_cast<std::size_t>(request.limit) + 1;
  const std::span<const SortEntry> entries = dataset.sorted_by(request.type, request.sort);
  const bool by_update_time = request.sort == SortField::update_time;
  const auto key_less = [](const SortEntry& e, std::int64_t key) { return e.key < key; };

  if (!request.descending) {
    auto it = entries.begin();
    if (request.after)
      it = std::partition_point(entries.begin(), entries.end(),
                                [&](const SortEntry& e) { return !entry_less(*request.after, e); });
    // With sort_by=update_time the window is a contiguous range: jump to it.
    if (by_update_time && request.updated_since)
      it = std::max(it, std::lower_bound(entries.begin(), entries.end(), *request.updated_since, key_less));
    for (; it != entries.end() && out.size() < wanted; ++it) {
      if (by_update_time && request.updated_until && it->key >= *request.updated_until) break;
      if (filter.accepts(it->id)) out.push_back(it->id);
    }
  } else {
    auto end = entries.end();
    if (request.after)
      end = std::partition_point(entries.begin(), entries.end(),
                                 [&](const SortEntry& e) { return entry_less(e, *request.after); });
    if (by_update_time && request.updated_until)
      end = std::min(end, std::lower_bound(entries.begin(), entries.end(), *request.updated_until, key_less));
    for (auto it = end; it != entries.begin() && out.size() < wanted;) {
      --it;
      if (by_update_time && request.updated_since && it->key < *request.updated_since) break;
      if (filter.accepts(it->id)) out.push_back(it->id);
    }
  }
}

}  // namespace

CursorPage select_cursor_page(const Dataset& dataset, const PageRequest& request) {
  const WindowFilter filter(dataset, request.type, request.updated_since, request.updated_until, request.deleted_only);
  CursorPage page;
  page.ids.reserve(static_cast<std::size_t>(request.limit) + 1);
  if (request.sort == SortField::id)
    collect_by_id(dataset, request, filter, page.ids);
  else
    collect_by_key(dataset, request, filter, page.ids);

  if (page.ids.size() > static_cast<std::size_t>(request.limit)) {
    page.ids.pop_back();
    const std::int64_t last = page.ids.back();
    page.next = CursorPosition{dataset.sort_key(request.type, request.sort, last), last};
  }
  return page;
}

OffsetPage select_offset_page(const Dataset& dataset, RecordType type, std::int64_t start, std::int64_t limit,
                              std::optional<EpochSeconds> updated_since) {
  const WindowFilter filter(dataset, type, updated_since, std::nullopt);
  const std::int64_t n = dataset.count(type);
  const auto wanted = static_cast<std::size_t>(limit) + 1;
  OffsetPage page;
  // Unfiltered and with nothing deleted, every id 1..n exists, so the offset is a position and
  // needs no scan; otherwise the offset counts matching records, as the real API's does.
  const bool dense = !updated_since && !dataset.has_deletions();
  std::int64_t to_skip = dense ? 0 : start;
  for (std::int64_t id = dense ? start + 1 : 1; id <= n && page.ids.size() < wanted; ++id) {
    if (!filter.accepts(id)) continue;
    if (to_skip > 0) {
      --to_skip;
      continue;
    }
    page.ids.push_back(id);
  }
  page.more_items = page.ids.size() > static_cast<std::size_t>(limit);
  if (page.more_items) page.ids.pop_back();
  return page;
}

}  // namespace crm_fake::pipedrive
