#pragma once
// CSV with every column any record has. The header must list them all before the first row, so
// records are spooled to a temporary file and the whole CSV is written at finish(); memory grows
// with the number of distinct columns only.
#include <cstdio>
#include <memory>

#include "lib/output/writer.hpp"

namespace crmexport::output {

// Creates the spool file at once, so that an unwritable /tmp fails before any request is made.
// `spool`: nullptr for an anonymous file in /tmp; else a file the caller owns (a partial file kept
// for --resume), whose lines are records already spooled: their columns come first, in the
// order an uninterrupted run would have seen them, so the header is the same.
std::unique_ptr<RecordWriter> make_csv_all_columns_writer(std::FILE* out, std::FILE* spool = nullptr);

}  // namespace crmexport::output
