#include "lib/output/csv_chosen_columns_writer.hpp"

#include <functional>
#include <unordered_map>

#include "lib/output/csv_line.hpp"
#include "lib/output/record_cells.hpp"
#include "lib/output/stream_io.hpp"
#include "lib/output/string_hash.hpp"

namespace crmexport::output {
namespace {

class CsvChosenColumnsWriter final : public RecordWriter {
 public:
  CsvChosenColumnsWriter(std::FILE* out, std::vector<std::string> fields, bool header_written)
      : m_out(out), m_fields(std::move(fields)), m_cells(m_fields.size()), m_header_written(header_written) {
    for (size_t i = 0; i < m_fields.size(); ++i) m_positions[m_fields[i]].push_back(i);
  }

  void write(std::string_view record_json) override {
    write_header_once();
    for (std::string& cell : m_cells) cell.clear();
    for_each_cell(
        record_json, [this](std::string_view path, std::string_view text) { set_cell(path, text); },
        [this](std::string_view path) { return m_positions.contains(path); });
    m_line.clear();
    append_csv_row(m_line, m_cells);
    write_all(m_out, m_line);
  }

  void end_page() override { flush(m_out); }

  void finish() override {
    write_header_once();
    flush(m_out);
  }

 private:
  void set_cell(std::string_view path, std::string_view text) {
    const auto found = m_positions.find(path);
    if (found == m_positions.end()) return;
    for (const size_t position : found->second) m_cells[position].assign(text);
  }

  void write_header_once() {
    if (m_header_written) return;
    m_line.clear();
    append_csv_row(m_line, m_fields);
    write_all(m_out, m_line);
    m_header_written = true;
  }

  std::FILE* m_out;
  std::vector<std::string> m_fields;
  std::unordered_map<std::string, std::vector<size_t>, StringHash, std::equal_to<>> m_positions;  // path -> columns
  std::vector<std::string> m_cells;  // the row being built, reused so rows do not allocate
  std::string m_line;
  bool m_header_written;
};

}  // namespace

std::unique_ptr<RecordWriter> make_csv_chosen_columns_writer(std::FILE* out, std::vector<std::string> fields,
                                                             bool header_written) {
  return std::make_unique<CsvChosenColumnsWriter>(out, std::move(fields), header_written);
}

}  // namespace crmexport::output
