#pragma once
// ActiveCampaign's deal and account custom fields, which live apart from contacts' (/api/3/fields):
// definitions at /api/3/{deal,account}CustomFieldMeta ({id, fieldLabel, fieldType, fieldOptions:
// ["Option 1", ...] or null}) and values in a collection of their own,
// /api/3/{deal,account}CustomFieldData ({dealId|accountId, customFieldId, fieldValue, and
// fieldCurrency for currency fields, whose values are cents}). Both page by limit (default 20,
// max 100) and offset with meta.total, like every v3 list; neither is side-loaded by the deals or
// accounts lists. Records without a value have no datum.

#include "tests/fake/field_edits.hpp"
#include "tests/fake/json_util.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace crm_fake::activecampaign {

enum class CustomObject { deal, account };

class CustomFields {
 public:
  explicit CustomFields(std::uint64_t seed);

  // The Meta page from `offset`, `limit` definitions long, with the account's edits (type "deals"
  // or "accounts"; an option's id is its text).
  std::string meta_page(CustomObject object, std::int64_t offset, std::int64_t limit, const FieldEdits& edits) const;
  // Whether the object has the field `id` (and this option, when given).
  static bool has_field(CustomObject object, const std::string& id, const std::string* option);
  // The Data page from `offset`, `limit` values long, for records 1..`records`.
  std::string data_page(CustomObject object, std::int64_t records, std::int64_t offset, std::int64_t limit) const;

  // For --dump: one line per definition (as served) and one per value (as served).
  std::vector<std::string> meta_lines(CustomObject object, const FieldEdits* edits = nullptr) const;
  std::vector<std::string> data_lines(CustomObject object, std::int64_t records) const;

 private:
  std::uint64_t m_seed;
  mutable std::mutex m_mutex;
  // Every value, made at the first request (an export reads the whole collection), per object.
  mutable std::map<CustomObject, std::pair<std::int64_t, std::vector<std::string>>> m_values;
};

// "deal" / "account": the resources' prefix.
std::string object_name(CustomObject object);

}  // namespace crm_fake::activecampaign
