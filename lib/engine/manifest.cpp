#include "lib/engine/manifest.hpp"

#include <fmt/format.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "lib/core/sha256.hpp"
#include "lib/json/fields.hpp"
#include "lib/json/parse.hpp"
#include "lib/json/write.hpp"

namespace crmexport::engine {
namespace {

using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

constexpr std::array k_status_names{"complete", "unfinished", "not started"};

void write_type(JsonWriter& w, const TypeSummary& type) {
  using namespace json;
  w.StartObject();
  text_member(w, "type", type.type);
  text_member(w, "status", k_status_names[static_cast<size_t>(type.status)]);
  optional_text_member(w, "file", type.file);
  text_member(w, "format", type.format);
  int_member(w, "records", type.records);
  int_member(w, "pages", type.pages);
  int_member(w, "requests", type.requests);
  number_member(w, "seconds", type.seconds);
  optional_int_member(w, "provider_total", type.provider_total);
  key(w, "count_matches");
  if (auto matches = count_matches(type))
    w.Bool(*matches);
  else
    w.Null();
  optional_text_member(w, "resume_cursor", type.resume_cursor);
  optional_text_member(w, "next_since", type.next_since.empty() ? std::nullopt : std::optional(type.next_since));
  optional_text_member(w, "sha256", type.sha256);
  w.EndObject();
}

}  // namespace

std::optional<bool> count_matches(const TypeSummary& type) {
  // Only a whole export can be held to the total: an unfinished one is short by design.
  if (!type.provider_total || type.status != TypeStatus::complete) return std::nullopt;
  return *type.provider_total == type.records;
}

std::string summary_json(const RunSummary& run) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.SetIndent(' ', 2);
  w.SetMaxDecimalPlaces(3);
  w.StartObject();
  json::text_member(w, "crmexport_version", CRMEXPORT_VERSION);
  w.Key("connection");
  w.StartObject();
  json::text_member(w, "name", run.connection);
  json::text_member(w, "provider", run.provider);
  w.EndObject();
  json::text_member(w, "api_version", run.api_version);
  json::text_member(w, "started_at", run.started_at);
  json::text_member(w, "finished_at", run.finished_at);
  w.Key("types");
  w.StartArray();
  for (const auto& type : run.types) write_type(w, type);
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString()) + "\n";
}

std::vector<TypeSummary> read_manifest_types(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream content;
  content << in.rdbuf();
  rapidjson::Document document;
  if (json::parse_dom(document, content.str()) != json::Parsed::ok) return {};
  const auto* types = json::find(document, "/types");
  if (types == nullptr || !types->IsArray()) return {};
  std::vector<TypeSummary> found;
  for (const auto& entry : types->GetArray()) {
    TypeSummary type;
    type.type = json::text_at(entry, "/type").value_or("");
    const auto status = json::text_at(entry, "/status").value_or("");
    for (size_t i = 0; i < k_status_names.size(); ++i)
      if (status == k_status_names[i]) type.status = static_cast<TypeStatus>(i);
    type.file = json::text_at(entry, "/file");
    type.format = json::text_at(entry, "/format").value_or("");
    type.records = json::int_at(entry, "/records").value_or(0);
    type.pages = json::int_at(entry, "/pages").value_or(0);
    type.requests = json::int_at(entry, "/requests").value_or(0);
    if (const auto* seconds = json::find(entry, "/seconds"); seconds != nullptr && seconds->IsNumber())
      type.seconds = seconds->GetDouble();
    if (auto total = json::int_at(entry, "/provider_total")) type.provider_total = *total;
    type.next_since = json::text_at(entry, "/next_since").value_or("");
    type.sha256 = json::text_at(entry, "/sha256");
    found.push_back(std::move(type));
  }
  return found;
}

std::optional<TypeSummary> finished_earlier(const std::vector<TypeSummary>& manifest, std::string_view type,
                                            const std::filesystem::path& path) {
  std::error_code ignored;
  if (!std::filesystem::exists(path, ignored)) return std::nullopt;
  for (const auto& entry : manifest)
    if (entry.type == type && entry.status == TypeStatus::complete && entry.file == path.filename().string() &&
        entry.sha256 == sha256_of_file(path))
      return entry;
  return std::nullopt;
}

std::string sha256_of_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Fatal(ErrorKind::runtime,
                fmt::format("cannot read {} for its SHA-256: {}", path.string(), std::strerror(errno)));
  Sha256 hash;
  std::array<char, 1 << 16> block{};
  while (in) {
    in.read(block.data(), block.size());
    hash.update(std::string_view(block.data(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) throw Fatal(ErrorKind::runtime, fmt::format("cannot read {} for its SHA-256", path.string()));
  return hash.hex();
}

}  // namespace crmexport::engine
