#pragma once
// Serializes generated Pipedrive records in the v1 or v2 shape. The HTTP endpoints and --dump
// both go through write_record, so the dump is byte-identical to what the API serves.

#include "tests/fake/json_util.hpp"
#include "tests/fake/pipedrive_dataset.hpp"

#include <cstdint>
#include <span>

namespace crm_fake::pipedrive {

enum class ApiVersion { v1, v2 };

// Notes and users exist only in v1; everything else has a v2 list and a deprecated v1 one.
bool has_v2(RecordType type);

// The shape a current client gets: v2 where Pipedrive has it.
ApiVersion default_version(RecordType type);

// Precondition: the type is served in that version (v2 only for has_v2 types).
void write_record(JsonWriter& w, const Dataset& dataset, RecordType type, ApiVersion version, std::int64_t id);

// v1 lists of persons, organizations and deals carry "related_objects" beside "data": the users,
// organizations and persons the page's records point to, keyed by id.
bool has_related_objects(RecordType type);
void write_related_objects(JsonWriter& w, const Dataset& dataset, RecordType type, std::span<const std::int64_t> ids);

// GET /v1/users/me: user 1 with the company fields.
void write_current_user(JsonWriter& w, const Dataset& dataset);

namespace detail {
void write_v2_record(JsonWriter& w, const Dataset& dataset, RecordType type, std::int64_t id);
void write_v1_record(JsonWriter& w, const Dataset& dataset, RecordType type, std::int64_t id);
}  // namespace detail

}  // namespace crm_fake::pipedrive
