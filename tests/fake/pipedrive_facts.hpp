#pragma once
// The underlying values of one generated Pipedrive record, independent of API version. The v1
// and v2 writers render the same facts in their two shapes, as the real API renders one
// account twice: same ids, names and times, different spelling.

#include "tests/fake/pipedrive_custom_fields.hpp"
#include "tests/fake/pipedrive_dataset.hpp"
#include "tests/fake/text_gen.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crm_fake::pipedrive {

struct ContactEntry {
  std::string value;
  bool primary = false;
  std::string label;
};

struct UserFacts {
  std::int64_t id = 0;
  std::string name;
  std::string email;
  std::optional<std::string> phone;
  RecordTimes times{};
  EpochSeconds last_login = 0;
  std::string default_currency;
  std::string locale;
  std::string timezone_name;
  std::string timezone_offset;
  std::optional<std::string> icon_url;
  std::optional<std::string> pic_hash;
  std::string sales_permission_set_id;
  std::string global_permission_set_id;
  bool active = true;
  bool is_admin = false;
  bool is_you = false;
};

struct OrganizationFacts {
  std::int64_t id = 0;
  std::string name;
  std::int64_t owner_id = 0;
  RecordTimes times{};
  int visible_to = 3;
  std::vector<std::int64_t> label_ids;
  std::optional<PostalAddress> address;
  std::int64_t people_count = 0;
  std::int64_t open_deals_count = 0;
  std::int64_t closed_deals_count = 0;
  std::vector<CustomValue> custom;
};

struct PersonFacts {
  std::int64_t id = 0;
  PersonName name;
  std::int64_t owner_id = 0;
  std::optional<std::int64_t> org_id;
  RecordTimes times{};
  std::vector<ContactEntry> emails;
  std::vector<ContactEntry> phones;
  int visible_to = 3;
  std::vector<std::int64_t> label_ids;
  std::int64_t open_deals_count = 0;
  std::int64_t closed_deals_count = 0;
  std::int64_t notes_count = 0;
  std::vector<CustomValue> custom;
};

struct DealFacts {
  std::int64_t id = 0;
  std::string title;
  std::int64_t creator_user_id = 0;
  std::int64_t owner_id = 0;
  std::int64_t value_hundredths = 0;
  std::string currency;
  std::optional<std::int64_t> person_id;
  std::optional<std::int64_t> org_id;
  std::int64_t pipeline_id = 0;
  std::int64_t stage_id = 0;
  std::string status;  // open, won, lost
  RecordTimes times{};
  std::optional<EpochSeconds> stage_change_time;
  std::optional<EpochSeconds> close_time;
  std::optional<EpochSeconds> won_time;
  std::optional<EpochSeconds> lost_time;
  std::optional<EpochSeconds> expected_close_date;
  std::optional<std::int64_t> probability;
  std::optional<std::string> lost_reason;
  int visible_to = 3;
  std::vector<std::int64_t> label_ids;
  std::string origin;
  std::optional<std::int64_t> channel;
  std::optional<std::string> channel_id;
  std::vector<CustomValue> custom;
};

struct ActivityFacts {
  std::int64_t id = 0;
  std::string subject;
  std::string type;
  std::int64_t owner_id = 0;
  std::int64_t creator_user_id = 0;
  RecordTimes times{};
  std::optional<std::int64_t> deal_id;
  std::optional<std::int64_t> person_id;
  std::optional<std::int64_t> org_id;
  EpochSeconds due_date = 0;
  std::optional<std::string> due_time;  // "15:00:00"
  std::optional<std::string> duration;  // "01:00:00"
  bool busy = false;
  bool done = false;
  std::optional<EpochSeconds> marked_as_done_time;
  std::optional<PostalAddress> location;
  std::vector<std::int64_t> participant_person_ids;  // the first is primary
  std::optional<std::string> note;
};

struct PipelineFacts {
  std::int64_t id = 0;
  std::string name;
  std::int64_t order_nr = 0;
  bool deal_probability_enabled = true;
  RecordTimes times{};
};

struct StageFacts {
  std::int64_t id = 0;
  std::int64_t order_nr = 0;
  std::string name;
  std::int64_t deal_probability = 100;
  std::int64_t pipeline_id = 0;
  bool rot_enabled = false;
  std::optional<std::int64_t> days_to_rotten;
  RecordTimes times{};
};

struct NoteFacts {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::optional<std::int64_t> deal_id;
  std::optional<std::int64_t> person_id;
  std::optional<std::int64_t> org_id;
  std::string content;  // HTML
  RecordTimes times{};
  bool pinned_to_deal = false;
  bool pinned_to_person = false;
  bool pinned_to_organization = false;
  std::int64_t last_update_user_id = 0;
};

UserFacts make_user(const Dataset& dataset, std::int64_t id);
OrganizationFacts make_organization(const Dataset& dataset, std::int64_t id);
PersonFacts make_person(const Dataset& dataset, std::int64_t id);
DealFacts make_deal(const Dataset& dataset, std::int64_t id);
ActivityFacts make_activity(const Dataset& dataset, std::int64_t id);
PipelineFacts make_pipeline(const Dataset& dataset, std::int64_t id);
StageFacts make_stage(const Dataset& dataset, std::int64_t id);
NoteFacts make_note(const Dataset& dataset, std::int64_t id);

// The account's company, as /users/me reports it.
inline constexpr std::int64_t k_company_id = 7654321;
inline constexpr std::string_view k_company_name = "Fake Company, Inc.";
inline constexpr std::string_view k_company_domain = "fake";
inline constexpr std::string_view k_cc_email = "fake@pipedrivemail.com";

}  // namespace crm_fake::pipedrive
