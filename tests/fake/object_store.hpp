#pragma once
// The records of a provider's rows, held in memory: generated from the rows at start, then
// changed by the admin routes and churn while an export runs. Lists, side-loads and the dump of
// any row go through here, so a new row needs no code of its own.

#include "tests/fake/object_table.hpp"

#include <filesystem>
#include <map>
#include <mutex>
#include <span>

namespace crm_fake::table {

// Inserted and deleted ids of one type, for the tests that export while records change.
struct ChangeLog {
  std::vector<std::int64_t> inserted;
  std::vector<std::int64_t> deleted;
};

class Store {
 public:
  // Generates every row's records (ids 1..records, or the row's count); rows must outlive the store.
  // Throws std::invalid_argument when row_problems finds any.
  Store(std::span<const ObjectType> rows, std::uint64_t seed, std::int64_t records);

  std::span<const ObjectType> rows() const { return m_rows; }
  const ObjectType* row(std::string_view name) const;
  // The row listed at `path` under API `version`.
  const ObjectType* row_at(std::string_view version, std::string_view path) const;

  std::expected<Page, ListError> list(const ObjectType& row, const ListQuery& query) const;
  // Every live record in id order: the dump, side-loads, counts.
  std::vector<Record> all(const ObjectType& row) const;
  std::vector<std::int64_t> ids(const ObjectType& row) const;
  // The row's side-loads for a page: (before the records, after them).
  std::pair<std::vector<SideLoaded>, std::vector<SideLoaded>> side_loads(const ObjectType& row, const Page& page) const;

  // A new record with the next id; created and updated `now`, or at generated times when absent.
  std::int64_t add(const ObjectType& row, std::optional<EpochSeconds> now);
  // The record updated `now` (its JSON changes); false when there is no such live record.
  bool modify(const ObjectType& row, std::int64_t id, EpochSeconds now);
  // Deleted as the row's Deletion says; false when there is no such live record.
  bool remove(const ObjectType& row, std::int64_t id);
  ChangeLog changes(const ObjectType& row) const;

  // DIR/PROVIDER/NAME.ndjson for every row, one record per line in id order, as the lists serve them.
  void dump(const std::filesystem::path& dir) const;

 private:
  struct Records {
    std::map<std::int64_t, Record> live;
    std::map<std::int64_t, Record> deleted;         // archived_list and status_deleted rows keep them here
    std::map<std::int64_t, EpochSeconds> added_at;  // creation times of records added "now"
    std::int64_t next_id = 1;
    ChangeLog changes;
  };

  Generation generation() const { return {m_seed, m_count, std::nullopt, std::nullopt}; }

  std::span<const ObjectType> m_rows;
  std::uint64_t m_seed;
  std::int64_t m_count;
  mutable std::mutex m_mutex;
  std::map<std::string, Records, std::less<>> m_records;  // by row name
};

}  // namespace crm_fake::table
