#include "tests/fake/pipedrive_v1_parts.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace crm_fake::pipedrive::v1 {

void write_time(JsonWriter& w, std::string_view key, EpochSeconds t) {
  write_key(w, key);
  write_string(w, format_sql_utc(t));
}

void write_optional_time(JsonWriter& w, std::string_view key, std::optional<EpochSeconds> t) {
  write_key(w, key);
  if (t)
    write_string(w, format_sql_utc(*t));
  else
    w.Null();
}

void write_optional_date(JsonWriter& w, std::string_view key, std::optional<EpochSeconds> t) {
  write_key(w, key);
  if (t)
    write_string(w, format_date(*t));
  else
    w.Null();
}

void write_nulls(JsonWriter& w, std::initializer_list<std::string_view> keys) {
  for (const std::string_view key : keys) write_null_field(w, key);
}

void write_zero_counts(JsonWriter& w, std::initializer_list<std::string_view> keys) {
  for (const std::string_view key : keys) write_int_field(w, key, 0);
}

void write_contacts(JsonWriter& w, std::string_view key, const std::vector<ContactEntry>& entries) {
  write_key(w, key);
  w.StartArray();
  if (entries.empty()) {
    w.StartObject();
    write_string_field(w, "value", "");
    write_bool_field(w, "primary", true);
    w.EndObject();
  }
  for (const ContactEntry& e : entries) {
    w.StartObject();
    write_string_field(w, "label", e.label);
    write_string_field(w, "value", e.value);
    write_bool_field(w, "primary", e.primary);
    w.EndObject();
  }
  w.EndArray();
}

std::string first_char(std::string_view name) {
  if (name.empty()) return {};
  const auto lead = static_cast<unsigned char>(name[0]);
  if (lead < 0x80) return std::string(1, static_cast<char>(lead >= 'A' && lead <= 'Z' ? lead + ('a' - 'A') : lead));
  std::size_t length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return std::string(name.substr(0, std::min(length, name.size())));
}

std::string visible_to_text(int visible_to) { return std::to_string(visible_to); }

std::string url_title(std::string_view name) {
  std::string slug;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9'))
      slug += c;
    else if (u >= 'A' && u <= 'Z')
      slug += static_cast<char>(u + ('a' - 'A'));
    else if (!slug.empty() && slug.back() != '-')
      slug += '-';
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

void write_user_ref_body(JsonWriter& w, const UserFacts& u) {
  write_int_field(w, "id", u.id);
  write_string_field(w, "name", u.name);
  write_string_field(w, "email", u.email);
  write_int_field(w, "has_pic", u.pic_hash ? 1 : 0);
  write_optional_string_field(w, "pic_hash", u.pic_hash);
  write_bool_field(w, "active_flag", u.active);
}

void write_user_ref(JsonWriter& w, std::string_view key, const UserFacts& u) {
  write_key(w, key);
  w.StartObject();
  write_user_ref_body(w, u);
  write_int_field(w, "value", u.id);
  w.EndObject();
}

void write_org_ref_body(JsonWriter& w, const OrganizationFacts& o) {
  write_string_field(w, "name", o.name);
  write_int_field(w, "people_count", o.people_count);
  write_int_field(w, "owner_id", o.owner_id);
  write_optional_string_field(w, "address", o.address ? std::optional(o.address->value) : std::nullopt);
  write_bool_field(w, "active_flag", true);
  write_string_field(w, "cc_email", k_cc_email);
}

void write_org_ref(JsonWriter& w, std::string_view key, const Dataset& dataset, std::optional<std::int64_t> org_id) {
  write_key(w, key);
  if (!org_id) {
    w.Null();
    return;
  }
  w.StartObject();
  write_org_ref_body(w, make_organization(dataset, *org_id));
  write_int_field(w, "value", *org_id);
  w.EndObject();
}

void write_user_fields(JsonWriter& w, const UserFacts& u) {
  write_int_field(w, "id", u.id);
  write_string_field(w, "name", u.name);
  write_string_field(w, "default_currency", u.default_currency);
  write_string_field(w, "locale", u.locale);
  write_int_field(w, "lang", 1);
  write_string_field(w, "email", u.email);
  write_optional_string_field(w, "phone", u.phone);
  write_bool_field(w, "activated", u.active);
  write_time(w, "last_login", u.last_login);
  write_time(w, "created", u.times.add_time);
  write_time(w, "modified", u.times.update_time);
  write_bool_field(w, "has_created_company", u.is_you);
  write_key(w, "access");
  w.StartArray();
  for (const auto& [app, permission_set] :
       {std::pair<std::string_view, const std::string&>{"sales", u.sales_permission_set_id},
        std::pair<std::string_view, const std::string&>{"global", u.global_permission_set_id}}) {
    w.StartObject();
    write_string_field(w, "app", app);
    write_bool_field(w, "admin", u.is_admin);
    write_string_field(w, "permission_set_id", permission_set);
    w.EndObject();
  }
  w.EndArray();
  write_bool_field(w, "active_flag", u.active);
  write_string_field(w, "timezone_name", u.timezone_name);
  write_string_field(w, "timezone_offset", u.timezone_offset);
  write_int_field(w, "role_id", 1);
  write_optional_string_field(w, "icon_url", u.icon_url);
  write_bool_field(w, "is_you", u.is_you);
  write_bool_field(w, "is_admin", u.is_admin);
  write_bool_field(w, "is_deleted", false);
}

}  // namespace crm_fake::pipedrive::v1
