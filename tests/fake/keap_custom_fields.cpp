#include "tests/fake/keap_custom_fields.hpp"

#include "tests/fake/fake_random.hpp"
#include "tests/fake/text_gen.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace crm_fake::keap {
namespace {

enum class Kind { text, whole_number, dropdown, list_box, date };

struct Option {
  const char* id;
  const char* label;
};

struct Definition {
  std::int64_t id;
  const char* label;
  Kind kind;
  std::vector<Option> options;
};

// Option ids are codes distinct from their labels (an assumption: Keap's docs show the model's
// options as {id, label} without saying what content holds; here content holds the id).
// "Company" and "Notes" are also built-in fields' names; list boxes hold "a,b".
const std::vector<Definition>& definitions(std::string_view collection) {
  static const std::vector<Definition> contacts{
      {3, "Company", Kind::text, {}},
      {5, "Shoe size", Kind::whole_number, {}},
      {7, "Customer tier", Kind::dropdown, {{"g", "Gold"}, {"s", "Silver"}, {"b", "Bronze"}}},
      {9, "Hobbies", Kind::list_box, {{"golf", "Golf"}, {"chess", "Chess"}, {"opera", "Opera, mostly Verdi"}}},
      {11, "Birthday", Kind::date, {}}};
  static const std::vector<Definition> companies{
      {13, "Notes", Kind::text, {}},
      {15, "Region", Kind::dropdown, {{"emea", "EMEA"}, {"apac", "APAC"}, {"amer", "Americas"}}},
      {17, "Founded", Kind::date, {}}};
  static const std::vector<Definition> opportunities{
      {19, "Contract type", Kind::dropdown, {{"m", "Monthly"}, {"y", "Yearly"}}},
      {21, "Modules", Kind::list_box, {{"crm", "CRM"}, {"mkt", "Marketing"}, {"pay", "Payments"}}},
      {23, "Seats", Kind::whole_number, {}}};
  static const std::vector<Definition> none;
  if (collection == "contacts") return contacts;
  if (collection == "companies") return companies;
  if (collection == "opportunities") return opportunities;
  return none;
}

const char* type_name(Kind kind, bool v2) {
  switch (kind) {
    case Kind::text:
      return v2 ? "TEXT" : "Text";
    case Kind::whole_number:
      return v2 ? "WHOLE_NUMBER" : "WholeNumber";
    case Kind::dropdown:
      return v2 ? "DROPDOWN" : "Dropdown";
    case Kind::list_box:
      return v2 ? "LIST_BOX" : "ListBox";
    case Kind::date:
      return v2 ? "DATE" : "Date";
  }
  return "";
}

void write_id(JsonWriter& w, std::int64_t id, bool v2) {
  write_key(w, "id");
  if (v2)
    write_string(w, std::to_string(id));
  else
    w.Int64(id);
}

}  // namespace

bool has_custom_fields(std::string_view collection) { return !definitions(collection).empty(); }

void write_custom_fields(JsonWriter& w, std::string_view collection, bool v2, std::uint64_t seed, std::int64_t id) {
  const auto& defs = definitions(collection);
  Rng rng(seed, 980 + defs.front().id, static_cast<std::uint64_t>(id));
  write_key(w, "custom_fields");
  w.StartArray();
  for (const auto& d : defs) {
    w.StartObject();
    write_id(w, d.id, v2);
    write_key(w, "content");
    if (rng.percent(15)) {
      w.Null();
    } else {
      switch (d.kind) {
        case Kind::text:
          write_string(w, short_free_text(rng));
          break;
        case Kind::whole_number:
          w.Int64(rng.between(1, 60));
          break;
        case Kind::dropdown:
          write_string(w, d.options[rng.below(d.options.size())].id);
          break;
        case Kind::list_box: {
          std::string joined;
          for (const auto& o : d.options)
            if (rng.percent(50)) joined += (joined.empty() ? "" : ",") + std::string(o.id);
          write_string(w, joined);
          break;
        }
        case Kind::date:
          write_string(w, fmt::format("20{:02}-{:02}-{:02}", rng.between(0, 24), rng.between(1, 12), rng.between(1, 28)));
          break;
      }
    }
    w.EndObject();
  }
  w.EndArray();
}

bool has_custom_field(std::string_view collection, const std::string& id, const std::string* option) {
  if (!has_custom_fields(collection)) return false;
  for (const auto& d : definitions(collection))
    if (std::to_string(d.id) == id)
      return !option || std::ranges::any_of(d.options, [&](const Option& o) { return *option == o.id; });
  return false;
}

static std::string field_name(std::string_view label) {
  std::string name;
  for (char c : label)
    if (std::isalnum(static_cast<unsigned char>(c))) name += c;
  return name + "0";
}

void write_model(JsonWriter& w, std::string_view collection, bool v2, const FieldEdits* edits) {
  const std::string type(collection);
  w.StartObject();
  write_key(w, "custom_fields");
  w.StartArray();
  for (const auto& d : definitions(collection)) {
    w.StartObject();
    write_id(w, d.id, v2);
    const auto key = std::to_string(d.id);
    write_string_field(w, "label", edits ? edits->label(type, key, d.label) : std::string(d.label));
    write_string_field(w, "field_type", type_name(d.kind, v2));
    // A string in the spec (CustomFieldMetaData.field_name), the name v2 filters take: its examples
    // (`firstName1`, `Score0`) are the label without spaces and a number; the rule is assumed.
    if (v2) write_string_field(w, "field_name", field_name(d.label));
    write_string_field(w, "record_type", collection == "contacts" ? "CONTACT" : collection == "companies" ? "COMPANY" : "OPPORTUNITY");
    write_key(w, "options");
    w.StartArray();
    for (const auto& o : d.options) {
      if (edits && edits->deleted(type, key, o.id)) continue;
      w.StartObject();
      write_string_field(w, "id", o.id);
      write_string_field(w, "label", o.label);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  write_key(w, "optional_properties");
  w.StartArray();
  write_string(w, "custom_fields");
  w.EndArray();
  w.EndObject();
}

}  // namespace crm_fake::keap
