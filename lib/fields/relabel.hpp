#pragma once
// Readable records: custom fields keyed by their readable names, option values replaced by their
// labels, where the type's FieldsSpec says the values sit. Everything else in a record is left as
// the provider wrote it (numbers keep their characters); a value that names no known option (or
// a field the metadata never listed) is kept as it is.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/fields/spec.hpp"
#include "lib/json/page.hpp"

namespace crmexport::fields {

class Relabeler {
 public:
  // `fields` named (naming.hpp); the spec outlives the relabeler.
  Relabeler(const FieldsSpec& spec, std::vector<Field> fields);

  // One record (compact JSON object) made readable.
  Result<std::string> relabel(std::string_view record) const;
  // Every record of a page, in place.
  Result<void> relabel_page(json::Page& page) const;

  const std::vector<Field>& fields() const { return m_fields; }
  const Field* find(std::string_view key) const;

 private:
  Result<void> add_side_loaded(json::Page& page) const;

  const FieldsSpec& m_spec;
  std::vector<Field> m_fields;
  std::unordered_map<std::string, size_t> m_by_key;
};

}  // namespace crmexport::fields
