// The entry points of writer.hpp: format names, and the one table that maps a format to its writer.
#include "lib/output/writer.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>

#include "lib/core/error.hpp"
#include "lib/output/csv_writer.hpp"
#include "lib/output/json_writer.hpp"
#include "lib/output/ndjson_writer.hpp"

namespace crmexport::output {
namespace {

struct FormatEntry {
  Format format;
  std::string_view name;
  std::unique_ptr<RecordWriter> (*make)(std::FILE* out, const WriterOptions& options);
};

constexpr std::array k_formats{
    FormatEntry{Format::ndjson, "ndjson", make_ndjson_writer},
    FormatEntry{Format::json, "json", make_json_writer},
    FormatEntry{Format::csv, "csv", make_csv_writer},
};

struct ExtensionEntry {
  std::string_view extension;  // lower case, with its dot
  Format format;
};

constexpr std::array k_extensions{
    ExtensionEntry{".ndjson", Format::ndjson},
    ExtensionEntry{".jsonl", Format::ndjson},
    ExtensionEntry{".json", Format::json},
    ExtensionEntry{".csv", Format::csv},
};

const FormatEntry& entry_for(Format format) {
  const auto found = std::ranges::find(k_formats, format, &FormatEntry::format);
  if (found == k_formats.end()) throw Fatal(ErrorKind::runtime, "unknown output format; this is a bug in crmexport");
  return *found;
}

std::string to_lower(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  // `-f CSV` is csv, as the extension .CSV is.
  const auto found = std::ranges::find(k_formats, to_lower(std::string(name)), &FormatEntry::name);
  if (found == k_formats.end()) return std::nullopt;
  return found->format;
}

std::optional<Format> format_from_path(std::string_view path) {
  // path::extension() looks at the file name only, and a dot file such as ".csv" has none.
  const std::string extension = to_lower(std::filesystem::path(path).extension().string());
  const auto found = std::ranges::find(k_extensions, extension, &ExtensionEntry::extension);
  if (found == k_extensions.end()) return std::nullopt;
  return found->format;
}

std::string_view extension(Format format) { return entry_for(format).name; }

std::unique_ptr<RecordWriter> make_writer(Format format, std::FILE* out, const WriterOptions& options) {
  return entry_for(format).make(out, options);
}

}  // namespace crmexport::output
