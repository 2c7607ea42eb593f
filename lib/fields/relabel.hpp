#pragma once
// Readable records: custom fields keyed by their readable names, option values replaced by their
// labels, where the type's FieldsSpec says the values sit. Everything else in a record is left as
// the provider wrote it (numbers keep their characters); a value that names no known option (or
// a field the metadata never listed) is kept as it is.
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/fields/spec.hpp"
#include "lib/json/page.hpp"
#include "lib/json/tree.hpp"

namespace crmexport::fields {

// Placement::joined: each record's custom values, named and labeled, as the members of one JSON
// object ("\"Name\":value,..." without braces), by the record's id as plain text.
using JoinedValuesByRecord = std::unordered_map<std::string, std::string>;

// One item of a JoinedValues collection: whose value it is, for which field, and the value as the
// API gives it (money as {value, currency}).
struct JoinedItem {
  std::string record;  // the record's id as plain text
  std::string key;     // the field's key as plain text
  json::Node value;
};
Result<JoinedItem> read_joined_item(const JoinedValues& joined, std::string_view item);

// Adds "KEY":value (as the API gave it) to the members of a JSON object, for values kept raw.
void append_raw_member(std::string& members, const std::string& key, const json::Node& value);

// Placement::side_loaded: each value beside the page's records, as the API gives it, in order.
void for_each_side_loaded(const FieldsSpec& spec, const json::Page& page,
                          const std::function<void(const std::string& record, const std::string& key, json::Node value)>& each);

class Relabeler {
 public:
  // `fields` named (naming.hpp); the spec outlives the relabeler.
  Relabeler(const FieldsSpec& spec, std::vector<Field> fields);

  // One record (compact JSON object) made readable.
  Result<std::string> relabel(std::string_view record) const;
  // Every record of a page, in place.
  Result<void> relabel_page(json::Page& page) const;

  // Placement::joined: one item of the values collection (compact JSON) added to `into`.
  Result<void> add_joined_item(std::string_view item, JoinedValuesByRecord& into) const;
  // Placement::joined: the values every page's records are joined with.
  void set_joined(JoinedValuesByRecord joined) { m_joined = std::move(joined); }

  const std::vector<Field>& fields() const { return m_fields; }
  const Field* find(std::string_view key) const;

 private:
  Result<void> add_side_loaded(json::Page& page) const;
  void append_member(std::string& members, const std::string& key, json::Node value) const;
  Result<void> attach(json::Page& page, const JoinedValuesByRecord& by_record) const;

  const FieldsSpec& m_spec;
  std::vector<Field> m_fields;
  std::unordered_map<std::string, size_t> m_by_key;
  JoinedValuesByRecord m_joined;
};

}  // namespace crmexport::fields
