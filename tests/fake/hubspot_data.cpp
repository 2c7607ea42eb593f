#include "tests/fake/hubspot_data.hpp"

#include "tests/fake/fake_random.hpp"
#include "tests/fake/text_gen.hpp"
#include "tests/fake/time_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace crm_fake::hubspot {
namespace {

constexpr std::int64_t k_portal_id = 62515;
// Streams of the generator: one per purpose, so values drawn for one never shift another.
constexpr std::uint64_t k_stream_time = 101;
constexpr std::uint64_t k_stream_values = 102;
constexpr std::uint64_t k_stream_custom = 103;
constexpr std::uint64_t k_stream_options = 104;

// The enumeration properties of --hubspot-option-properties: internal value -> label. Violet is
// hidden (retired in the account) yet old records still hold it.
struct OptionDef {
  const char* value;
  const char* label;
  bool hidden;
};
constexpr std::array<OptionDef, 4> k_colors{{{"red", "Red", false},
                                             {"green", "Green", false},
                                             {"blue", "Blue; navy", false},
                                             {"violet", "Violet", true}}};
constexpr std::array<OptionDef, 4> k_interests{{{"golf", "Golf", false},
                                                {"sailing", "Sailing", false},
                                                {"chess", "Chess", false},
                                                {"opera", "Opera", false}}};
const char* const k_stage_ids[] = {"appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
                                   "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"};

const std::int64_t k_epoch_2024 = epoch_from_civil(2024, 1, 1) * 1000;
// A quarter of all changes happened in three bulk edits, so many records share a timestamp.
const std::array<std::int64_t, 3> k_bulk_ms = {epoch_from_civil(2024, 3, 5, 10, 11, 12) * 1000 + 345,
                                               epoch_from_civil(2024, 9, 1) * 1000,
                                               epoch_from_civil(2025, 2, 2, 2, 2, 2) * 1000 + 2};

const std::vector<std::string> k_defaults[4] = {
    {"createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"},
    {"createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"},
    {"amount", "closedate", "createdate", "dealname", "dealstage", "hs_lastmodifieddate", "hs_object_id", "pipeline"},
    {"hs_createdate", "hs_lastmodifieddate", "hs_object_id"},
};
const std::vector<std::string> k_extras[4] = {
    {"phone", "company", "hubspot_owner_id", "hs_big_number"},
    {"phone", "city", "numberofemployees", "annualrevenue"},
    {"hubspot_owner_id", "hs_deal_probability"},
    {"hs_note_body", "hubspot_owner_id", "hs_timestamp"},
};

int index_of(ObjectType type) { return static_cast<int>(type); }

void write_string_or_null(JsonWriter& w, const std::optional<std::string>& value) {
  if (value)
    write_string(w, *value);
  else
    w.Null();
}

}  // namespace

std::string iso_millis(std::int64_t ms) {
  std::string seconds = format_iso_utc(ms / 1000);
  return fmt::format("{}.{:03}Z", seconds.substr(0, seconds.size() - 1), ms % 1000);
}

const char* type_name(ObjectType type) {
  static const char* names[] = {"contacts", "companies", "deals", "notes"};
  return names[index_of(type)];
}

std::optional<ObjectType> parse_type(std::string_view name) {
  for (auto type : k_object_types)
    if (name == type_name(type)) return type;
  if (name == "0-1") return ObjectType::contacts;
  if (name == "0-2") return ObjectType::companies;
  if (name == "0-3") return ObjectType::deals;
  return std::nullopt;
}

const char* modified_property(ObjectType type) {
  return type == ObjectType::contacts ? "lastmodifieddate" : "hs_lastmodifieddate";
}

Account::Account(const FakeOptions& options)
    : m_seed(options.seed),
      m_records(options.records),
      m_archived(std::max<std::int64_t>(1, options.records / 10)),
      m_custom(options.hubspot_custom_properties) {
  for (auto type : k_object_types) {
    int i = index_of(type);
    m_defaults[i] = k_defaults[i];
    m_names[i] = k_defaults[i];
    m_names[i].insert(m_names[i].end(), k_extras[i].begin(), k_extras[i].end());
    for (int c = 1; c <= m_custom; ++c) m_names[i].push_back(fmt::format("custom_field_{:03}", c));
    if (options.hubspot_option_properties) {
      m_names[i].push_back("favorite_color");
      m_names[i].push_back("interests");
    }
  }
}

bool Account::exists(std::int64_t id, bool archived) const {
  return archived ? id > m_records && id <= m_records + m_archived : id >= 1 && id <= m_records;
}

const std::vector<std::string>& Account::property_names(ObjectType type) const { return m_names[index_of(type)]; }
const std::vector<std::string>& Account::default_properties(ObjectType type) const {
  return m_defaults[index_of(type)];
}

std::int64_t Account::modified_ms(ObjectType type, std::int64_t id) const {
  Rng rng(m_seed, k_stream_time + 10 * static_cast<std::uint64_t>(index_of(type)), static_cast<std::uint64_t>(id));
  if (rng.percent(25)) return k_bulk_ms[rng.below(k_bulk_ms.size())];
  // About four records per other timestamp: ties everywhere, not only in the bulk edits.
  auto slots = std::max<std::int64_t>(1, m_records / 4);
  return k_epoch_2024 + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(slots))) * 60000 + 250;
}

std::int64_t Account::created_ms(ObjectType type, std::int64_t id) const {
  Rng rng(m_seed, k_stream_time + 10 * static_cast<std::uint64_t>(index_of(type)) + 1, static_cast<std::uint64_t>(id));
  return k_epoch_2024 - 86400000LL * 365 + static_cast<std::int64_t>(rng.below(86400000ULL * 300));
}

std::vector<std::int64_t> Account::associated(ObjectType from, std::int64_t id, ObjectType to) const {
  if (from == to || id % 5 == 0 || m_records == 0) return {};
  std::vector<std::int64_t> ids{1 + (id * 7 + index_of(to)) % m_records};
  if (id % 3 == 0) {
    auto second = 1 + (id * 13 + 5) % m_records;
    if (second != ids[0]) ids.push_back(second);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<Property> Account::properties_of(ObjectType type, std::int64_t id) const {
  Rng rng(m_seed, k_stream_values + 10 * static_cast<std::uint64_t>(index_of(type)), static_cast<std::uint64_t>(id));
  auto created = iso_millis(created_ms(type, id));
  auto modified = iso_millis(modified_ms(type, id));
  auto person = person_name(rng);
  auto company = company_name(rng);
  std::vector<Property> out;
  for (const auto& name : m_names[index_of(type)]) {
    std::optional<std::string> value;
    if (name == "createdate" || name == "hs_createdate")
      value = created;
    else if (name == "lastmodifieddate" || name == "hs_lastmodifieddate")
      value = modified;
    else if (name == "hs_object_id")
      value = std::to_string(id);
    else if (name == "email")
      value = email_address(person.ascii_slug, rng);
    else if (name == "firstname")
      value = person.first;
    else if (name == "lastname")
      value = person.last;
    else if (name == "phone")
      value = rng.percent(70) ? std::optional(phone_number(rng)) : std::nullopt;
    else if (name == "company" || name == "name")
      value = company;
    else if (name == "domain")
      value = person.ascii_slug + ".example";
    else if (name == "city")
      value = std::string(rng.percent(50) ? "Zürich" : "São Paulo, \"centro\"");
    else if (name == "numberofemployees")
      value = std::to_string(rng.between(1, 5000));
    else if (name == "annualrevenue")
      value = hundredths_text(rng.between(0, 99999999999));
    else if (name == "hubspot_owner_id")
      value = rng.percent(80) ? std::optional(std::to_string(10001 + id % std::max<std::int64_t>(1, owner_count())))
                              : std::nullopt;
    else if (name == "hs_big_number")
      value = std::to_string(9007199254740993LL + id);
    else if (name == "amount")
      value = hundredths_text(rng.between(0, 10000000));
    else if (name == "closedate")
      value = rng.percent(60) ? std::optional(iso_millis(created_ms(type, id) + 86400000LL * 30)) : std::nullopt;
    else if (name == "dealname")
      value = deal_title(company, rng);
    else if (name == "dealstage")
      value = rng.percent(50) ? "appointmentscheduled" : "closedwon";
    else if (name == "pipeline")
      value = "default";
    else if (name == "hs_deal_probability")
      value = rng.percent(50) ? "0.2" : "1.0";
    else if (name == "hs_note_body")
      value = note_html(person.first, rng);
    else if (name == "hs_timestamp")
      value = created;
    else if (name == "favorite_color" || name == "interests")
      value = option_value(name, id);
    else {
      Rng custom(m_seed, k_stream_custom, static_cast<std::uint64_t>(id) * 1000 + out.size());
      switch (custom.below(5)) {
        case 0:
          value = std::nullopt;
          break;
        case 1:
          value = short_free_text(custom);
          break;
        case 2:
          value = hundredths_text(custom.between(-100000, 10000000));
          break;
        case 3:
          value = custom.percent(50) ? "true" : "false";
          break;
        default:
          value = fmt::format("option_{}", custom.below(7));
          break;
      }
    }
    out.push_back({name, std::move(value)});
  }
  return out;
}

void Account::write_object(JsonWriter& w, ObjectType type, std::int64_t id, const std::set<std::string>& properties,
                           const std::vector<ObjectType>& associations) const {
  bool archived = id > m_records;
  w.StartObject();
  write_string_field(w, "id", std::to_string(id));
  write_key(w, "properties");
  w.StartObject();
  for (const auto& property : properties_of(type, id)) {
    if (!properties.contains(property.name)) continue;
    write_key(w, property.name);
    write_string_or_null(w, property.value);
  }
  w.EndObject();
  write_string_field(w, "createdAt", iso_millis(created_ms(type, id)));
  write_string_field(w, "updatedAt", iso_millis(modified_ms(type, id)));
  write_bool_field(w, "archived", archived);
  if (archived) write_string_field(w, "archivedAt", iso_millis(modified_ms(type, id) + 1000));
  bool any = false;
  for (auto to : associations) any = any || !associated(type, id, to).empty();
  if (any) {
    write_key(w, "associations");
    w.StartObject();
    for (auto to : associations) {
      auto ids = associated(type, id, to);
      if (ids.empty()) continue;
      write_key(w, type_name(to));
      w.StartObject();
      write_key(w, "results");
      w.StartArray();
      for (auto other : ids) {
        w.StartObject();
        write_string_field(w, "id", std::to_string(other));
        std::string from(type_name(type)), to_name(type_name(to));
        write_string_field(w, "type",
                           fmt::format("{}_to_{}", from.substr(0, from.size() - 1),
                                       to_name == "companies" ? "company" : to_name.substr(0, to_name.size() - 1)));
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndObject();
}

// A select holds one option's value; a multiple checkbox several, joined by ';' in catalogue
// order; an empty checkbox is "" (cleared) or null (never set).
std::optional<std::string> Account::option_value(const std::string& name, std::int64_t id) const {
  Rng rng(m_seed, k_stream_options, static_cast<std::uint64_t>(id) * 2 + (name == "interests" ? 1 : 0));
  if (rng.percent(15)) return std::nullopt;
  if (name == "favorite_color") return k_colors[rng.below(k_colors.size())].value;
  std::string joined;
  for (const auto& option : k_interests)
    if (rng.percent(40)) joined += (joined.empty() ? "" : ";") + std::string(option.value);
  return joined;
}

bool Account::has_property(ObjectType type, const std::string& name, const std::string* option) const {
  const auto& names = m_names[index_of(type)];
  if (std::ranges::find(names, name) == names.end()) return false;
  if (!option) return true;
  auto listed = [&](const auto& list) { return std::ranges::any_of(list, [&](const auto& o) { return *option == o.value; }); };
  return (name == "favorite_color" && listed(k_colors)) || (name == "interests" && listed(k_interests));
}

void Account::write_property_definitions(JsonWriter& w, ObjectType type, const FieldEdits* edits) const {
  std::string name;  // the property being written
  auto write_options = [&](auto&& each) {
    write_key(w, "options");
    w.StartArray();
    each([&](std::string_view label, std::string_view value, int order, bool hidden) {
      if (edits && edits->deleted(type_name(type), name, std::string(value))) return;
      w.StartObject();
      write_string_field(w, "label", label);
      write_string_field(w, "value", value);
      write_int_field(w, "displayOrder", order);
      write_bool_field(w, "hidden", hidden);
      w.EndObject();
    });
    w.EndArray();
  };
  auto from_list = [&](const auto& list) {
    write_options([&](auto option) {
      for (size_t i = 0; i < list.size(); ++i) option(list[i].label, list[i].value, static_cast<int>(i), list[i].hidden);
    });
  };
  for (const auto& property : m_names[index_of(type)]) {
    name = property;
    bool custom = name.starts_with("custom_") || name == "favorite_color" || name == "interests";
    bool enumeration = name == "favorite_color" || name == "interests" || name == "dealstage" || name == "pipeline";
    w.StartObject();
    write_string_field(w, "name", name);
    const std::string label = name.starts_with("custom_") ? "Custom " + name.substr(7)
                              : name == "favorite_color"  ? "Favorite color"
                              : name == "interests"       ? "Interests"
                                                          : name;
    write_string_field(w, "label", edits ? edits->label(type_name(type), name, label) : label);
    // As HubSpot types its default properties (the values stay strings in records either way).
    const bool number = name == "amount" || name == "hs_object_id" || name == "numberofemployees" ||
                        name == "annualrevenue" || name == "hs_big_number" || name == "hs_deal_probability";
    const bool datetime = name == "createdate" || name == "hs_createdate" || name == "lastmodifieddate" ||
                          name == "hs_lastmodifieddate" || name == "closedate" || name == "hs_timestamp";
    write_string_field(w, "type", enumeration ? "enumeration" : number ? "number" : datetime ? "datetime" : "string");
    write_string_field(w, "fieldType", name == "interests" ? "checkbox"
                                       : enumeration       ? "select"
                                       : number            ? "number"
                                       : datetime          ? "date"
                                                           : "text");
    write_string_field(w, "groupName", custom ? "custom" : "information");
    if (name == "favorite_color") from_list(k_colors);
    if (name == "interests") from_list(k_interests);
    // dealstage and pipeline list the default pipeline's stages, labeled as the pipelines API does.
    if (name == "dealstage")
      write_options([&](auto option) {
        for (int i = 0; i < 7; ++i) option(fmt::format("Stage «{}»", k_stage_ids[i]), k_stage_ids[i], i, false);
      });
    if (name == "pipeline") write_options([&](auto option) { option("Sales Pipeline", "default", 0, false); });
    write_bool_field(w, "hubspotDefined", !custom);
    write_bool_field(w, "archived", false);
    w.EndObject();
  }
}

int Account::pipeline_count() const { return 2; }
int Account::stage_count(int pipeline) const { return pipeline == 0 ? 7 : 4; }

void Account::write_stage(JsonWriter& w, int pipeline, int stage, bool with_pipeline_id) const {
  static const char* k_default_stages[] = {"appointmentscheduled",
                                           "qualifiedtobuy",
                                           "presentationscheduled",
                                           "decisionmakerboughtin",
                                           "contractsent",
                                           "closedwon",
                                           "closedlost"};
  static const char* k_default_probability[] = {"0.2", "0.4", "0.6", "0.8", "0.9", "1.0", "0.0"};
  bool closed = pipeline == 0 ? stage >= 5 : stage == 3;
  w.StartObject();
  write_string_field(
      w, "label",
      pipeline == 0 ? fmt::format("Stage «{}»", k_default_stages[stage]) : fmt::format("Renewal step {}", stage + 1));
  write_int_field(w, "displayOrder", stage);
  write_key(w, "metadata");
  w.StartObject();
  write_string_field(w, "isClosed", closed ? "true" : "false");
  write_string_field(w, "probability", pipeline == 0 ? k_default_probability[stage] : closed ? "1.0" : "0.5");
  w.EndObject();
  write_string_field(w, "id", pipeline == 0 ? k_default_stages[stage] : std::to_string(98765400 + stage));
  write_string_field(w, "createdAt", iso_millis(k_epoch_2024 - 86400000LL * 400));
  write_string_field(w, "updatedAt", iso_millis(k_epoch_2024 + 86400000LL * stage));
  write_bool_field(w, "archived", false);
  write_string_field(w, "writePermissions", "CRUD_ALL");
  if (with_pipeline_id) write_string_field(w, "pipelineId", pipeline == 0 ? "default" : "12345678");
  w.EndObject();
}

void Account::write_pipeline(JsonWriter& w, int pipeline) const {
  w.StartObject();
  write_string_field(w, "label", pipeline == 0 ? "Sales Pipeline" : "Renewals, \"EMEA\"");
  write_int_field(w, "displayOrder", pipeline);
  write_string_field(w, "id", pipeline == 0 ? "default" : "12345678");
  write_key(w, "stages");
  w.StartArray();
  for (int s = 0; s < stage_count(pipeline); ++s) write_stage(w, pipeline, s, false);
  w.EndArray();
  write_string_field(w, "createdAt", iso_millis(k_epoch_2024 - 86400000LL * 400));
  write_string_field(w, "updatedAt", iso_millis(k_epoch_2024 + 86400000LL * 10 * pipeline));
  write_bool_field(w, "archived", false);
  w.EndObject();
}

void Account::write_pipelines(JsonWriter& w) const {
  for (int p = 0; p < pipeline_count(); ++p) write_pipeline(w, p);
}

std::int64_t owner_count(std::int64_t records) {
  return std::min<std::int64_t>(std::max<std::int64_t>(records, 1), 130);
}

table::Record make_owner(const table::Generation& generation, std::int64_t id) {
  const std::int64_t index = id - 1;
  Rng rng(generation.seed, 201, static_cast<std::uint64_t>(index));
  auto person = person_name(rng);
  auto stamp = [](std::optional<EpochSeconds> given, std::int64_t generated_ms) {
    return iso_millis(given ? *given * 1000 : generated_ms);
  };
  table::Record record;
  record.id = id;
  auto text = [&](std::string key, std::string value) {
    record.fields.push_back({std::move(key), std::move(value), ""});
  };
  auto raw = [&](std::string key, std::string json) {
    record.fields.push_back({std::move(key), std::nullopt, std::move(json)});
  };
  text("id", std::to_string(10001 + index));
  text("email", email_address(person.ascii_slug, rng));
  text("firstName", person.first);
  text("lastName", person.last);
  raw("userId", std::to_string(5000000 + index));
  raw("userIdIncludingInactive", std::to_string(5000000 + index));
  text("createdAt", stamp(generation.created_at, k_epoch_2024 - 86400000LL * index));
  text("updatedAt", stamp(generation.updated_at, k_epoch_2024 + 3600000LL * index));
  raw("archived", "false");
  raw("teams", index % 2 == 0 ? R"([{"id":"7","name":"Sales","primary":true}])" : "[]");
  return record;
}

namespace {

void write_legacy_properties(JsonWriter& w, const std::vector<Property>& all, const std::vector<std::string>& wanted,
                             std::int64_t timestamp) {
  write_key(w, "properties");
  w.StartObject();
  for (const auto& property : all) {
    if (std::find(wanted.begin(), wanted.end(), property.name) == wanted.end() || !property.value) continue;
    write_key(w, property.name);
    w.StartObject();
    write_string_field(w, "value", *property.value);
    write_int_field(w, "timestamp", timestamp);
    write_string_field(w, "source", "API");
    write_null_field(w, "sourceId");
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace

void Account::write_legacy_contact(JsonWriter& w, std::int64_t id) const {
  auto properties = properties_of(ObjectType::contacts, id);
  auto value = [&](std::string_view name) {
    for (const auto& p : properties)
      if (p.name == name) return p.value.value_or("");
    return std::string();
  };
  auto modified = modified_ms(ObjectType::contacts, id);
  w.StartObject();
  write_int_field(w, "addedAt", created_ms(ObjectType::contacts, id));
  write_int_field(w, "vid", id);
  write_int_field(w, "canonical-vid", id);
  write_int_array(w, "merged-vids", {});
  write_int_field(w, "portal-id", k_portal_id);
  write_bool_field(w, "is-contact", true);
  write_key(w, "properties");
  w.StartObject();
  for (const char* name : {"firstname", "lastmodifieddate", "company", "lastname"}) {
    write_key(w, name);
    w.StartObject();
    write_string_field(w, "value",
                       std::string_view(name) == "lastmodifieddate" ? std::to_string(modified) : value(name));
    w.EndObject();
  }
  w.EndObject();
  write_key(w, "form-submissions");
  w.StartArray();
  w.EndArray();
  write_key(w, "identity-profiles");
  w.StartArray();
  w.StartObject();
  write_int_field(w, "vid", id);
  write_int_field(w, "saved-at-timestamp", modified);
  write_int_field(w, "deleted-changed-timestamp", 0);
  write_key(w, "identities");
  w.StartArray();
  w.StartObject();
  write_string_field(w, "type", "EMAIL");
  write_string_field(w, "value", value("email"));
  write_int_field(w, "timestamp", created_ms(ObjectType::contacts, id));
  write_bool_field(w, "is-primary", true);
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndArray();
  write_key(w, "merge-audits");
  w.StartArray();
  w.EndArray();
  w.EndObject();
}

void Account::write_legacy_company(JsonWriter& w, std::int64_t id, const std::vector<std::string>& properties) const {
  w.StartObject();
  write_int_field(w, "portalId", k_portal_id);
  write_int_field(w, "companyId", id);
  write_bool_field(w, "isDeleted", false);
  write_legacy_properties(w, properties_of(ObjectType::companies, id), properties,
                          modified_ms(ObjectType::companies, id));
  w.EndObject();
}

void Account::write_legacy_deal(JsonWriter& w, std::int64_t id, const std::vector<std::string>& properties,
                                bool with_associations) const {
  w.StartObject();
  write_int_field(w, "portalId", k_portal_id);
  write_int_field(w, "dealId", id);
  write_bool_field(w, "isDeleted", false);
  if (with_associations) {
    write_key(w, "associations");
    w.StartObject();
    write_int_array(w, "associatedVids", associated(ObjectType::deals, id, ObjectType::contacts));
    write_int_array(w, "associatedCompanyIds", associated(ObjectType::deals, id, ObjectType::companies));
    write_int_array(w, "associatedDealIds", {});
    write_int_array(w, "associatedTicketIds", {});
    w.EndObject();
  }
  write_legacy_properties(w, properties_of(ObjectType::deals, id), properties, modified_ms(ObjectType::deals, id));
  write_int_array(w, "imports", {});
  write_int_array(w, "stateChanges", {});
  w.EndObject();
}

void Account::write_legacy_engagement(JsonWriter& w, std::int64_t id) const {
  std::string body;
  for (const auto& p : properties_of(ObjectType::notes, id))
    if (p.name == "hs_note_body") body = p.value.value_or("");
  w.StartObject();
  write_key(w, "engagement");
  w.StartObject();
  write_int_field(w, "id", id);
  write_int_field(w, "portalId", k_portal_id);
  write_bool_field(w, "active", true);
  write_int_field(w, "createdAt", created_ms(ObjectType::notes, id));
  write_int_field(w, "lastUpdated", modified_ms(ObjectType::notes, id));
  write_string_field(w, "type", "NOTE");
  write_int_field(w, "timestamp", created_ms(ObjectType::notes, id));
  w.EndObject();
  write_key(w, "associations");
  w.StartObject();
  write_int_array(w, "contactIds", associated(ObjectType::notes, id, ObjectType::contacts));
  write_int_array(w, "companyIds", associated(ObjectType::notes, id, ObjectType::companies));
  write_int_array(w, "dealIds", associated(ObjectType::notes, id, ObjectType::deals));
  write_int_array(w, "ownerIds", {});
  write_int_array(w, "ticketIds", {});
  w.EndObject();
  write_int_array(w, "attachments", {});
  write_key(w, "metadata");
  w.StartObject();
  write_string_field(w, "body", body);
  w.EndObject();
  w.EndObject();
}

}  // namespace crm_fake::hubspot
