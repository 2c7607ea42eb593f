#pragma once
// RFC 4180 fields and rows; the quoting rule is listed in csv_writer.hpp.
#include <string>
#include <string_view>
#include <vector>

namespace crmexport::output {

// Appends `text` as one field, quoted (quotes doubled) when it holds a comma, a double quote,
// CR or LF, or starts or ends with a space or a tab.
void append_csv_field(std::string& line, std::string_view text);
// Appends `cells` as one row: fields separated by commas, then CRLF.
void append_csv_row(std::string& line, const std::vector<std::string>& cells);

}  // namespace crmexport::output
