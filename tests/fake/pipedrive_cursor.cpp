#include "tests/fake/pipedrive_cursor.hpp"

#include "tests/fake/json_util.hpp"

#include <rapidjson/document.h>

#include <array>

namespace crm_fake::pipedrive {
namespace {

constexpr std::array<std::string_view, 5> k_sort_field_names{"id", "update_time", "add_time", "order_nr", "due_date"};

bool is_timestamp(SortField field) { return field == SortField::update_time || field == SortField::add_time; }

}  // namespace

std::string_view sort_field_name(SortField field) { return k_sort_field_names[static_cast<std::size_t>(field)]; }

std::optional<SortField> sort_field_from_name(std::string_view name) {
  for (std::size_t i = 0; i < k_sort_field_names.size(); ++i) {
    if (k_sort_field_names[i] == name) return static_cast<SortField>(i);
  }
  return std::nullopt;
}

std::string encode_cursor(SortField field, bool descending, const CursorPosition& position) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_key(w, "field");
  write_string(w, sort_field_name(field));
  write_key(w, "fieldValue");
  if (is_timestamp(field))
    write_string(w, format_iso_utc(position.key));
  else if (field == SortField::due_date)
    write_string(w, format_date(position.key));
  else
    w.Int64(position.key);
  write_key(w, "sortDirection");
  write_string(w, descending ? "desc" : "asc");
  write_key(w, "id");
  w.Int64(position.id);
  w.EndObject();
  return base64url_encode(std::string_view(buffer.GetString(), buffer.GetSize()));
}

std::optional<CursorPosition> decode_cursor(std::string_view text, SortField field, bool descending) {
  const auto json = base64_decode(text);
  if (!json) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse(json->data(), json->size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;

  const auto field_it = doc.FindMember("field");
  const auto value_it = doc.FindMember("fieldValue");
  const auto direction_it = doc.FindMember("sortDirection");
  const auto id_it = doc.FindMember("id");
  if (field_it == doc.MemberEnd() || !field_it->value.IsString() || value_it == doc.MemberEnd() ||
      direction_it == doc.MemberEnd() || !direction_it->value.IsString() || id_it == doc.MemberEnd() ||
      !id_it->value.IsInt64())
    return std::nullopt;
  if (sort_field_from_name(field_it->value.GetString()) != field) return std::nullopt;
  if (std::string_view(direction_it->value.GetString()) != (descending ? "desc" : "asc")) return std::nullopt;

  CursorPosition position;
  position.id = id_it->value.GetInt64();
  if (position.id < 0) return std::nullopt;
  const rapidjson::Value& value = value_it->value;
  if (is_timestamp(field) || field == SortField::due_date) {
    if (!value.IsString()) return std::nullopt;
    const std::string_view spelled(value.GetString(), value.GetStringLength());
    const auto parsed = is_timestamp(field) ? parse_rfc3339_ceil(spelled) : parse_date(spelled);
    if (!parsed) return std::nullopt;
    position.key = *parsed;
  } else {
    if (!value.IsInt64()) return std::nullopt;
    position.key = value.GetInt64();
  }
  if (field == SortField::id && position.key != position.id) return std::nullopt;
  return position;
}

}  // namespace crm_fake::pipedrive
