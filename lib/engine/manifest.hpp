#pragma once
// What an export did, for cron jobs and later runs: `DIR/manifest.json` after an export to a
// folder, and `--summary-json`. One object: crmexport's version, the connection (name and
// provider, never a secret), the API version, when the run started and finished, and per type
// its file, counts, the provider's own total and whether the count matched it, where a later
// `--since` run should start, and the file's SHA-256.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/error.hpp"

namespace crmexport::engine {

inline constexpr std::string_view k_manifest_name = "manifest.json";  // in the -o DIR/ folder

enum class TypeStatus { complete, unfinished, not_started };

struct TypeSummary {
  std::string type;
  TypeStatus status = TypeStatus::not_started;
  std::optional<std::string> file;  // the file's name (within the folder for -o DIR/); nullopt: stdout
  std::string format;
  long records = 0;
  long pages = 0;
  long requests = 0;
  long field_requests = 0;  // this run's, for its closing line (not in the manifest)
  double seconds = 0;
  std::optional<long> provider_total;
  std::optional<std::string> resume_cursor;  // unfinished: where to go on
  // When the type's first page was asked for (of the first run, for a resumed file): a later
  // `--since` from here misses no record changed after this export read it.
  std::string next_since;
  std::optional<std::string> sha256;  // complete files only
};

struct RunSummary {
  std::string connection;
  std::string provider;
  std::string api_version;
  std::string started_at;  // RFC 3339 UTC
  std::string finished_at;
  std::vector<TypeSummary> types;
};

// The count differs from the total the provider reported (nullopt: it reported none).
std::optional<bool> count_matches(const TypeSummary& type);
// The summary as one JSON object, two-space indented, ending with a newline.
std::string summary_json(const RunSummary& run);
// The entries of an earlier manifest (for `--resume` to carry complete types over); empty when
// there is none or it cannot be read.
std::vector<TypeSummary> read_manifest_types(const std::filesystem::path& path);
// The entry of an earlier manifest saying that `type`'s file at `path` was complete, when the
// file is still what it described (same name and SHA-256); nullopt otherwise.
std::optional<TypeSummary> finished_earlier(const std::vector<TypeSummary>& manifest, std::string_view type,
                                            const std::filesystem::path& path);
// The file's SHA-256 in lower-case hex. Throws Fatal(runtime) naming the file when it cannot be read.
std::string sha256_of_file(const std::filesystem::path& path);

}  // namespace crmexport::engine
