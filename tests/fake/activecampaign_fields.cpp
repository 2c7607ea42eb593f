#include "tests/fake/activecampaign_fields.hpp"

#include "tests/fake/fake_random.hpp"
#include "tests/fake/text_gen.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace crm_fake::activecampaign {
namespace {

struct OptionDef {
  const char* value;
  const char* label;
};

struct FieldDef {
  const char* id;
  const char* title;
  const char* type;
  std::vector<OptionDef> options;
};

// "Email" is also a built-in contact field's name.
const std::array<FieldDef, 4> k_fields{{
    {"1", "Favorite color", "dropdown", {{"red", "Red"}, {"green", "Green"}, {"blue", "Deep blue"}}},
    {"2", "Sports", "listbox", {{"golf", "Golf"}, {"sail", "Sailing"}, {"chess", "Chess"}}},
    {"3", "Email", "text", {}},
    {"4", "Birthday", "date", {}},
}};

std::optional<std::string> value_of(std::uint64_t seed, std::int64_t contact, const FieldDef& field) {
  Rng rng(seed, 0xacf0 + static_cast<std::uint64_t>(field.id[0]), static_cast<std::uint64_t>(contact));
  if (rng.percent(20)) return std::nullopt;
  const std::string type = field.type;
  if (type == "dropdown") return field.options[rng.below(field.options.size())].value;
  if (type == "listbox") {
    std::string joined;
    for (const auto& option : field.options)
      if (rng.percent(50)) joined += "||" + std::string(option.value);
    return joined.empty() ? std::string() : joined + "||";
  }
  if (type == "date") return fmt::format("19{:02}-{:02}-{:02}", rng.between(50, 99), rng.between(1, 12), rng.between(1, 28));
  return short_free_text(rng);
}

void write_field(JsonWriter& w, const FieldDef& f, const FieldEdits& edits) {
  w.StartObject();
  write_string_field(w, "title", edits.label("contacts", f.id, f.title));
  write_string_field(w, "descript", "");
  write_string_field(w, "type", f.type);
  write_string_field(w, "perstag", "");
  write_string_field(w, "id", f.id);
  w.EndObject();
}

}  // namespace

void write_meta_total(JsonWriter& w, std::int64_t total) {
  write_key(w, "meta");
  w.StartObject();
  write_string_field(w, "total", std::to_string(total));
  w.EndObject();
}

bool has_contact_field(const std::string& id, const std::string* option) {
  for (const auto& f : k_fields)
    if (f.id == id)
      return !option || std::ranges::any_of(f.options, [&](const OptionDef& o) { return o.value == *option; });
  return false;
}

void write_fields_page(JsonWriter& w, std::int64_t offset, std::int64_t limit, const FieldEdits& edits) {
  const auto total = static_cast<std::int64_t>(k_fields.size());
  const auto begin = std::min(offset, total);
  const auto end = std::min(total, begin + limit);
  w.StartObject();
  write_key(w, "fieldOptions");
  w.StartArray();
  int option_id = 0;
  for (std::int64_t i = 0; i < total; ++i)
    for (const auto& o : k_fields[static_cast<size_t>(i)].options) {
      ++option_id;
      if (i < begin || i >= end || edits.deleted("contacts", k_fields[static_cast<size_t>(i)].id, o.value)) continue;
      w.StartObject();
      write_string_field(w, "field", k_fields[static_cast<size_t>(i)].id);
      write_string_field(w, "value", o.value);
      write_string_field(w, "label", o.label);
      write_string_field(w, "id", std::to_string(option_id));
      w.EndObject();
    }
  w.EndArray();
  write_key(w, "fieldRels");
  w.StartArray();
  w.EndArray();
  write_key(w, "fields");
  w.StartArray();
  for (auto i = begin; i < end; ++i) write_field(w, k_fields[static_cast<size_t>(i)], edits);
  w.EndArray();
  write_meta_total(w, total);
  w.EndObject();
}

void write_field_values(JsonWriter& w, std::uint64_t seed, const std::vector<std::int64_t>& contact_ids) {
  write_key(w, "fieldValues");
  w.StartArray();
  for (const auto contact : contact_ids)
    for (const auto& field : k_fields)
      if (auto value = value_of(seed, contact, field)) {
        w.StartObject();
        write_string_field(w, "contact", std::to_string(contact));
        write_string_field(w, "field", field.id);
        write_string_field(w, "value", *value);
        write_string_field(w, "id", fmt::format("{}{}", contact, field.id));
        w.EndObject();
      }
  w.EndArray();
}

std::vector<std::string> field_lines() {
  std::vector<std::string> lines;
  for (const auto& f : k_fields) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_string_field(w, "id", f.id);
    write_string_field(w, "title", f.title);
    write_string_field(w, "type", f.type);
    write_key(w, "options");
    w.StartArray();
    for (const auto& o : f.options) {
      w.StartObject();
      write_string_field(w, "value", o.value);
      write_string_field(w, "label", o.label);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    lines.emplace_back(buffer.GetString(), buffer.GetSize());
  }
  return lines;
}

std::vector<std::string> value_lines(std::uint64_t seed, const std::vector<std::int64_t>& contact_ids) {
  std::vector<std::string> lines;
  for (const auto contact : contact_ids) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_field_values(w, seed, {contact});
    w.EndObject();
    lines.emplace_back(buffer.GetString(), buffer.GetSize());
  }
  return lines;
}

}  // namespace crm_fake::activecampaign
