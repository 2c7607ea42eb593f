#include "tests/fake/object_store.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fstream>
#include <stdexcept>

namespace crm_fake::table {

Store::Store(std::span<const ObjectType> rows, std::uint64_t seed, std::int64_t records)
    : m_rows(rows), m_seed(seed), m_count(records) {
  // A mistyped row would serve wrong answers quietly; the server refuses to start instead.
  if (auto problems = row_problems(rows); !problems.empty())
    throw std::invalid_argument(fmt::format("object table: {}", fmt::join(problems, "; ")));
  for (const auto& row : m_rows) {
    auto& of_row = m_records[row.name];  // present even when empty: --records 0 is an empty account
    const std::int64_t count = row.count ? row.count(records) : records;
    for (std::int64_t id = 1; id <= count; ++id) of_row.live.emplace(id, row.generate(generation(), id));
    of_row.next_id = count + 1;
  }
}

const ObjectType* Store::row(std::string_view name) const {
  for (const auto& row : m_rows)
    if (row.name == name) return &row;
  return nullptr;
}

const ObjectType* Store::row_at(std::string_view version, std::string_view path) const {
  for (const auto& row : m_rows)
    for (const auto& [row_version, row_path] : row.paths)
      if (row_version == version && row_path == path) return &row;
  return nullptr;
}

std::expected<Page, ListError> Store::list(const ObjectType& row, const ListQuery& query) const {
  // The filters are read first: a bad value is refused even when no record would be compared.
  auto filters = applicable_filters(row, query);
  if (!filters) return std::unexpected(filters.error());
  std::vector<Record> matching;
  {
    const std::lock_guard lock(m_mutex);
    const auto& records = m_records.find(row.name)->second;
    for (const auto& [id, record] : query.archived ? records.deleted : records.live)
      if (passes(*filters, record)) matching.push_back(record);
  }
  sort_records(row, query, matching);
  return cut_page(row, query, std::move(matching));
}

std::vector<Record> Store::all(const ObjectType& row) const {
  const std::lock_guard lock(m_mutex);
  std::vector<Record> out;
  for (const auto& [id, record] : m_records.find(row.name)->second.live) out.push_back(record);
  return out;
}

std::vector<std::int64_t> Store::ids(const ObjectType& row) const {
  const std::lock_guard lock(m_mutex);
  std::vector<std::int64_t> out;
  for (const auto& [id, record] : m_records.find(row.name)->second.live) out.push_back(id);
  return out;
}

std::pair<std::vector<SideLoaded>, std::vector<SideLoaded>> Store::side_loads(const ObjectType& row,
                                                                              const Page& page) const {
  std::pair<std::vector<SideLoaded>, std::vector<SideLoaded>> out;
  for (const auto& side_load : row.envelope.side_loads) {
    SideLoaded loaded{side_load.key, {}};
    if (const ObjectType* other = side_load.type.empty() ? nullptr : this->row(side_load.type)) {
      const auto others = all(*other);
      // In the page's order, then the other type's id order.
      for (const auto& listed : page.records)
        for (const auto& candidate : others) {
          const Field* link = candidate.field(side_load.link_field);
          if (link && link->text == std::to_string(listed.id)) loaded.records.push_back(candidate);
        }
    }
    (side_load.before_records ? out.first : out.second).push_back(std::move(loaded));
  }
  return out;
}

std::int64_t Store::add(const ObjectType& row, std::optional<EpochSeconds> now) {
  Generation at = generation();
  at.created_at = now;
  at.updated_at = now;
  const std::lock_guard lock(m_mutex);
  auto& records = m_records.find(row.name)->second;
  const std::int64_t id = records.next_id++;
  records.live.emplace(id, row.generate(at, id));
  if (now) records.added_at.emplace(id, *now);
  records.changes.inserted.push_back(id);
  return id;
}

bool Store::modify(const ObjectType& row, std::int64_t id, EpochSeconds now) {
  const std::lock_guard lock(m_mutex);
  auto& records = m_records.find(row.name)->second;
  auto it = records.live.find(id);
  if (it == records.live.end()) return false;
  // Generated again with the new time, so every field derived from it follows; a record added
  // through add() keeps the creation time it was given.
  Generation at = generation();
  at.updated_at = now;
  if (auto added = records.added_at.find(id); added != records.added_at.end()) at.created_at = added->second;
  it->second = row.generate(at, id);
  return true;
}

bool Store::remove(const ObjectType& row, std::int64_t id) {
  const std::lock_guard lock(m_mutex);
  auto& records = m_records.find(row.name)->second;
  auto it = records.live.find(id);
  if (it == records.live.end()) return false;
  if (row.deletion != Deletion::hard) {
    Record kept = std::move(it->second);
    if (row.deletion == Deletion::status_deleted)
      if (Field* status = kept.field("status")) status->text = "deleted";
    records.deleted.emplace(id, std::move(kept));
  }
  records.live.erase(it);
  records.changes.deleted.push_back(id);
  return true;
}

ChangeLog Store::changes(const ObjectType& row) const {
  const std::lock_guard lock(m_mutex);
  return m_records.find(row.name)->second.changes;
}

void Store::dump(const std::filesystem::path& dir) const {
  for (const auto& row : m_rows) {
    const auto folder = dir / std::string(provider_name(row.provider));
    std::filesystem::create_directories(folder);
    const auto file = folder / (row.name + ".ndjson");
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
    for (const auto& record : all(row)) out << record_json(record) << '\n';
    if (!out.flush()) throw std::runtime_error(fmt::format("failed writing {}", file.string()));
  }
}

}  // namespace crm_fake::table
