// v1 "related_objects" and GET /v1/users/me: the pieces of the v1 API that describe other records.

#include "tests/fake/pipedrive_facts.hpp"
#include "tests/fake/pipedrive_records.hpp"
#include "tests/fake/pipedrive_v1_parts.hpp"

#include <set>

namespace crm_fake::pipedrive {
namespace {

using namespace v1;

void write_related_users(JsonWriter& w, const Dataset& dataset, const std::set<std::int64_t>& ids) {
  write_key(w, "user");
  w.StartObject();
  for (const std::int64_t id : ids) {
    write_key(w, std::to_string(id));
    w.StartObject();
    write_user_ref_body(w, make_user(dataset, id));
    w.EndObject();
  }
  w.EndObject();
}

void write_related_organizations(JsonWriter& w, const Dataset& dataset, const std::set<std::int64_t>& ids) {
  write_key(w, "organization");
  w.StartObject();
  for (const std::int64_t id : ids) {
    write_key(w, std::to_string(id));
    w.StartObject();
    write_int_field(w, "id", id);
    write_org_ref_body(w, make_organization(dataset, id));
    w.EndObject();
  }
  w.EndObject();
}

void write_related_persons(JsonWriter& w, const Dataset& dataset, const std::set<std::int64_t>& ids) {
  write_key(w, "person");
  w.StartObject();
  for (const std::int64_t id : ids) {
    const PersonFacts p = make_person(dataset, id);
    write_key(w, std::to_string(id));
    w.StartObject();
    write_bool_field(w, "active_flag", true);
    write_int_field(w, "id", id);
    write_string_field(w, "name", p.name.full);
    write_contacts(w, "email", p.emails);
    write_contacts(w, "phone", p.phones);
    write_int_field(w, "owner_id", p.owner_id);
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace

void write_related_objects(JsonWriter& w, const Dataset& dataset, RecordType type, std::span<const std::int64_t> ids) {
  std::set<std::int64_t> users;
  std::set<std::int64_t> organizations;
  std::set<std::int64_t> persons;
  for (const std::int64_t id : ids) {
    if (type == RecordType::person) {
      const PersonFacts p = make_person(dataset, id);
      users.insert(p.owner_id);
      if (p.org_id) organizations.insert(*p.org_id);
    } else if (type == RecordType::organization) {
      users.insert(make_organization(dataset, id).owner_id);
    } else if (type == RecordType::deal) {
      const DealFacts d = make_deal(dataset, id);
      users.insert(d.owner_id);
      users.insert(d.creator_user_id);
      if (d.org_id) organizations.insert(*d.org_id);
      if (d.person_id) persons.insert(*d.person_id);
    }
  }
  w.StartObject();
  write_related_users(w, dataset, users);
  if (type != RecordType::organization) write_related_organizations(w, dataset, organizations);
  if (type == RecordType::deal) write_related_persons(w, dataset, persons);
  w.EndObject();
}

void write_current_user(JsonWriter& w, const Dataset& dataset) {
  w.StartObject();
  v1::write_user_fields(w, make_user(dataset, 1));
  write_int_field(w, "company_id", k_company_id);
  write_string_field(w, "company_name", k_company_name);
  write_string_field(w, "company_domain", k_company_domain);
  write_string_field(w, "company_country", "EE");
  write_string_field(w, "company_industry", "IT Services");
  write_key(w, "language");
  w.StartObject();
  write_string_field(w, "language_code", "en");
  write_string_field(w, "country_code", "US");
  w.EndObject();
  w.EndObject();
}

}  // namespace crm_fake::pipedrive
