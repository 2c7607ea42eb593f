// Pipedrive API v2 record shapes (pipedrive-v2.read.yaml): RFC3339 times, plain integer ids for
// links, custom fields nested under "custom_fields".

#include "tests/fake/pipedrive_facts.hpp"
#include "tests/fake/pipedrive_records.hpp"

namespace crm_fake::pipedrive::detail {
namespace {

void write_time(JsonWriter& w, std::string_view key, EpochSeconds t) {
  write_key(w, key);
  write_string(w, format_iso_utc(t));
}

void write_optional_time(JsonWriter& w, std::string_view key, std::optional<EpochSeconds> t) {
  write_key(w, key);
  if (t)
    write_string(w, format_iso_utc(*t));
  else
    w.Null();
}

void write_contacts(JsonWriter& w, std::string_view key, const std::vector<ContactEntry>& entries) {
  write_key(w, key);
  w.StartArray();
  for (const ContactEntry& e : entries) {
    w.StartObject();
    write_string_field(w, "value", e.value);
    write_bool_field(w, "primary", e.primary);
    write_string_field(w, "label", e.label);
    w.EndObject();
  }
  w.EndArray();
}

void write_address(JsonWriter& w, std::string_view key, const std::optional<PostalAddress>& address) {
  write_key(w, key);
  if (!address) {
    w.Null();
    return;
  }
  w.StartObject();
  write_string_field(w, "value", address->value);
  write_string_field(w, "country", address->country);
  write_string_field(w, "admin_area_level_1", address->admin_area_level_1);
  write_optional_string_field(w, "admin_area_level_2", address->admin_area_level_2);
  write_string_field(w, "locality", address->locality);
  write_optional_string_field(w, "sublocality", address->sublocality);
  write_string_field(w, "route", address->route);
  write_string_field(w, "street_number", address->street_number);
  write_optional_string_field(w, "subpremise", address->subpremise);
  write_string_field(w, "postal_code", address->postal_code);
  w.EndObject();
}

void write_custom_fields(JsonWriter& w, RecordType type, const std::vector<CustomValue>& values) {
  const auto defs = custom_fields_of(type);
  write_key(w, "custom_fields");
  w.StartObject();
  for (std::size_t i = 0; i < defs.size(); ++i) {
    write_key(w, defs[i].key);
    const CustomValue& value = values[i];
    if (std::holds_alternative<std::monostate>(value)) {
      w.Null();
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      write_string(w, *text);
    } else if (const auto* number = std::get_if<std::int64_t>(&value)) {
      if (defs[i].kind == CustomKind::decimal)
        write_hundredths(w, *number);
      else
        w.Int64(*number);
    } else if (const auto* ids = std::get_if<std::vector<std::int64_t>>(&value)) {
      w.StartArray();
      for (const std::int64_t id : *ids) w.Int64(id);
      w.EndArray();
    } else if (const auto* money = std::get_if<Money>(&value)) {
      // v2 renders monetary fields as one object; v1 splits them into two keys.
      w.StartObject();
      write_key(w, "value");
      write_hundredths(w, money->hundredths);
      write_string_field(w, "currency", money->currency);
      w.EndObject();
    }
  }
  w.EndObject();
}

void write_person(JsonWriter& w, const PersonFacts& p) {
  w.StartObject();
  write_int_field(w, "id", p.id);
  write_string_field(w, "name", p.name.full);
  write_string_field(w, "first_name", p.name.first);
  write_string_field(w, "last_name", p.name.last);
  write_int_field(w, "owner_id", p.owner_id);
  write_optional_int_field(w, "org_id", p.org_id);
  write_time(w, "add_time", p.times.add_time);
  write_time(w, "update_time", p.times.update_time);
  write_contacts(w, "emails", p.emails);
  write_contacts(w, "phones", p.phones);
  write_bool_field(w, "is_deleted", false);
  write_int_field(w, "visible_to", p.visible_to);
  write_int_array(w, "label_ids", p.label_ids);
  write_null_field(w, "picture_id");
  write_custom_fields(w, RecordType::person, p.custom);
  w.EndObject();
}

void write_organization(JsonWriter& w, const OrganizationFacts& o) {
  w.StartObject();
  write_int_field(w, "id", o.id);
  write_string_field(w, "name", o.name);
  write_int_field(w, "owner_id", o.owner_id);
  write_time(w, "add_time", o.times.add_time);
  write_time(w, "update_time", o.times.update_time);
  write_address(w, "address", o.address);
  write_bool_field(w, "is_deleted", false);
  write_int_field(w, "visible_to", o.visible_to);
  write_int_array(w, "label_ids", o.label_ids);
  write_custom_fields(w, RecordType::organization, o.custom);
  w.EndObject();
}

void write_deal(JsonWriter& w, const DealFacts& d) {
  w.StartObject();
  write_int_field(w, "id", d.id);
  write_string_field(w, "title", d.title);
  write_int_field(w, "creator_user_id", d.creator_user_id);
  write_int_field(w, "owner_id", d.owner_id);
  write_key(w, "value");
  write_hundredths(w, d.value_hundredths);
  write_optional_int_field(w, "person_id", d.person_id);
  write_optional_int_field(w, "org_id", d.org_id);
  write_int_field(w, "stage_id", d.stage_id);
  write_int_field(w, "pipeline_id", d.pipeline_id);
  write_string_field(w, "currency", d.currency);
  write_time(w, "add_time", d.times.add_time);
  write_time(w, "update_time", d.times.update_time);
  write_optional_time(w, "stage_change_time", d.stage_change_time);
  write_string_field(w, "status", d.status);
  write_bool_field(w, "is_archived", false);
  write_bool_field(w, "is_deleted", false);
  write_optional_int_field(w, "probability", d.probability);
  write_optional_string_field(w, "lost_reason", d.lost_reason);
  write_int_field(w, "visible_to", d.visible_to);
  write_optional_time(w, "close_time", d.close_time);
  write_optional_time(w, "won_time", d.won_time);
  write_optional_time(w, "lost_time", d.lost_time);
  write_optional_string_field(
      w, "expected_close_date",
      d.expected_close_date ? std::optional(format_date(*d.expected_close_date)) : std::nullopt);
  write_int_array(w, "label_ids", d.label_ids);
  write_string_field(w, "origin", d.origin);
  write_null_field(w, "origin_id");
  write_optional_int_field(w, "channel", d.channel);
  write_optional_string_field(w, "channel_id", d.channel_id);
  write_custom_fields(w, RecordType::deal, d.custom);
  w.EndObject();
}

void write_activity(JsonWriter& w, const ActivityFacts& a) {
  w.StartObject();
  write_int_field(w, "id", a.id);
  write_string_field(w, "subject", a.subject);
  write_string_field(w, "type", a.type);
  write_int_field(w, "owner_id", a.owner_id);
  write_int_field(w, "creator_user_id", a.creator_user_id);
  write_bool_field(w, "is_deleted", false);
  write_time(w, "add_time", a.times.add_time);
  write_time(w, "update_time", a.times.update_time);
  write_optional_int_field(w, "deal_id", a.deal_id);
  write_null_field(w, "lead_id");
  write_optional_int_field(w, "person_id", a.person_id);
  write_optional_int_field(w, "org_id", a.org_id);
  write_null_field(w, "project_id");
  write_string_field(w, "due_date", format_date(a.due_date));
  write_optional_string_field(w, "due_time", a.due_time);
  write_optional_string_field(w, "duration", a.duration);
  write_bool_field(w, "busy", a.busy);
  write_bool_field(w, "done", a.done);
  write_optional_time(w, "marked_as_done_time", a.marked_as_done_time);
  write_address(w, "location", a.location);
  write_key(w, "participants");
  w.StartArray();
  for (std::size_t i = 0; i < a.participant_person_ids.size(); ++i) {
    w.StartObject();
    write_int_field(w, "person_id", a.participant_person_ids[i]);
    write_bool_field(w, "primary", i == 0);
    w.EndObject();
  }
  w.EndArray();
  write_null_field(w, "conference_meeting_client");
  write_null_field(w, "conference_meeting_url");
  write_null_field(w, "conference_meeting_id");
  write_null_field(w, "public_description");
  write_null_field(w, "priority");
  write_optional_string_field(w, "note", a.note);
  w.EndObject();
}

void write_pipeline(JsonWriter& w, const PipelineFacts& p) {
  w.StartObject();
  write_int_field(w, "id", p.id);
  write_string_field(w, "name", p.name);
  write_int_field(w, "order_nr", p.order_nr);
  write_bool_field(w, "is_deleted", false);
  write_bool_field(w, "is_deal_probability_enabled", p.deal_probability_enabled);
  write_time(w, "add_time", p.times.add_time);
  write_time(w, "update_time", p.times.update_time);
  w.EndObject();
}

void write_stage(JsonWriter& w, const StageFacts& s) {
  w.StartObject();
  write_int_field(w, "id", s.id);
  write_int_field(w, "order_nr", s.order_nr);
  write_string_field(w, "name", s.name);
  write_bool_field(w, "is_deleted", false);
  write_int_field(w, "deal_probability", s.deal_probability);
  write_int_field(w, "pipeline_id", s.pipeline_id);
  write_bool_field(w, "is_deal_rot_enabled", s.rot_enabled);
  write_optional_int_field(w, "days_to_rotten", s.days_to_rotten);
  write_time(w, "add_time", s.times.add_time);
  write_time(w, "update_time", s.times.update_time);
  w.EndObject();
}

}  // namespace

void write_v2_record(JsonWriter& w, const Dataset& dataset, RecordType type, std::int64_t id) {
  switch (type) {
    case RecordType::person:
      return write_person(w, make_person(dataset, id));
    case RecordType::organization:
      return write_organization(w, make_organization(dataset, id));
    case RecordType::deal:
      return write_deal(w, make_deal(dataset, id));
    case RecordType::activity:
      return write_activity(w, make_activity(dataset, id));
    case RecordType::pipeline:
      return write_pipeline(w, make_pipeline(dataset, id));
    case RecordType::stage:
      return write_stage(w, make_stage(dataset, id));
    case RecordType::note:
    case RecordType::user:
      break;  // v1 only: callers check has_v2()
  }
  w.Null();
}

}  // namespace crm_fake::pipedrive::detail
