#pragma once
// The fake ActiveCampaign account: records held in memory (so contacts can be inserted and
// deleted while an export runs), and the list query every /api/3 collection answers: filters,
// orders, id_greater, limit (capped at 100) and offset.

#include "tests/fake/time_format.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace crm_fake::activecampaign {

enum class Type { contact, deal, account, note, deal_group, deal_stage };
inline constexpr Type k_all_types[] = {Type::contact, Type::deal,       Type::account,
                                       Type::note,    Type::deal_group, Type::deal_stage};

// The envelope key and path segment: "contacts", "dealGroups".
std::string resource_name(Type type);
// The crmexport type name, used for the dump file: "contacts", "pipelines".
std::string dump_name(Type type);
std::optional<Type> type_from_resource(std::string_view resource);

// One field of a record. AC v3 sends almost every value as a string; `raw` holds JSON for the
// few arrays and objects (links), and then `text` is unused.
struct Field {
  std::string key;
  std::optional<std::string> text;
  std::string raw;
};

struct Record {
  std::int64_t id = 0;
  std::vector<Field> fields;  // in the order AC sends them; "id" among them
  const Field* field(std::string_view key) const;
};

// What a list request asks for, already taken apart from the query string.
struct ListQuery {
  std::vector<std::pair<std::string, std::string>> filters;  // filters[FIELD]=VALUE, in order
  std::vector<std::pair<std::string, bool>> orders;          // orders[FIELD]=ASC (true) / DESC
  std::optional<std::int64_t> id_greater;
  std::int64_t limit = 20;
  std::int64_t offset = 0;
};

struct ListResult {
  std::vector<Record> records;
  std::int64_t total = 0;  // matching records, before limit and offset
};

// Inserted and deleted contact ids, for the test that exports while records change.
struct ChangeLog {
  std::vector<std::int64_t> inserted;
  std::vector<std::int64_t> deleted;
};

class Dataset {
 public:
  Dataset(std::uint64_t seed, std::int64_t records);

  // A bad filter value (a date that does not parse) gives the message for a 400.
  std::optional<ListResult> list(Type type, const ListQuery& query, std::string& error) const;
  std::vector<Record> all(Type type) const;

  // Deletes the lowest-id contact and one from the middle, and inserts two new ones (higher ids).
  void churn_contacts();
  ChangeLog changes() const;

 private:
  Record make_record(Type type, std::int64_t id) const;

  std::uint64_t m_seed;
  std::int64_t m_count;
  mutable std::mutex m_mutex;
  std::map<Type, std::map<std::int64_t, Record>> m_records;
  std::int64_t m_next_contact_id = 0;
  ChangeLog m_changes;
};

std::string record_json(const Record& record);

}  // namespace crm_fake::activecampaign
