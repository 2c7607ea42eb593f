#pragma once
// The fake HubSpot account: which records exist and what each holds, as pure functions of
// (seed, type, id), and their JSON in CRM v3 and legacy shapes.
#include "tests/fake/field_edits.hpp"
#include "tests/fake/json_util.hpp"
#include "tests/fake/object_table.hpp"
#include "tests/fake/options.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace crm_fake::hubspot {

enum class ObjectType { contacts, companies, deals, notes };
constexpr ObjectType k_object_types[] = {ObjectType::contacts, ObjectType::companies, ObjectType::deals,
                                         ObjectType::notes};
const char* type_name(ObjectType type);
std::optional<ObjectType> parse_type(std::string_view name);
// "lastmodifieddate" for contacts, "hs_lastmodifieddate" otherwise (FACTS HubSpot §5).
const char* modified_property(ObjectType type);

struct Property {
  std::string name;
  std::optional<std::string> value;  // null in JSON when absent
};

// Owners: at most 130, however many records (records' hubspot_owner_id points at them).
std::int64_t owner_count(std::int64_t records);
// Owner `id` (1..owner_count), the row hubspot_types.cpp serves: HubSpot id 10000 + id.
table::Record make_owner(const table::Generation& generation, std::int64_t id);

class Account {
 public:
  explicit Account(const FakeOptions& options);

  std::int64_t live_count() const { return m_records; }
  std::int64_t archived_count() const { return m_archived; }
  // Live ids are 1..live_count(); archived ids follow them.
  bool exists(std::int64_t id, bool archived) const;

  // Every property name of a type, in the order /crm/v3/properties lists them.
  const std::vector<std::string>& property_names(ObjectType type) const;
  // What a GET returns when no property is named (HubSpot's defaults).
  const std::vector<std::string>& default_properties(ObjectType type) const;
  std::int64_t modified_ms(ObjectType type, std::int64_t id) const;
  std::int64_t created_ms(ObjectType type, std::int64_t id) const;
  std::vector<std::int64_t> associated(ObjectType from, std::int64_t id, ObjectType to) const;

  // The v3 record with the named properties (those the type has, in catalogue order).
  void write_object(JsonWriter& w, ObjectType type, std::int64_t id, const std::set<std::string>& properties,
                    const std::vector<ObjectType>& associations) const;
  // With the account's field edits when given (labels renamed, options deleted).
  void write_property_definitions(JsonWriter& w, ObjectType type, const FieldEdits* edits = nullptr) const;
  // Whether the type has property `name` (and, given a value, an option with that value).
  bool has_property(ObjectType type, const std::string& name, const std::string* option) const;
  void write_pipelines(JsonWriter& w) const;  // the results array's items
  void write_stage(JsonWriter& w, int pipeline, int stage, bool with_pipeline_id) const;
  int pipeline_count() const;
  int stage_count(int pipeline) const;
  void write_pipeline(JsonWriter& w, int pipeline) const;
  std::int64_t owner_count() const { return hubspot::owner_count(m_records); }

  // Legacy shapes (FACTS HubSpot §3).
  void write_legacy_contact(JsonWriter& w, std::int64_t id) const;
  void write_legacy_company(JsonWriter& w, std::int64_t id, const std::vector<std::string>& properties) const;
  void write_legacy_deal(JsonWriter& w, std::int64_t id, const std::vector<std::string>& properties,
                         bool with_associations) const;
  void write_legacy_engagement(JsonWriter& w, std::int64_t id) const;

 private:
  std::vector<Property> properties_of(ObjectType type, std::int64_t id) const;
  std::optional<std::string> option_value(const std::string& name, std::int64_t id) const;

  std::uint64_t m_seed;
  std::int64_t m_records;
  std::int64_t m_archived;
  int m_custom;
  std::vector<std::string> m_names[4];
  std::vector<std::string> m_defaults[4];
};

// "2024-03-05T10:11:12.345Z"
std::string iso_millis(std::int64_t ms);

}  // namespace crm_fake::hubspot
