#include "lib/core/log_format.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "lib/core/utf8.hpp"

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

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte < 0x80) {
      if (byte == '\t' || byte == '\n' || byte == '\r')
        out += ' ';
      else if (byte < 0x20 || byte == 0x7f)
        out += fmt::format("\\u{:04x}", byte);
      else
        out += static_cast<char>(byte);
      ++at;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, at);
    if (length == 0) {
      out += fmt::format("\\x{:02x}", byte);
      ++at;
      continue;
    }
    // U+0080 to U+009F are C2 80 to C2 9F, the code point being the second byte.
    const auto second = static_cast<unsigned char>(text[at + 1]);
    if (byte == 0xC2 && second <= 0x9F)
      out += fmt::format("\\u{:04x}", second);
    else
      out.append(text.substr(at, length));
    at += length;
  }
  return out;
}

std::optional<Format> parse_format(std::string_view name) {
  auto is = [name](std::string_view word) {
    return std::ranges::equal(name, word, [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  };
  if (is("text")) return Format::text;
  if (is("json")) return Format::json;
  return std::nullopt;
}

}  // namespace crmexport::log
