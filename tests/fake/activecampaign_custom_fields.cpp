#include "tests/fake/activecampaign_custom_fields.hpp"

#include "tests/fake/activecampaign_fields.hpp"
#include "tests/fake/fake_random.hpp"
#include "tests/fake/text_gen.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace crm_fake::activecampaign {
namespace {

struct Definition {
  const char* id;
  const char* label;
  const char* type;
  std::vector<const char*> options;
};

// "Title" and "Name" are also built-in fields of deals and accounts. "Cold call" was an option of
// "Lead source" once: some deals still hold it.
const std::vector<Definition> k_deal_fields{
    {"1", "Lead source", "dropdown", {"Web", "Referral", "Trade show"}},
    {"2", "Products", "multiselect", {"Widgets", "Gadgets", "Support plan"}},
    {"3", "Contract value", "currency", {}},
    {"4", "Title", "text", {}},
    {"5", "Signed on", "date", {}},
};
const std::vector<Definition> k_account_fields{
    {"1", "Industry", "dropdown", {"Software", "Retail", "Manufacturing"}},
    {"2", "Regions", "checkbox", {"EMEA", "Americas", "APAC"}},
    {"3", "Annual revenue", "currency", {}},
    {"4", "Name", "text", {}},
};

const std::vector<Definition>& definitions(CustomObject object) {
  return object == CustomObject::deal ? k_deal_fields : k_account_fields;
}

// AC writes the account's local time with its offset; this account is in US Eastern.
constexpr const char* k_created = "2024-03-04 10:20:30";

void write_definition(JsonWriter& w, CustomObject object, const Definition& d, int order, const FieldEdits* edits) {
  const std::string type = d.type;
  const auto plural = object_name(object) + "s";
  w.StartObject();
  write_string_field(w, "id", d.id);
  write_string_field(w, "fieldLabel", edits ? edits->label(plural, d.id, d.label) : d.label);
  write_string_field(w, "fieldType", d.type);
  write_key(w, "fieldOptions");
  if (d.options.empty()) {
    w.Null();
  } else {
    w.StartArray();
    for (const auto* option : d.options)
      if (!edits || !edits->deleted(plural, d.id, option)) write_string(w, option);
    w.EndArray();
  }
  write_null_field(w, "fieldDefault");
  if (type == "currency")
    write_string_field(w, "fieldDefaultCurrency", "usd");
  else
    write_null_field(w, "fieldDefaultCurrency");
  write_int_field(w, "isFormVisible", 0);
  write_int_field(w, "isRequired", 0);
  write_int_field(w, "displayOrder", order);
  write_string_field(w, "personalization", "");
  write_null_field(w, "knownFieldId");
  write_int_field(w, "hideFieldFlag", 0);
  write_string_field(w, "createdTimestamp", k_created);
  write_string_field(w, "updatedTimestamp", k_created);
  write_key(w, "links");
  w.StartObject();
  const auto name = object_name(object);
  write_string_field(w, name + "CustomFieldData",
                     fmt::format("/api/3/{}CustomFieldMeta/{}/{}CustomFieldData", name, d.id, name));
  w.EndObject();
  w.EndObject();
}

struct Value {
  std::int64_t record;
  const Definition* field;
  std::string text;          // the value, or the cents of a currency value
  std::string currency;      // currency fields only
};

// A record's values: about one field in four has none (AC stores no datum for it).
std::vector<Value> values_of(std::uint64_t seed, CustomObject object, std::int64_t record) {
  std::vector<Value> out;
  for (const auto& d : definitions(object)) {
    Rng rng(seed, 0xacd0 + static_cast<std::uint64_t>(object) * 16 + static_cast<std::uint64_t>(d.id[0]),
            static_cast<std::uint64_t>(record));
    if (rng.percent(25)) continue;
    const std::string type = d.type;
    Value v{record, &d, {}, {}};
    if (type == "dropdown") {
      v.text = object == CustomObject::deal && rng.percent(15) ? "Cold call" : d.options[rng.below(d.options.size())];
    } else if (type == "multiselect" || type == "checkbox") {
      for (const auto* option : d.options)
        if (rng.percent(50)) v.text += std::string("||") + option;
      if (!v.text.empty()) v.text += "||";
    } else if (type == "currency") {
      v.text = std::to_string(rng.between(0, 10'000'000));
      v.currency = rng.percent(70) ? "usd" : "eur";
    } else if (type == "date") {
      v.text = fmt::format("20{:02}-{:02}-{:02}", rng.between(20, 26), rng.between(1, 12), rng.between(1, 28));
    } else {
      v.text = short_free_text(rng);
    }
    out.push_back(std::move(v));
  }
  return out;
}

void write_value(JsonWriter& w, CustomObject object, const Value& v, std::int64_t id) {
  const auto name = object_name(object);
  const auto field = std::stoll(v.field->id);
  w.StartObject();
  write_string_field(w, "id", std::to_string(id));
  write_int_field(w, name + "CustomFieldMetumId", field);
  write_int_field(w, name + "Id", v.record);
  write_int_field(w, "customFieldId", field);
  write_string_field(w, "createdTimestamp", k_created);
  write_string_field(w, "updatedTimestamp", k_created);
  write_key(w, "fieldValue");
  if (v.currency.empty()) {
    write_string(w, v.text);
  } else {
    w.Int64(std::stoll(v.text));  // cents, a number (as it is written to the API)
    write_string_field(w, "fieldCurrency", v.currency);
  }
  write_key(w, "links");
  w.StartObject();
  write_string_field(w, name, fmt::format("/api/3/{}CustomFieldData/{}/{}", name, id, name));
  write_string_field(w, name + "CustomFieldMetum",
                     fmt::format("/api/3/{}CustomFieldData/{}/{}CustomFieldMetum", name, id, name));
  w.EndObject();
  w.EndObject();
}

// Every value of records 1..records, in datum id order (the order AC lists them).
std::vector<std::string> all_values(std::uint64_t seed, CustomObject object, std::int64_t records) {
  std::vector<std::string> out;
  for (std::int64_t record = 1; record <= records; ++record)
    for (const auto& v : values_of(seed, object, record)) {
      rapidjson::StringBuffer buffer;
      JsonWriter w(buffer);
      write_value(w, object, v, static_cast<std::int64_t>(out.size()) + 1);
      out.emplace_back(buffer.GetString(), buffer.GetSize());
    }
  return out;
}

// {"KEY": [items from offset, limit long], "meta": {"total": "N"}}
std::string page(const std::string& key, const std::vector<std::string>& items, std::int64_t offset,
                 std::int64_t limit) {
  const auto total = static_cast<std::int64_t>(items.size());
  const auto begin = std::min(offset, total);
  const auto end = std::min(total, begin + limit);
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_key(w, key);
  w.StartArray();
  for (auto i = begin; i < end; ++i) {
    const auto& item = items[static_cast<size_t>(i)];
    w.RawValue(item.data(), item.size(), rapidjson::kObjectType);
  }
  w.EndArray();
  write_meta_total(w, total);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

std::string object_name(CustomObject object) { return object == CustomObject::deal ? "deal" : "account"; }

CustomFields::CustomFields(std::uint64_t seed) : m_seed(seed) {}

bool CustomFields::has_field(CustomObject object, const std::string& id, const std::string* option) {
  for (const auto& d : definitions(object))
    if (d.id == id) return !option || std::ranges::any_of(d.options, [&](const char* o) { return *option == o; });
  return false;
}

std::vector<std::string> CustomFields::meta_lines(CustomObject object, const FieldEdits* edits) const {
  std::vector<std::string> out;
  int order = 0;
  for (const auto& d : definitions(object)) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    write_definition(w, object, d, ++order, edits);
    out.emplace_back(buffer.GetString(), buffer.GetSize());
  }
  return out;
}

std::vector<std::string> CustomFields::data_lines(CustomObject object, std::int64_t records) const {
  const std::lock_guard lock(m_mutex);
  auto& [made_for, values] = m_values[object];
  if (values.empty() || made_for != records) {
    values = all_values(m_seed, object, records);
    made_for = records;
  }
  return values;
}

std::string CustomFields::meta_page(CustomObject object, std::int64_t offset, std::int64_t limit,
                                    const FieldEdits& edits) const {
  return page(object_name(object) + "CustomFieldMeta", meta_lines(object, &edits), offset, limit);
}

std::string CustomFields::data_page(CustomObject object, std::int64_t records, std::int64_t offset,
                                    std::int64_t limit) const {
  return page(object_name(object) + "CustomFieldData", data_lines(object, records), offset, limit);
}

}  // namespace crm_fake::activecampaign
