// Pipedrive API v1 record shapes. These differ from v2 as the real API does: "YYYY-MM-DD HH:MM:SS"
// times, links as embedded objects whose "value" is the id, visible_to as a string, custom
// fields at the top level (monetary split into KEY and KEY_currency, sets as "1,2"), and a
// person without email still listing one empty entry.

#include "tests/fake/pipedrive_facts.hpp"
#include "tests/fake/pipedrive_records.hpp"
#include "tests/fake/pipedrive_v1_parts.hpp"

#include <fmt/format.h>

namespace crm_fake::pipedrive::detail {
namespace {

using namespace v1;

void write_custom_fields(JsonWriter& w, RecordType type, const std::vector<CustomValue>& values) {
  const auto defs = custom_fields_of(type);
  for (std::size_t i = 0; i < defs.size(); ++i) {
    const CustomValue& value = values[i];
    write_key(w, defs[i].key);
    if (std::holds_alternative<std::monostate>(value)) {
      w.Null();
      if (defs[i].kind == CustomKind::monetary) write_null_field(w, defs[i].key + "_currency");
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      write_string(w, *text);
    } else if (const auto* number = std::get_if<std::int64_t>(&value)) {
      if (defs[i].kind == CustomKind::decimal)
        write_hundredths(w, *number);
      else
        w.Int64(*number);
    } else if (const auto* ids = std::get_if<std::vector<std::int64_t>>(&value)) {
      write_string(w, fmt::format("{}", fmt::join(*ids, ",")));
    } else if (const auto* money = std::get_if<Money>(&value)) {
      write_hundredths(w, money->hundredths);
      write_string_field(w, defs[i].key + "_currency", money->currency);
    }
  }
}

void write_person(JsonWriter& w, const Dataset& dataset, const PersonFacts& p) {
  const UserFacts owner = make_user(dataset, p.owner_id);
  w.StartObject();
  write_int_field(w, "id", p.id);
  write_int_field(w, "company_id", k_company_id);
  write_user_ref(w, "owner_id", owner);
  write_org_ref(w, "org_id", dataset, p.org_id);
  write_string_field(w, "name", p.name.full);
  write_string_field(w, "first_name", p.name.first);
  write_string_field(w, "last_name", p.name.last);
  write_int_field(w, "open_deals_count", p.open_deals_count);
  write_int_field(w, "related_open_deals_count", 0);
  write_int_field(w, "closed_deals_count", p.closed_deals_count);
  write_int_field(w, "related_closed_deals_count", 0);
  write_zero_counts(w, {"email_messages_count", "activities_count", "done_activities_count", "undone_activities_count",
                        "files_count"});
  write_int_field(w, "notes_count", p.notes_count);
  write_int_field(w, "followers_count", 1);
  write_bool_field(w, "active_flag", true);
  write_contacts(w, "phone", p.phones);
  write_contacts(w, "email", p.emails);
  write_string_field(w, "first_char", first_char(p.name.full));
  write_time(w, "update_time", p.times.update_time);
  write_null_field(w, "delete_time");
  write_time(w, "add_time", p.times.add_time);
  write_string_field(w, "visible_to", visible_to_text(p.visible_to));
  write_nulls(w, {"picture_id", "next_activity_date", "next_activity_time", "next_activity_id", "last_activity_id",
                  "last_activity_date", "last_incoming_mail_time", "last_outgoing_mail_time"});
  write_optional_int_field(w, "label", p.label_ids.empty() ? std::nullopt : std::optional(p.label_ids.front()));
  write_int_array(w, "label_ids", p.label_ids);
  write_optional_string_field(w, "org_name",
                              p.org_id ? std::optional(make_organization(dataset, *p.org_id).name) : std::nullopt);
  write_string_field(w, "owner_name", owner.name);
  write_string_field(w, "cc_email", k_cc_email);
  write_custom_fields(w, RecordType::person, p.custom);
  w.EndObject();
}

void write_organization(JsonWriter& w, const Dataset& dataset, const OrganizationFacts& o) {
  const UserFacts owner = make_user(dataset, o.owner_id);
  const std::optional<PostalAddress>& a = o.address;
  w.StartObject();
  write_int_field(w, "id", o.id);
  write_int_field(w, "company_id", k_company_id);
  write_user_ref(w, "owner_id", owner);
  write_string_field(w, "name", o.name);
  write_int_field(w, "open_deals_count", o.open_deals_count);
  write_int_field(w, "related_open_deals_count", 0);
  write_int_field(w, "closed_deals_count", o.closed_deals_count);
  write_int_field(w, "related_closed_deals_count", 0);
  write_int_field(w, "email_messages_count", 0);
  write_int_field(w, "people_count", o.people_count);
  write_zero_counts(
      w, {"activities_count", "done_activities_count", "undone_activities_count", "files_count", "notes_count"});
  write_int_field(w, "followers_count", 1);
  write_bool_field(w, "active_flag", true);
  write_nulls(w, {"picture_id", "country_code"});
  write_string_field(w, "first_char", first_char(o.name));
  write_time(w, "update_time", o.times.update_time);
  write_null_field(w, "delete_time");
  write_time(w, "add_time", o.times.add_time);
  write_string_field(w, "visible_to", visible_to_text(o.visible_to));
  write_nulls(
      w, {"next_activity_date", "next_activity_time", "next_activity_id", "last_activity_id", "last_activity_date"});
  write_optional_int_field(w, "label", o.label_ids.empty() ? std::nullopt : std::optional(o.label_ids.front()));
  write_int_array(w, "label_ids", o.label_ids);
  const auto part = [&a](std::optional<std::string> PostalAddress::*member) { return a ? (*a).*member : std::nullopt; };
  const auto text = [&a](std::string PostalAddress::*member) { return a ? std::optional((*a).*member) : std::nullopt; };
  write_optional_string_field(w, "address", text(&PostalAddress::value));
  write_optional_string_field(w, "address_subpremise", part(&PostalAddress::subpremise));
  write_optional_string_field(w, "address_street_number", text(&PostalAddress::street_number));
  write_optional_string_field(w, "address_route", text(&PostalAddress::route));
  write_optional_string_field(w, "address_sublocality", part(&PostalAddress::sublocality));
  write_optional_string_field(w, "address_locality", text(&PostalAddress::locality));
  write_optional_string_field(w, "address_admin_area_level_1", text(&PostalAddress::admin_area_level_1));
  write_optional_string_field(w, "address_admin_area_level_2", part(&PostalAddress::admin_area_level_2));
  write_optional_string_field(w, "address_country", text(&PostalAddress::country));
  write_optional_string_field(w, "address_postal_code", text(&PostalAddress::postal_code));
  write_optional_string_field(w, "address_formatted_address", text(&PostalAddress::value));
  write_string_field(w, "owner_name", owner.name);
  write_string_field(w, "cc_email", k_cc_email);
  write_custom_fields(w, RecordType::organization, o.custom);
  w.EndObject();
}

void write_deal(JsonWriter& w, const Dataset& dataset, const DealFacts& d) {
  const UserFacts owner = make_user(dataset, d.owner_id);
  const std::optional<PersonFacts> person =
      d.person_id ? std::optional(make_person(dataset, *d.person_id)) : std::nullopt;
  const std::optional<std::string> org_name =
      d.org_id ? std::optional(make_organization(dataset, *d.org_id).name) : std::nullopt;
  const StageFacts stage = make_stage(dataset, d.stage_id);
  const std::int64_t weight = d.probability.value_or(stage.deal_probability);
  const std::int64_t weighted = d.value_hundredths * weight / 100;

  w.StartObject();
  write_int_field(w, "id", d.id);
  write_user_ref(w, "creator_user_id", make_user(dataset, d.creator_user_id));
  write_user_ref(w, "user_id", owner);
  write_key(w, "person_id");
  if (person) {
    w.StartObject();
    write_bool_field(w, "active_flag", true);
    write_string_field(w, "name", person->name.full);
    write_contacts(w, "email", person->emails);
    write_contacts(w, "phone", person->phones);
    write_int_field(w, "owner_id", person->owner_id);
    write_int_field(w, "value", person->id);
    w.EndObject();
  } else {
    w.Null();
  }
  write_org_ref(w, "org_id", dataset, d.org_id);
  write_int_field(w, "stage_id", d.stage_id);
  write_string_field(w, "title", d.title);
  write_key(w, "value");
  write_hundredths(w, d.value_hundredths);
  write_nulls(w, {"acv", "mrr", "arr"});
  write_string_field(w, "currency", d.currency);
  write_time(w, "add_time", d.times.add_time);
  write_time(w, "update_time", d.times.update_time);
  write_optional_time(w, "stage_change_time", d.stage_change_time);
  write_bool_field(w, "active", d.status == "open");
  write_bool_field(w, "deleted", false);
  write_string_field(w, "status", d.status);
  write_optional_int_field(w, "probability", d.probability);
  write_nulls(
      w, {"next_activity_date", "next_activity_time", "next_activity_id", "last_activity_id", "last_activity_date"});
  write_optional_string_field(w, "lost_reason", d.lost_reason);
  write_string_field(w, "visible_to", visible_to_text(d.visible_to));
  write_optional_time(w, "close_time", d.close_time);
  write_int_field(w, "pipeline_id", d.pipeline_id);
  write_optional_time(w, "won_time", d.won_time);
  write_optional_time(w, "first_won_time", d.won_time);
  write_optional_time(w, "lost_time", d.lost_time);
  write_zero_counts(w, {"products_count", "files_count", "notes_count"});
  write_int_field(w, "followers_count", 1);
  write_zero_counts(w,
                    {"email_messages_count", "activities_count", "done_activities_count", "undone_activities_count"});
  write_int_field(w, "participants_count", person ? 1 : 0);
  write_optional_date(w, "expected_close_date", d.expected_close_date);
  write_nulls(w, {"last_incoming_mail_time", "last_outgoing_mail_time"});
  write_optional_int_field(w, "label", d.label_ids.empty() ? std::nullopt : std::optional(d.label_ids.front()));
  write_int_array(w, "label_ids", d.label_ids);
  write_optional_date(w, "local_won_date", d.won_time);
  write_optional_date(w, "local_lost_date", d.lost_time);
  write_optional_date(w, "local_close_date", d.close_time);
  write_string_field(w, "origin", d.origin);
  write_null_field(w, "origin_id");
  write_optional_int_field(w, "channel", d.channel);
  write_optional_string_field(w, "channel_id", d.channel_id);
  write_int_field(w, "stage_order_nr", stage.order_nr);
  write_optional_string_field(w, "person_name", person ? std::optional(person->name.full) : std::nullopt);
  write_optional_string_field(w, "org_name", org_name);
  write_nulls(w, {"next_activity_subject", "next_activity_type", "next_activity_duration", "next_activity_note"});
  write_string_field(w, "formatted_value", formatted_money(d.value_hundredths, d.currency));
  write_key(w, "weighted_value");
  write_hundredths(w, weighted);
  write_string_field(w, "formatted_weighted_value", formatted_money(weighted, d.currency));
  write_string_field(w, "weighted_value_currency", d.currency);
  write_null_field(w, "rotten_time");
  write_string_field(w, "owner_name", owner.name);
  write_string_field(w, "cc_email", fmt::format("fake+deal{}@pipedrivemail.com", d.id));
  write_bool_field(w, "org_hidden", false);
  write_bool_field(w, "person_hidden", false);
  write_custom_fields(w, RecordType::deal, d.custom);
  w.EndObject();
}

void write_pipeline(JsonWriter& w, const PipelineFacts& p) {
  w.StartObject();
  write_int_field(w, "id", p.id);
  write_string_field(w, "name", p.name);
  write_string_field(w, "url_title", url_title(p.name));
  write_int_field(w, "order_nr", p.order_nr);
  write_bool_field(w, "active", true);
  write_bool_field(w, "deal_probability", p.deal_probability_enabled);
  write_time(w, "add_time", p.times.add_time);
  write_time(w, "update_time", p.times.update_time);
  write_bool_field(w, "selected", p.id == 1);
  w.EndObject();
}

void write_stage(JsonWriter& w, const Dataset& dataset, const StageFacts& s) {
  const PipelineFacts pipeline = make_pipeline(dataset, s.pipeline_id);
  w.StartObject();
  write_int_field(w, "id", s.id);
  write_int_field(w, "order_nr", s.order_nr);
  write_string_field(w, "name", s.name);
  write_bool_field(w, "active_flag", true);
  write_int_field(w, "deal_probability", s.deal_probability);
  write_int_field(w, "pipeline_id", s.pipeline_id);
  write_bool_field(w, "rotten_flag", s.rot_enabled);
  write_optional_int_field(w, "rotten_days", s.days_to_rotten);
  write_time(w, "add_time", s.times.add_time);
  write_time(w, "update_time", s.times.update_time);
  write_string_field(w, "pipeline_name", pipeline.name);
  write_bool_field(w, "pipeline_deal_probability", pipeline.deal_probability_enabled);
  w.EndObject();
}

void write_note(JsonWriter& w, const Dataset& dataset, const NoteFacts& n) {
  const UserFacts user = make_user(dataset, n.user_id);
  w.StartObject();
  write_int_field(w, "id", n.id);
  write_bool_field(w, "active_flag", true);
  write_time(w, "add_time", n.times.add_time);
  write_string_field(w, "content", n.content);
  write_key(w, "deal");
  if (n.deal_id) {
    w.StartObject();
    write_string_field(w, "title", make_deal(dataset, *n.deal_id).title);
    w.EndObject();
  } else {
    w.Null();
  }
  write_null_field(w, "lead_id");
  write_optional_int_field(w, "deal_id", n.deal_id);
  write_int_field(w, "last_update_user_id", n.last_update_user_id);
  write_optional_int_field(w, "org_id", n.org_id);
  write_key(w, "organization");
  if (n.org_id) {
    w.StartObject();
    write_string_field(w, "name", make_organization(dataset, *n.org_id).name);
    w.EndObject();
  } else {
    w.Null();
  }
  write_key(w, "person");
  if (n.person_id) {
    w.StartObject();
    write_string_field(w, "name", make_person(dataset, *n.person_id).name.full);
    w.EndObject();
  } else {
    w.Null();
  }
  write_optional_int_field(w, "person_id", n.person_id);
  write_nulls(w, {"project_id", "project"});
  write_bool_field(w, "pinned_to_lead_flag", false);
  write_bool_field(w, "pinned_to_deal_flag", n.pinned_to_deal);
  write_bool_field(w, "pinned_to_organization_flag", n.pinned_to_organization);
  write_bool_field(w, "pinned_to_person_flag", n.pinned_to_person);
  write_bool_field(w, "pinned_to_project_flag", false);
  write_time(w, "update_time", n.times.update_time);
  write_key(w, "user");
  w.StartObject();
  write_string_field(w, "email", user.email);
  write_optional_string_field(w, "icon_url", user.icon_url);
  write_bool_field(w, "is_you", user.is_you);
  write_string_field(w, "name", user.name);
  w.EndObject();
  write_int_field(w, "user_id", n.user_id);
  w.EndObject();
}

void write_user(JsonWriter& w, const UserFacts& u) {
  w.StartObject();
  write_user_fields(w, u);
  w.EndObject();
}

}  // namespace

void write_v1_record(JsonWriter& w, const Dataset& dataset, RecordType type, std::int64_t id) {
  switch (type) {
    case RecordType::person:
      return write_person(w, dataset, make_person(dataset, id));
    case RecordType::organization:
      return write_organization(w, dataset, make_organization(dataset, id));
    case RecordType::deal:
      return write_deal(w, dataset, make_deal(dataset, id));
    case RecordType::pipeline:
      return write_pipeline(w, make_pipeline(dataset, id));
    case RecordType::stage:
      return write_stage(w, dataset, make_stage(dataset, id));
    case RecordType::note:
      return write_note(w, dataset, make_note(dataset, id));
    case RecordType::user:
      return write_user(w, make_user(dataset, id));
    case RecordType::activity:
      break;  // served through v2 only
  }
  w.Null();
}

}  // namespace crm_fake::pipedrive::detail
