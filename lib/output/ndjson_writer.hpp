#pragma once
// NDJSON: one record per line, each line the record's compact JSON text then "\n".
#include <cstdio>
#include <memory>

#include "lib/output/writer.hpp"

namespace crmexport::output {

// The record text is written as it came (never re-parsed); end_page() flushes so that `jq` or
// `head` on a pipe see each page at once. `options` has nothing for NDJSON.
std::unique_ptr<RecordWriter> make_ndjson_writer(std::FILE* out, const WriterOptions& options);

}  // namespace crmexport::output
