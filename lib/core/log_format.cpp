#include "lib/core/log_format.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fmt/format.h>

namespace crmexport::log {
namespace {

// The prefix the text form has always had, so that people and scripts reading it see no change.
std::string_view text_prefix(std::string_view level) {
  if (level == "error") return "error: ";
  if (level == "warning") return "warning: ";
  return "";
}

}  // namespace

std::string format_text(const Line& line, bool timestamps) {
  std::string stamp = timestamps ? format_time(line.time, TimeFormat::rfc3339) + " " : "";
  std::string out = fmt::format("{}crmexport: {}", stamp, text_prefix(line.level));
  for (char c : line.message) {
    out += c;
    if (c == '\n') out += stamp;
  }
  out += '\n';
  return out;
}

std::string format_json(const Line& line) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto string = [&](std::string_view text) { w.String(text.data(), static_cast<rapidjson::SizeType>(text.size())); };
  w.StartObject();
  w.Key("time"), string(format_time(line.time, TimeFormat::rfc3339));
  w.Key("level"), string(line.level);
  w.Key("message"), string(line.message);
  if (!line.connection.empty()) w.Key("connection"), string(line.connection);
  if (!line.type.empty()) w.Key("type"), string(line.type);
  if (line.exit_code) w.Key("exit_code"), w.Int(*line.exit_code);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::optional<Format> parse_format(std::string_view name) {
  if (name == "text") return Format::text;
  if (name == "json") return Format::json;
  return std::nullopt;
}

}  // namespace crmexport::log
