#include "support/csv_reader.hpp"

#include <stdexcept>

namespace crmexport::testing {

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, in_quotes = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        cell += '"', ++i;
      else if (c == '"')
        in_quotes = false;
      else
        cell += c;
    } else if (c == '"') {
      if (!cell.empty()) throw std::runtime_error("quote inside an unquoted cell");
      in_quotes = quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(cell)), cell.clear(), quoted = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(std::move(cell)), cell.clear(), quoted = false;
      rows.push_back(std::move(row)), row.clear();
      ++i;
    } else if (c == '\n') {
      throw std::runtime_error("bare LF line end (RFC 4180 wants CRLF)");
    } else {
      cell += c;
    }
  }
  if (in_quotes) throw std::runtime_error("unterminated quoted cell");
  if (!cell.empty() || quoted || !row.empty()) row.push_back(std::move(cell)), rows.push_back(std::move(row));
  return rows;
}

}  // namespace crmexport::testing
