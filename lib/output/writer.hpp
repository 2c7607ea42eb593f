#pragma once
// Record writers: the last step of an export. A record reaches a writer as compact JSON text
// whose numbers are exactly the characters the provider sent (see lib/json/records.hpp), so a
// writer never rounds an id or an amount.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crmexport::output {

enum class Format { ndjson, json, csv };

// "ndjson"/"json"/"csv"; nullopt for anything else.
std::optional<Format> parse_format(std::string_view name);  // in any case: CSV is csv
// From a file name's extension: .json, .ndjson, .jsonl, .csv; nullopt when none of these.
std::optional<Format> format_from_path(std::string_view path);
std::string_view extension(Format format);  // "ndjson", "json", "csv"

struct WriterOptions {
  // CSV: the columns, as dot paths, in order. Empty: every column any record has.
  std::vector<std::string> fields;
  // Continuing a partial file (export --resume): records an earlier run wrote to the output, so
  // that JSON writes its separator, not a second "[", and CSV no second header.
  long records_before = 0;
  // CSV with every column: spool records here (a partial file, kept for --resume) instead of an
  // anonymous file in /tmp; lines already in it are records an earlier run spooled.
  std::FILE* spool = nullptr;
};

class RecordWriter {
 public:
  virtual ~RecordWriter() = default;
  // Writes one record (compact JSON text of one object).
  virtual void write(std::string_view record_json) = 0;
  // Called after each page: makes everything written so far visible to the reader of the stream.
  virtual void end_page() = 0;
  // Completes the document. Not called when the export failed.
  virtual void finish() = 0;
};

// Writes to `out`, which the caller owns and keeps open until after finish().
// Write errors throw crmexport::Fatal; a reader that closed the pipe throws output::BrokenPipe.
std::unique_ptr<RecordWriter> make_writer(Format format, std::FILE* out, const WriterOptions& options);

// The reader went away (EPIPE): the run ends quietly.
struct BrokenPipe {};

}  // namespace crmexport::output
