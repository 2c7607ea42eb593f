#include "tests/fake/pipedrive_fields.hpp"

#include "tests/fake/pipedrive_custom_fields.hpp"
#include "tests/fake/pipedrive_http.hpp"

#include <fmt/format.h>

#include <charconv>

namespace crm_fake::pipedrive {
namespace {

constexpr std::int64_t k_default_limit = 100;
constexpr std::int64_t k_max_limit = 500;

std::vector<FieldOption> numbered(std::int64_t first, std::initializer_list<const char*> labels) {
  std::vector<FieldOption> options;
  for (const char* label : labels) options.push_back({std::to_string(first++), label});
  return options;
}

std::vector<FieldOption> named(std::initializer_list<std::pair<const char*, const char*>> options) {
  std::vector<FieldOption> out;
  for (const auto& [id, label] : options) out.push_back({fmt::format("\"{}\"", id), label});
  return out;
}

FieldDefinition builtin(std::string key, std::string label, std::string type, std::vector<FieldOption> options = {}) {
  return {std::move(key), std::move(label), std::move(type), false, std::move(options)};
}

// Built-in fields carry what the records carry; visible_to and label_ids have options everywhere.
std::vector<FieldDefinition> builtins(RecordType type) {
  const auto visible = builtin("visible_to", "Visible to", "visible_to",
                                {{"1", "Owner & followers"},
                                 {"3", "Entire company"},
                                 {"5", "Owner's visibility group"},
                                 {"7", "Owner's visibility group and sub-groups"}});
  const auto labels = builtin("label_ids", "Labels", "set", numbered(1, {"Hot", "Warm", "Cold", "Customer"}));
  switch (type) {
    case RecordType::person:
      return {builtin("id", "ID", "int"),          builtin("name", "Name", "varchar"),
              builtin("first_name", "First name", "varchar"), builtin("last_name", "Last name", "varchar"),
              builtin("owner_id", "Owner", "user"), builtin("org_id", "Organization", "org"),
              builtin("add_time", "Person created", "date"), builtin("update_time", "Update time", "date"),
              builtin("emails", "Email", "varchar"), builtin("phones", "Phone", "phone"), visible, labels};
    case RecordType::organization:
      return {builtin("id", "ID", "int"),         builtin("name", "Name", "varchar"),
              builtin("owner_id", "Owner", "user"), builtin("add_time", "Organization created", "date"),
              builtin("update_time", "Update time", "date"), builtin("address", "Address", "address"), visible,
              labels};
    case RecordType::deal:
      return {builtin("id", "ID", "int"),
              builtin("title", "Title", "varchar"),
              builtin("owner_id", "Owner", "user"),
              builtin("value", "Value", "monetary"),
              builtin("person_id", "Contact person", "people"),
              builtin("org_id", "Organization", "org"),
              builtin("stage_id", "Stage", "stage"),
              builtin("pipeline_id", "Pipeline", "double"),
              builtin("add_time", "Deal created", "date"),
              builtin("update_time", "Update time", "date"),
              builtin("status", "Status", "status",
                      named({{"open", "Open"}, {"won", "Won"}, {"lost", "Lost"}, {"deleted", "Deleted"}})),
              builtin("probability", "Probability", "double"),
              builtin("lost_reason", "Lost reason", "varchar"),
              builtin("expected_close_date", "Expected close date", "date"),
              visible,
              labels};
    case RecordType::activity:
      return {builtin("id", "ID", "int"), builtin("subject", "Subject", "varchar"),
              builtin("type", "Type", "enum",
                      named({{"call", "Call"}, {"meeting", "Meeting"}, {"task", "Task"}, {"deadline", "Deadline"},
                             {"email", "Email"}, {"lunch", "Lunch"}})),
              builtin("owner_id", "Assigned to user", "user"), builtin("due_date", "Due date", "date"),
              builtin("done", "Done", "boolean")};
    case RecordType::note:
      return {builtin("id", "ID", "int"), builtin("content", "Content", "text"), builtin("user_id", "User", "user"),
              builtin("add_time", "Add time", "date")};
    default:
      return {};
  }
}

// Labels for the custom fields of pipedrive_custom_fields.cpp, in their order. "Name" and
// "Title" are also built-in labels, the collision crmexport must name apart. The last option of
// each multiple-option field was deleted in the account, but old records still hold its id.
std::vector<const char*> custom_labels(RecordType type) {
  switch (type) {
    case RecordType::person:
      return {"Name", "Lead source", "Lifetime value", "External ID", "Interests"};
    case RecordType::organization:
      return {"External ID", "Website", "Industry", "Annual revenue", "Regions"};
    case RecordType::deal:
      return {"Title", "Setup fee", "Deal type", "External ID", "Discount %"};
    default:
      return {};
  }
}

const char* kind_type(CustomKind kind) {
  switch (kind) {
    case CustomKind::text:
      return "varchar";
    case CustomKind::option:
      return "enum";
    case CustomKind::option_set:
      return "set";
    case CustomKind::decimal:
      return "double";
    case CustomKind::big_id:
      return "int";
    case CustomKind::monetary:
      return "monetary";
  }
  return "varchar";
}

// Option ids follow draw_value() in pipedrive_custom_fields.cpp: 100 + 10 * field index + 1...
std::vector<FieldOption> custom_options(CustomKind kind, std::size_t index) {
  const auto base = static_cast<std::int64_t>(100 + index * 10) + 1;
  if (kind == CustomKind::option)
    return numbered(base, {"Web", "Referral", "Trade show", "Cold call", "Partner"});
  if (kind == CustomKind::option_set) {
    auto options = numbered(base, {"Golf", "Sailing", "Chess", "Cooking", "Travel", "Opera"});
    options.back().deleted = true;
    return options;
  }
  return {};
}

std::vector<FieldDefinition> definitions(RecordType type) {
  auto all = builtins(type);
  const auto defs = custom_fields_of(type);
  const auto labels = custom_labels(type);
  for (std::size_t i = 0; i < defs.size(); ++i)
    all.push_back({defs[i].key, labels[i], kind_type(defs[i].kind), true, custom_options(defs[i].kind, i)});
  return all;
}

std::int64_t count_param(const httplib::Request& req, const char* name, std::int64_t fallback) {
  if (!req.has_param(name)) return fallback;
  const std::string text = req.get_param_value(name);
  std::int64_t value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size() ? value : -1;
}

void write_options(JsonWriter& w, const char* key, const std::vector<FieldOption>& options, bool deleted) {
  write_key(w, key);
  bool any = false;
  for (const auto& o : options) any = any || o.deleted == deleted;
  if (!any) {
    w.Null();
    return;
  }
  w.StartArray();
  for (const auto& o : options) {
    if (o.deleted != deleted) continue;
    w.StartObject();
    write_key(w, "id");
    w.RawValue(o.id.data(), o.id.size(), rapidjson::kNumberType);
    write_string_field(w, "label", o.label);
    w.EndObject();
  }
  w.EndArray();
}

void send_page(httplib::Response& res, const std::vector<FieldDefinition>& fields, std::int64_t start,
               std::int64_t limit, bool v1) {
  const auto total = static_cast<std::int64_t>(fields.size());
  const std::int64_t end = std::min(total, start + limit);
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_bool_field(w, "success", true);
  write_key(w, "data");
  w.StartArray();
  for (std::int64_t i = start; i < end; ++i) write_field_item(w, fields[static_cast<std::size_t>(i)], v1);
  w.EndArray();
  write_key(w, "additional_data");
  w.StartObject();
  if (v1) {
    write_key(w, "pagination");
    w.StartObject();
    write_int_field(w, "start", start);
    write_int_field(w, "limit", limit);
    write_bool_field(w, "more_items_in_collection", end < total);
    if (end < total) write_int_field(w, "next_start", end);
    w.EndObject();
  } else {
    write_key(w, "next_cursor");
    if (end < total)
      write_string(w, base64url_encode(fmt::format("{{\"offset\":{}}}", end)));
    else
      w.Null();
  }
  w.EndObject();
  w.EndObject();
  send_json(res, buffer);
}

}  // namespace

FieldCatalog::FieldCatalog() {
  for (const RecordType type : k_all_types) m_fields.push_back(definitions(type));
}

std::vector<FieldDefinition> FieldCatalog::of(RecordType type) const {
  std::lock_guard lock(m_mutex);
  return m_fields[static_cast<std::size_t>(type)];
}

bool FieldCatalog::rename(RecordType type, std::string_view key, std::string_view label) {
  std::lock_guard lock(m_mutex);
  for (auto& field : m_fields[static_cast<std::size_t>(type)])
    if (field.key == key) return field.label = label, true;
  return false;
}

bool FieldCatalog::delete_option(RecordType type, std::string_view key, std::string_view option_id) {
  std::lock_guard lock(m_mutex);
  for (auto& field : m_fields[static_cast<std::size_t>(type)])
    if (field.key == key)
      for (auto& option : field.options)
        if (option.id == option_id || option.id == fmt::format("\"{}\"", option_id)) return option.deleted = true;
  return false;
}

std::optional<RecordType> type_from_singular(std::string_view singular) {
  for (const auto& [name, type] : {std::pair{"person", RecordType::person}, {"organization", RecordType::organization},
                                   {"deal", RecordType::deal}, {"activity", RecordType::activity},
                                   {"note", RecordType::note}})
    if (singular == name) return type;
  return std::nullopt;
}

void write_field_item(JsonWriter& w, const FieldDefinition& field, bool v1) {
  w.StartObject();
  if (v1) {
    write_string_field(w, "key", field.key);
    write_string_field(w, "name", field.label);
    write_string_field(w, "field_type", field.type);
    write_bool_field(w, "edit_flag", field.custom);
    write_options(w, "options", field.options, false);
    write_options(w, "options_deleted", field.options, true);
  } else {
    write_string_field(w, "field_name", field.label);
    write_string_field(w, "field_code", field.key);
    write_string_field(w, "field_type", field.type);
    write_options(w, "options", field.options, false);
    write_null_field(w, "subfields");
    write_bool_field(w, "is_custom_field", field.custom);
    write_bool_field(w, "is_optional_response_field", false);
  }
  w.EndObject();
}

void serve_v2_fields(const FieldCatalog& catalog, std::optional<RecordType> type, const httplib::Request& req,
                     httplib::Response& res) {
  const std::int64_t limit = count_param(req, "limit", k_default_limit);
  if (limit < 1 || limit > k_max_limit)
    return send_error(res, 400,
                      fmt::format("Validation failed: limit: Number must be between 1 and {}", k_max_limit));
  std::int64_t start = 0;
  if (req.has_param("cursor")) {
    const auto decoded = base64_decode(req.get_param_value("cursor"));
    if (!decoded || std::sscanf(decoded->c_str(), "{\"offset\":%ld}", &start) != 1 || start < 0)
      return send_error(res, 400, "Validation failed: cursor: Invalid cursor");
  }
  send_page(res, type ? catalog.of(*type) : std::vector<FieldDefinition>{}, start, limit, false);
}

void serve_v1_fields(const FieldCatalog& catalog, std::optional<RecordType> type, const httplib::Request& req,
                     httplib::Response& res) {
  const std::int64_t start = count_param(req, "start", 0);
  const std::int64_t limit = count_param(req, "limit", k_default_limit);
  if (start < 0 || limit < 1) return send_error(res, 400, "start and limit must be non-negative integers");
  send_page(res, type ? catalog.of(*type) : std::vector<FieldDefinition>{}, start, std::min(limit, k_max_limit),
            true);
}

}  // namespace crm_fake::pipedrive
