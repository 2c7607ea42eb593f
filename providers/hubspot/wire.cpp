#include "providers/hubspot/wire.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>

#include "lib/json/parse.hpp"

namespace crmexport::providers::hubspot {
namespace {

std::string string_member(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

// Null when the text does not parse (or nests too deep): callers check IsObject().
rapidjson::Document parse(std::string_view text) {
  rapidjson::Document document;
  json::parse_dom<rapidjson::kParseNumbersAsStringsFlag>(document, text);
  return document;
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_strings(Writer& w, const std::vector<std::string>& items) {
  w.StartArray();
  for (const auto& item : items) w.String(item.data(), static_cast<rapidjson::SizeType>(item.size()));
  w.EndArray();
}

void write_key(Writer& w, std::string_view key) { w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size())); }
void write_string(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

}  // namespace

std::string error_message(const http::Response& response) {
  auto body = parse(response.body);
  if (!body.IsObject()) return {};
  std::string message = string_member(body, "message");
  if (string_member(body, "policyName") == "DAILY")
    return fmt::format(
        "the account's daily HubSpot API limit is spent (HubSpot: \"{}\"); it resets at midnight in the "
        "account's time zone, so run the export again after that",
        message);
  if (auto category = string_member(body, "category"); !category.empty() && !message.empty())
    message += " (" + category + ")";
  return message;
}

bool is_daily_limit(const http::Response& response) {
  auto body = parse(response.body);
  return string_member(body, "policyName") == "DAILY";
}

std::optional<std::string> record_id(std::string_view record) {
  auto document = parse(record);
  auto id = string_member(document, "id");
  if (id.empty()) return std::nullopt;
  return id;
}

std::optional<std::string> record_property(std::string_view record, std::string_view name) {
  auto document = parse(record);
  if (!document.IsObject()) return std::nullopt;
  auto properties = document.FindMember("properties");
  if (properties == document.MemberEnd() || !properties->value.IsObject()) return std::nullopt;
  auto value = properties->value.FindMember(rapidjson::StringRef(name.data(), name.size()));
  if (value == properties->value.MemberEnd() || !value->value.IsString()) return std::nullopt;
  return std::string(value->value.GetString(), value->value.GetStringLength());
}

std::optional<int64_t> parse_iso_millis(std::string_view text) {
  int year, month, day, hour, minute, second, consumed = 0;
  std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second, &consumed) !=
      6)
    return std::nullopt;
  int64_t millis = 0;
  size_t at = static_cast<size_t>(consumed);
  if (at < copy.size() && copy[at] == '.') {
    int digits = 0;
    for (++at; at < copy.size() && copy[at] >= '0' && copy[at] <= '9'; ++at, ++digits)
      if (digits < 3) millis = millis * 10 + (copy[at] - '0');
    for (; digits < 3; ++digits) millis *= 10;
  }
  if (at >= copy.size() || copy[at] != 'Z') return std::nullopt;
  // Days from civil (Howard Hinnant's algorithm), UTC.
  int y = year - (month <= 2);
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
  return ((days * 24 + hour) * 60 + minute) * 60000 + second * 1000 + millis;
}

std::string search_body(const std::vector<Filter>& filters, std::string_view sort_property,
                        const std::vector<std::string>& properties, int limit, std::string_view after) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  write_key(w, "filterGroups");
  w.StartArray();
  w.StartObject();
  write_key(w, "filters");
  w.StartArray();
  for (const auto& filter : filters) {
    w.StartObject();
    write_key(w, "propertyName");
    write_string(w, filter.property);
    write_key(w, "operator");
    write_string(w, filter.op);
    write_key(w, "value");
    write_string(w, filter.value);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndArray();
  write_key(w, "sorts");
  w.StartArray();
  w.StartObject();
  write_key(w, "propertyName");
  write_string(w, sort_property);
  write_key(w, "direction");
  write_string(w, "ASCENDING");
  w.EndObject();
  w.EndArray();
  write_key(w, "properties");
  write_strings(w, properties);
  write_key(w, "limit");
  w.Int(limit);
  if (!after.empty()) {
    write_key(w, "after");
    write_string(w, after);
  }
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string batch_read_body(const std::vector<std::string>& properties, const std::vector<std::string>& ids) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  write_key(w, "properties");
  write_strings(w, properties);
  write_key(w, "inputs");
  w.StartArray();
  for (const auto& id : ids) {
    w.StartObject();
    write_key(w, "id");
    write_string(w, id);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace crmexport::providers::hubspot
