#include "tests/fake/pipedrive_http.hpp"
#include "tests/fake/pipedrive_paging.hpp"
#include "tests/fake/pipedrive_records.hpp"
#include "tests/fake/pipedrive_routes.hpp"

#include <charconv>
#include <expected>
#include <string>

namespace crm_fake::pipedrive {
namespace {

constexpr std::int64_t k_default_limit = 100;
// The real v1 maximum is unconfirmed (FACTS); larger limits are quietly capped, never refused.
constexpr std::int64_t k_max_limit = 500;

std::expected<std::int64_t, std::string> parse_count(const httplib::Request& req, const char* name,
                                                     std::int64_t fallback, std::int64_t minimum) {
  if (!req.has_param(name)) return fallback;
  const std::string text = req.get_param_value(name);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < minimum)
    return std::unexpected(std::string(name) + " must be an integer of at least " + std::to_string(minimum));
  return value;
}

}  // namespace

void serve_v1_list(const Dataset& dataset, RecordType type, const httplib::Request& req, httplib::Response& res) {
  const auto start = parse_count(req, "start", 0, 0);
  if (!start) {
    send_error(res, 400, start.error());
    return;
  }
  const auto requested_limit = parse_count(req, "limit", k_default_limit, 1);
  if (!requested_limit) {
    send_error(res, 400, requested_limit.error());
    return;
  }
  const std::int64_t limit = std::min(*requested_limit, k_max_limit);
  std::optional<EpochSeconds> updated_since;
  if (type == RecordType::note && req.has_param("updated_since")) {
    updated_since = parse_rfc3339_ceil(req.get_param_value("updated_since"));
    if (!updated_since) {
      send_error(res, 400, "updated_since must be an RFC3339 date-time such as 2025-01-01T10:20:00Z");
      return;
    }
  }
  // "sort" is accepted and ignored: records always come in id order here, which is what the
  // only sort a paging client should use ("id ASC") gives.
  const OffsetPage page = select_offset_page(dataset, type, *start, limit, updated_since);

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_bool_field(w, "success", true);
  write_key(w, "data");
  if (page.ids.empty()) {
    w.Null();
  } else {
    w.StartArray();
    for (const std::int64_t id : page.ids) write_record(w, dataset, type, ApiVersion::v1, id);
    w.EndArray();
  }
  write_key(w, "additional_data");
  w.StartObject();
  write_key(w, "pagination");
  w.StartObject();
  write_int_field(w, "start", *start);
  write_int_field(w, "limit", limit);
  write_bool_field(w, "more_items_in_collection", page.more_items);
  if (page.more_items) write_int_field(w, "next_start", *start + static_cast<std::int64_t>(page.ids.size()));
  w.EndObject();
  w.EndObject();
  if (has_related_objects(type)) {
    write_key(w, "related_objects");
    write_related_objects(w, dataset, type, page.ids);
  }
  w.EndObject();
  send_json(res, buffer);
}

void serve_current_user(const Dataset& dataset, httplib::Response& res) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_bool_field(w, "success", true);
  write_key(w, "data");
  write_current_user(w, dataset);
  w.EndObject();
  send_json(res, buffer);
}

}  // namespace crm_fake::pipedrive
