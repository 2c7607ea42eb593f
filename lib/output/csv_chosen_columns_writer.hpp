#pragma once
// CSV with the columns the user chose (--fields): the header is known up front, so each row is
// written as soon as its record arrives.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "lib/output/writer.hpp"

namespace crmexport::output {

// `fields` are dot paths, in column order, not empty; a path may be given twice.
// `header_written`: the output already starts with the header (a resumed partial file).
std::unique_ptr<RecordWriter> make_csv_chosen_columns_writer(std::FILE* out, std::vector<std::string> fields,
                                                             bool header_written = false);

}  // namespace crmexport::output
