#pragma once
// JSON: one array holding every record, streamed as the records come:
//   "[\n" record (",\n" record)* "\n]\n", or "[]\n" for an export with no records.
#include <cstdio>
#include <memory>

#include "lib/output/writer.hpp"

namespace crmexport::output {

// Nothing is held back beyond the FILE*'s buffer, so memory does not grow with the export; the
// document is valid JSON once finish() ran. `options` has nothing for JSON.
std::unique_ptr<RecordWriter> make_json_writer(std::FILE* out, const WriterOptions& options);

}  // namespace crmexport::output
