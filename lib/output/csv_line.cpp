#include "lib/output/csv_line.hpp"

namespace crmexport::output {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool needs_quotes(std::string_view text) {
  if (text.empty()) return false;
  // Spreadsheets trim unquoted spaces at the ends; quoting keeps them.
  if (is_blank(text.front()) || is_blank(text.back())) return true;
  return text.find_first_of(",\"\r\n") != std::string_view::npos;
}

}  // namespace

void append_csv_field(std::string& line, std::string_view text) {
  // A NUL ends strings in C tools and makes Python's csv module refuse the whole file; records'
  // other bad bytes were made U+FFFD when the page was read (lib/core/utf8.hpp), so this one too.
  if (text.find('\0') != std::string_view::npos) {
    std::string without_nul;
    for (const char c : text) {
      if (c == '\0')
        without_nul += "\xEF\xBF\xBD";  // U+FFFD
      else
        without_nul += c;
    }
    append_csv_field(line, without_nul);
    return;
  }
  if (!needs_quotes(text)) {
    line += text;
    return;
  }
  line += '"';
  for (const char c : text) {
    if (c == '"') line += '"';
    line += c;
  }
  line += '"';
}

void append_csv_row(std::string& line, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line += ',';
    append_csv_field(line, cells[i]);
  }
  line += "\r\n";
}

}  // namespace crmexport::output
