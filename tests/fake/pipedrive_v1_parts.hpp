#pragma once
// Building blocks shared by the v1 record writers: v1 time spelling, embedded user and
// organization objects (whose "value" is the id), and v1's quirks.

#include "tests/fake/json_util.hpp"
#include "tests/fake/pipedrive_facts.hpp"

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crm_fake::pipedrive::v1 {

// "2024-03-05 10:11:12"
void write_time(JsonWriter& w, std::string_view key, EpochSeconds t);
void write_optional_time(JsonWriter& w, std::string_view key, std::optional<EpochSeconds> t);
// "2024-03-05"
void write_optional_date(JsonWriter& w, std::string_view key, std::optional<EpochSeconds> t);
void write_nulls(JsonWriter& w, std::initializer_list<std::string_view> keys);
void write_zero_counts(JsonWriter& w, std::initializer_list<std::string_view> keys);

// v1 lists an empty primary entry for a person with no email or phone.
void write_contacts(JsonWriter& w, std::string_view key, const std::vector<ContactEntry>& entries);

// The first character, lowercased where that is plain ASCII (v1's "first_char").
std::string first_char(std::string_view name);
std::string visible_to_text(int visible_to);
std::string url_title(std::string_view name);

void write_user_ref_body(JsonWriter& w, const UserFacts& u);
void write_user_ref(JsonWriter& w, std::string_view key, const UserFacts& u);
void write_org_ref_body(JsonWriter& w, const OrganizationFacts& o);
// null when the record links no organization.
void write_org_ref(JsonWriter& w, std::string_view key, const Dataset& dataset, std::optional<std::int64_t> org_id);

// The fields of a v1 user, without the enclosing object (users/me appends company fields).
void write_user_fields(JsonWriter& w, const UserFacts& u);

}  // namespace crm_fake::pipedrive::v1
