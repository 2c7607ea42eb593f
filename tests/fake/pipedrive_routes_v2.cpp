#include "tests/fake/pipedrive_cursor.hpp"
#include "tests/fake/pipedrive_http.hpp"
#include "tests/fake/pipedrive_records.hpp"
#include "tests/fake/pipedrive_routes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <expected>
#include <string>
#include <vector>

namespace crm_fake::pipedrive {
namespace {

constexpr std::int64_t k_default_limit = 100;
constexpr std::int64_t k_max_limit = 500;

bool has_update_filter(RecordType type) {
  return type == RecordType::person || type == RecordType::organization || type == RecordType::deal ||
         type == RecordType::activity;
}

std::vector<SortField> sort_fields_of(RecordType type) {
  std::vector<SortField> fields{SortField::id, SortField::update_time, SortField::add_time};
  if (type == RecordType::stage) fields.push_back(SortField::order_nr);
  if (type == RecordType::activity) fields.push_back(SortField::due_date);
  return fields;
}

std::expected<std::int64_t, std::string> parse_limit(const httplib::Request& req) {
  if (!req.has_param("limit")) return k_default_limit;
  const std::string text = req.get_param_value("limit");
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    return std::unexpected("Validation failed: limit: Expected number, received string");
  if (value < 1) return std::unexpected("Validation failed: limit: Number must be greater than or equal to 1");
  if (value > k_max_limit)
    return std::unexpected(
        fmt::format("Validation failed: limit: Number must be less than or equal to {}", k_max_limit));
  return value;
}

std::expected<SortField, std::string> parse_sort_by(const httplib::Request& req, RecordType type) {
  const auto allowed = sort_fields_of(type);
  if (!req.has_param("sort_by")) return SortField::id;
  const auto field = sort_field_from_name(req.get_param_value("sort_by"));
  if (field && std::find(allowed.begin(), allowed.end(), *field) != allowed.end()) return *field;
  std::string expected;
  for (const SortField f : allowed)
    expected += fmt::format("{}'{}'", expected.empty() ? "" : " | ", sort_field_name(f));
  return std::unexpected(fmt::format("Validation failed: sort_by: Invalid enum value. Expected {}", expected));
}

std::expected<std::optional<EpochSeconds>, std::string> parse_time_param(const httplib::Request& req,
                                                                         const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  const auto parsed = parse_rfc3339_ceil(req.get_param_value(name));
  if (!parsed)
    return std::unexpected(
        fmt::format("Validation failed: {}: Invalid datetime, expected RFC3339 such as 2025-01-01T10:20:00Z", name));
  return parsed;
}

std::expected<PageRequest, std::string> parse_request(const httplib::Request& req, RecordType type) {
  PageRequest request;
  request.type = type;

  const auto limit = parse_limit(req);
  if (!limit) return std::unexpected(limit.error());
  request.limit = *limit;

  const auto sort = parse_sort_by(req, type);
  if (!sort) return std::unexpected(sort.error());
  request.sort = *sort;

  if (req.has_param("sort_direction")) {
    const std::string direction = req.get_param_value("sort_direction");
    if (direction != "asc" && direction != "desc")
      return std::unexpected("Validation failed: sort_direction: Invalid enum value. Expected 'asc' | 'desc'");
    request.descending = direction == "desc";
  }

  if (has_update_filter(type)) {
    const auto since = parse_time_param(req, "updated_since");
    if (!since) return std::unexpected(since.error());
    request.updated_since = *since;
    const auto until = parse_time_param(req, "updated_until");
    if (!until) return std::unexpected(until.error());
    request.updated_until = *until;
  }

  // Deals: status=deleted lists the deleted deals (the real API keeps them 30 days; the fake
  // keeps them for its lifetime). Other status values filter nothing here.
  if (type == RecordType::deal && req.has_param("status") && req.get_param_value("status") == "deleted")
    request.deleted_only = true;

  if (req.has_param("cursor")) {
    const auto position = decode_cursor(req.get_param_value("cursor"), request.sort, request.descending);
    if (!position) return std::unexpected("Validation failed: cursor: Invalid cursor");
    request.after = *position;
  }
  return request;
}

}  // namespace

void serve_v2_list(const Dataset& dataset, RecordType type, const httplib::Request& req, httplib::Response& res) {
  const auto request = parse_request(req, type);
  if (!request) {
    send_error(res, 400, request.error());
    return;
  }
  const CursorPage page = select_cursor_page(dataset, *request);

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_bool_field(w, "success", true);
  write_key(w, "data");
  w.StartArray();
  for (const std::int64_t id : page.ids) write_record(w, dataset, type, ApiVersion::v2, id);
  w.EndArray();
  write_key(w, "additional_data");
  w.StartObject();
  write_key(w, "next_cursor");
  if (page.next)
    write_string(w, encode_cursor(request->sort, request->descending, *page.next));
  else
    w.Null();
  w.EndObject();
  w.EndObject();
  send_json(res, buffer);
}

}  // namespace crm_fake::pipedrive
