#include "tests/fake/object_table.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>

namespace crm_fake::table {
namespace {

std::optional<std::int64_t> as_int(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The APIs' filters take RFC3339 with any offset or a bare date (FACTS ActiveCampaign §5: the
// format is unconfirmed; clients send either).
std::optional<EpochSeconds> parse_filter_time(std::string_view text) {
  if (auto t = parse_rfc3339_ceil(text)) return t;
  return parse_date(text);
}

// Numbers as numbers when both are, text otherwise: "9" sorts before "10".
int compare_text(std::string_view a, std::string_view b) {
  auto na = as_int(a);
  auto nb = as_int(b);
  if (na && nb) return *na < *nb ? -1 : *na > *nb;
  const int order = a.compare(b);
  return order < 0 ? -1 : order > 0;
}

// A field's value for comparing: its text (null as ""), or raw JSON that is a whole number
// (Pipedrive's and HubSpot's numbers); objects and arrays have none, so they neither filter nor sort.
std::optional<std::string> comparable(const Field* f) {
  if (!f) return std::nullopt;
  if (f->raw.empty()) return f->text.value_or("");
  if (as_int(f->raw)) return f->raw;
  return std::nullopt;
}

// The field an order names, or nothing when the row does not sort by it.
std::optional<std::string> order_field(const ObjectType& row, const std::string& name) {
  if (row.any_field_order) return name;
  for (const auto& key : row.sort_keys)
    if (key.name == name) return key.field;
  return std::nullopt;
}

// Orders a and b by the query's orders; 0 when they tie on all of them.
int compare_records(const ObjectType& row, const ListQuery& query, const Record& a, const Record& b) {
  for (const auto& [name, ascending] : query.orders) {
    const auto field = order_field(row, name);
    if (!field) continue;
    const auto va = comparable(a.field(*field));
    const auto vb = comparable(b.field(*field));
    if (!va || !vb) continue;
    const int order = compare_text(*va, *vb);
    if (order != 0) return ascending ? order : -order;
  }
  return 0;
}

std::string limit_param(PagingKind kind) { return kind == PagingKind::page_token ? "page_size" : "limit"; }

}  // namespace

std::string_view provider_name(Provider provider) {
  switch (provider) {
    case Provider::pipedrive:
      return "pipedrive";
    case Provider::hubspot:
      return "hubspot";
    case Provider::activecampaign:
      return "activecampaign";
    case Provider::keap:
      return "keap";
  }
  return "";
}

const Field* Record::field(std::string_view key) const {
  for (const auto& f : fields)
    if (f.key == key) return &f;
  return nullptr;
}

Field* Record::field(std::string_view key) {
  for (auto& f : fields)
    if (f.key == key) return &f;
  return nullptr;
}

std::string record_json(const Record& record) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  for (const auto& f : record.fields) {
    write_key(w, f.key);
    if (!f.raw.empty())
      w.RawValue(f.raw.data(), f.raw.size(), rapidjson::kObjectType);
    else
      write_optional_string(w, f.text);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::vector<std::string> row_problems(std::span<const ObjectType> rows) {
  std::vector<std::string> problems;
  auto find = [&](std::string_view name) -> const ObjectType* {
    for (const auto& row : rows)
      if (row.name == name) return &row;
    return nullptr;
  };
  auto sample = [](const ObjectType& row) { return row.generate(Generation{}, 1); };
  for (const auto& row : rows) {
    if (find(row.name) != &row) problems.push_back(fmt::format("{}: the name is used twice", row.name));
    if (row.paths.empty() || row.envelope.records_key.empty() || !row.generate) {
      problems.push_back(fmt::format("{}: a path, a records key and a generator are required", row.name));
      continue;
    }
    const Record record = sample(row);
    auto require = [&](std::string_view what, const std::string& field) {
      if (!record.field(field))
        problems.push_back(fmt::format("{}: {} names {}, which its records lack", row.name, what, field));
    };
    for (const auto& filter : row.filters) require(filter.param, filter.field);
    for (const auto& key : row.sort_keys) require(key.name, key.field);
    for (const auto& link : row.links) {
      require("a link", link.field);
      if (!find(link.type))
        problems.push_back(fmt::format("{}: {} links to {}, no such type", row.name, link.field, link.type));
    }
    for (const auto& side_load : row.envelope.side_loads) {
      if (side_load.type.empty()) continue;
      const ObjectType* other = find(side_load.type);
      if (!other)
        problems.push_back(fmt::format("{}: {} side-loads {}, no such type", row.name, side_load.key, side_load.type));
      else if (other->generate && !sample(*other).field(side_load.link_field))
        problems.push_back(fmt::format("{}: {} side-loads {} by {}, which its records lack", row.name, side_load.key,
                                       side_load.type, side_load.link_field));
    }
  }
  return problems;
}

std::expected<std::int64_t, ListError> apply_limit(const Limits& limits, std::optional<std::int64_t> requested,
                                                   std::string_view param) {
  if (!requested || (limits.zero_is_default && *requested == 0)) return limits.default_size;
  if (*requested >= limits.min_size && *requested <= limits.max_size) return *requested;
  if (limits.out_of_range == OverLimit::cap) return std::clamp(*requested, limits.min_size, limits.max_size);
  return std::unexpected(
      ListError{ListError::Kind::limit_out_of_range, std::string(param), std::to_string(*requested)});
}

std::expected<std::vector<AppliedFilter>, ListError> applicable_filters(const ObjectType& row, const ListQuery& query) {
  std::vector<AppliedFilter> applied;
  for (const auto& [param, value] : query.filters) {
    auto declared =
        std::find_if(row.filters.begin(), row.filters.end(), [&](const Filter& f) { return f.param == param; });
    if (declared == row.filters.end()) {
      const auto& prefix = row.any_field_filter_prefix;
      if (prefix.empty() || !param.starts_with(prefix) || !param.ends_with(']') || param.size() <= prefix.size())
        continue;
      applied.push_back({param.substr(prefix.size(), param.size() - prefix.size() - 1), Compare::equals, value, 0});
      continue;
    }
    AppliedFilter filter{declared->field, declared->compare, value, 0};
    if (declared->compare == Compare::greater) {
      auto number = as_int(value);
      if (!number) return std::unexpected(ListError{ListError::Kind::bad_integer, param, value});
      filter.number = *number;
    } else if (declared->compare != Compare::equals) {
      auto at = parse_filter_time(value);
      if (!at) return std::unexpected(ListError{ListError::Kind::bad_time, param, value});
      filter.number = *at;
    }
    applied.push_back(std::move(filter));
  }
  return applied;
}

bool passes(const std::vector<AppliedFilter>& filters, const Record& record) {
  for (const auto& filter : filters) {
    const Field* f = record.field(filter.field);
    switch (filter.compare) {
      case Compare::equals:
        // A record without the field, or with an object there, is not narrowed by it.
        if (auto value = comparable(f); value && *value != filter.text) return false;
        break;
      case Compare::greater: {
        auto value = comparable(f);
        auto number = value ? as_int(*value) : std::nullopt;
        if (!number || *number <= filter.number) return false;
        break;
      }
      case Compare::at_or_after:
      case Compare::at_or_before:
      case Compare::before: {
        auto at = f && f->text ? parse_rfc3339_ceil(*f->text) : std::nullopt;
        if (!at) return false;
        if (filter.compare == Compare::at_or_after && *at < filter.number) return false;
        if (filter.compare == Compare::at_or_before && *at > filter.number) return false;
        if (filter.compare == Compare::before && *at >= filter.number) return false;
        break;
      }
    }
  }
  return true;
}

void sort_records(const ObjectType& row, const ListQuery& query, std::vector<Record>& records) {
  std::stable_sort(records.begin(), records.end(), [&](const Record& a, const Record& b) {
    const int order = compare_records(row, query, a, b);
    return order != 0 ? order < 0 : a.id < b.id;
  });
}

std::string encode_cursor(std::string_view field, std::string_view value, bool numeric, bool descending,
                          std::int64_t id) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_string_field(w, "field", field);
  if (numeric)
    write_int_field(w, "fieldValue", as_int(value).value_or(0));
  else
    write_string_field(w, "fieldValue", value);
  write_string_field(w, "sortDirection", descending ? "desc" : "asc");
  write_int_field(w, "id", id);
  w.EndObject();
  return base64url_encode(std::string_view(buffer.GetString(), buffer.GetSize()));
}

namespace {

// The order a keyset cursor follows: the first the row allows, else id ascending.
std::pair<std::string, bool> cursor_order(const ObjectType& row, const ListQuery& query) {
  for (const auto& [name, ascending] : query.orders)
    if (auto field = order_field(row, name)) return {*field, !ascending};
  return {"id", false};
}

// The record a keyset cursor names, as a stand-in for comparing: its sort field and id.
std::optional<Record> decode_cursor(const ObjectType& row, const ListQuery& query, const std::string& cursor) {
  auto json = base64_decode(cursor);
  if (!json) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse(json->data(), json->size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  const auto field = doc.FindMember("field");
  const auto value = doc.FindMember("fieldValue");
  const auto direction = doc.FindMember("sortDirection");
  const auto id = doc.FindMember("id");
  if (field == doc.MemberEnd() || !field->value.IsString() || value == doc.MemberEnd() ||
      !(value->value.IsString() || value->value.IsInt64()) || direction == doc.MemberEnd() ||
      !direction->value.IsString() || id == doc.MemberEnd() || !id->value.IsInt64())
    return std::nullopt;
  // A cursor made for another order would skip or repeat records: refused.
  const auto [order_by, descending] = cursor_order(row, query);
  if (order_by != field->value.GetString() ||
      std::string_view(direction->value.GetString()) != (descending ? "desc" : "asc"))
    return std::nullopt;
  Record position;
  position.id = id->value.GetInt64();
  position.fields.push_back(Field{
      order_by,
      value->value.IsString() ? std::string(value->value.GetString()) : std::to_string(value->value.GetInt64()), ""});
  return position;
}

}  // namespace

std::expected<Page, ListError> cut_page(const ObjectType& row, const ListQuery& query, std::vector<Record> sorted) {
  auto limit = apply_limit(row.limits, query.limit, limit_param(row.paging));
  if (!limit) return std::unexpected(limit.error());
  Page page;
  page.total = static_cast<std::int64_t>(sorted.size());
  page.limit = *limit;
  page.requested_limit = query.limit.value_or(row.limits.default_size);
  std::int64_t start = std::max<std::int64_t>(query.offset, 0);
  if (row.paging == PagingKind::keyset_cursor) {
    start = 0;
    if (query.cursor) {
      auto position = decode_cursor(row, query, *query.cursor);
      if (!position) return std::unexpected(ListError{ListError::Kind::bad_cursor, "cursor", *query.cursor});
      // Strictly after the record served last, even when it has been deleted since.
      while (start < page.total) {
        const Record& r = sorted[static_cast<std::size_t>(start)];
        const int order = compare_records(row, query, r, *position);
        if (order > 0 || (order == 0 && r.id > position->id)) break;
        ++start;
      }
    }
  }
  page.offset = start;
  const std::int64_t end = std::min(page.total, start + page.limit);
  for (std::int64_t i = start; i < end; ++i) page.records.push_back(std::move(sorted[static_cast<std::size_t>(i)]));
  if (end < page.total) {
    page.next_offset = end;
    if (row.paging == PagingKind::keyset_cursor && !page.records.empty()) {
      const Record& last = page.records.back();
      const auto [field, descending] = cursor_order(row, query);
      const Field* value = last.field(field);
      const bool numeric = value && !value->raw.empty();
      page.next_cursor =
          encode_cursor(field, comparable(value).value_or(std::to_string(last.id)), numeric, descending, last.id);
    }
  }
  return page;
}

std::expected<Page, ListError> list_page(const ObjectType& row, const ListQuery& query, std::vector<Record> records) {
  auto filters = applicable_filters(row, query);
  if (!filters) return std::unexpected(filters.error());
  std::erase_if(records, [&](const Record& r) { return !passes(*filters, r); });
  sort_records(row, query, records);
  return cut_page(row, query, std::move(records));
}

void write_side_loaded(JsonWriter& w, const SideLoaded& side_loaded) {
  write_key(w, side_loaded.key);
  w.StartArray();
  for (const auto& record : side_loaded.records) {
    const std::string json = record_json(record);
    w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  }
  w.EndArray();
}

void write_records(JsonWriter& w, const ObjectType& row, const Page& page) {
  write_side_loaded(w, SideLoaded{row.envelope.records_key, page.records});
}

void write_paging(JsonWriter& w, const ObjectType& row, const Page& page, std::string_view path) {
  switch (row.paging) {
    case PagingKind::offset_total:
      write_key(w, "meta");
      w.StartObject();
      write_string_field(w, "total", std::to_string(page.total));  // a string, as ActiveCampaign sends it
      write_key(w, "page_input");
      w.StartObject();
      write_int_field(w, "limit", page.requested_limit);
      write_int_field(w, "offset", page.offset);
      w.EndObject();
      w.EndObject();
      return;
    case PagingKind::start_more:
      write_key(w, "additional_data");
      w.StartObject();
      write_key(w, "pagination");
      w.StartObject();
      write_int_field(w, "start", page.offset);
      write_int_field(w, "limit", page.limit);
      write_bool_field(w, "more_items_in_collection", page.next_offset.has_value());
      if (page.next_offset) write_int_field(w, "next_start", *page.next_offset);
      w.EndObject();
      w.EndObject();
      return;
    case PagingKind::keyset_cursor:
      write_key(w, "additional_data");
      w.StartObject();
      write_optional_string_field(w, "next_cursor", page.next_cursor);
      w.EndObject();
      return;
    case PagingKind::after_offset:
      if (!page.next_offset) return;
      write_key(w, "paging");
      w.StartObject();
      write_key(w, "next");
      w.StartObject();
      write_string_field(w, "after", std::to_string(*page.next_offset));
      write_string_field(w, "link", fmt::format("{}{}?after={}", row.envelope.next_link_base, path, *page.next_offset));
      w.EndObject();
      w.EndObject();
      return;
    case PagingKind::page_token:
      write_string_field(w, "next_page_token",
                         page.next_offset ? base64url_encode(fmt::format("o:{}", *page.next_offset)) : "");
      return;
    case PagingKind::offset_count: {
      // Both links always, as Keap's v1 sends them: next past the end, previous clamped at 0.
      write_int_field(w, "count", page.total);
      auto link = [&](std::int64_t offset) { return fmt::format("{}?limit={}&offset={}", path, page.limit, offset); };
      write_string_field(w, "next", link(std::min(page.total, page.offset + page.limit)));
      write_string_field(w, "previous", link(std::max<std::int64_t>(page.offset - page.limit, 0)));
      return;
    }
  }
}

std::string write_list_answer(const ObjectType& row, const Page& page, const std::vector<SideLoaded>& before,
                              const std::vector<SideLoaded>& after, std::string_view path) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  for (const auto& side_loaded : before) write_side_loaded(w, side_loaded);
  write_records(w, row, page);
  for (const auto& side_loaded : after) write_side_loaded(w, side_loaded);
  write_paging(w, row, page, path);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace crm_fake::table
