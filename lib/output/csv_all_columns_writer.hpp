#pragma once
// CSV with every column any record has. The header must list them all before the first row, so
// records are spooled to a temporary file and the whole CSV is written at finish(); memory grows
// with the number of distinct columns only.
#include <cstdio>
#include <memory>

#include "lib/output/writer.hpp"

namespace crmexport::output {

// Creates the spool file at once, so that an unwritable /tmp fails before any request is made.
std::unique_ptr<RecordWriter> make_csv_all_columns_writer(std::FILE* out);

}  // namespace crmexport::output
