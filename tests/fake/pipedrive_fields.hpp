#pragma once
// Pipedrive's field metadata: the v2 Fields API (GET /api/v2/{person,organization,deal,activity,
// product}Fields, cursor paging) and v1 GET /v1/*Fields (start/limit), built-in and custom fields,
// matching the custom values the records carry (pipedrive_custom_fields.hpp). Labels can be
// renamed and options deleted at run time (admin endpoints), as users do in the real account.

#include "tests/fake/json_util.hpp"
#include "tests/fake/pipedrive_dataset.hpp"

#include <httplib.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace crm_fake::pipedrive {

struct FieldOption {
  std::string id;  // JSON text: 141 or "open"
  std::string label;
  bool deleted = false;  // v2 leaves it out; v1 lists it under options_deleted
};

struct FieldDefinition {
  std::string key;
  std::string label;
  std::string type;  // Pipedrive's field_type
  bool custom = false;
  std::vector<FieldOption> options;
};

class FieldCatalog {
 public:
  FieldCatalog();
  std::vector<FieldDefinition> of(RecordType type) const;
  bool rename(RecordType type, std::string_view key, std::string_view label);
  bool delete_option(RecordType type, std::string_view key, std::string_view option_id);

 private:
  mutable std::mutex m_mutex;
  std::vector<std::vector<FieldDefinition>> m_fields;  // by RecordType
};

// The record type a metadata path names ("deal" of dealFields); nullopt for productFields (the
// fake account has no products, so its answer lists no fields).
std::optional<RecordType> type_from_singular(std::string_view singular);

void serve_v2_fields(const FieldCatalog& catalog, std::optional<RecordType> type, const httplib::Request& req,
                     httplib::Response& res);
void serve_v1_fields(const FieldCatalog& catalog, std::optional<RecordType> type, const httplib::Request& req,
                     httplib::Response& res);
// One v2 (or v1) item as the endpoints write it, for --dump.
void write_field_item(JsonWriter& w, const FieldDefinition& field, bool v1);

}  // namespace crm_fake::pipedrive
