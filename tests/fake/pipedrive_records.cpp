#include "tests/fake/pipedrive_records.hpp"

namespace crm_fake::pipedrive {

bool has_v2(RecordType type) { return type != RecordType::note && type != RecordType::user; }

ApiVersion default_version(RecordType type) { return has_v2(type) ? ApiVersion::v2 : ApiVersion::v1; }

void write_record(JsonWriter& w, const Dataset& dataset, RecordType type, ApiVersion version, std::int64_t id) {
  if (version == ApiVersion::v2)
    detail::write_v2_record(w, dataset, type, id);
  else
    detail::write_v1_record(w, dataset, type, id);
}

bool has_related_objects(RecordType type) {
  return type == RecordType::person || type == RecordType::organization || type == RecordType::deal;
}

}  // namespace crm_fake::pipedrive
