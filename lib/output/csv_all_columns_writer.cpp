#include "lib/output/csv_all_columns_writer.hpp"

#include <algorithm>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "lib/output/csv_line.hpp"
#include "lib/output/record_cells.hpp"
#include "lib/output/spool_file.hpp"
#include "lib/output/stream_io.hpp"
#include "lib/output/string_hash.hpp"

namespace crmexport::output {
namespace {

class CsvAllColumnsWriter final : public RecordWriter {
 public:
  CsvAllColumnsWriter(std::FILE* out, std::FILE* spool) : m_out(out), m_spool(spool) {
    if (spool == nullptr) return;
    m_spool.start_reading();
    while (const auto record_json = m_spool.read_line()) add_columns(*record_json);
    m_spool.continue_appending();
  }

  void write(std::string_view record_json) override {
    add_columns(record_json);
    // Compact JSON has no raw newline; any other would be whitespace between tokens, where a
    // space means the same and keeps the one-record-per-line spool intact.
    if (record_json.find('\n') == std::string_view::npos) {
      m_spool.append_line(record_json);
    } else {
      std::string one_line(record_json);
      std::ranges::replace(one_line, '\n', ' ');
      m_spool.append_line(one_line);
    }
  }

  // Nothing reaches the output before finish(); flushing the spool reports a full disk early.
  void end_page() override { m_spool.flush(); }

  void finish() override {
    // No record had a column (or there was no record): nothing to name, so not even a header.
    if (m_columns.empty()) {
      flush(m_out);
      return;
    }
    std::string line;
    append_csv_row(line, m_columns);
    write_all(m_out, line);

    std::vector<std::string> cells(m_columns.size());
    const CellSink on_cell = [&](std::string_view path, std::string_view text) {
      // Every path was seen when the record was spooled; the check only guards against a bug.
      const auto found = m_positions.find(path);
      if (found != m_positions.end()) cells[found->second].assign(text);
    };
    m_spool.start_reading();
    while (const auto record_json = m_spool.read_line()) {
      for (std::string& cell : cells) cell.clear();
      for_each_cell(*record_json, on_cell);
      line.clear();
      append_csv_row(line, cells);
      write_all(m_out, line);
    }
    flush(m_out);
  }

 private:
  void add_columns(std::string_view record_json) {
    for_each_cell(record_json, [this](std::string_view path, std::string_view /*text*/) {
      if (m_positions.contains(path)) return;
      m_positions.emplace(std::string(path), m_columns.size());
      m_columns.emplace_back(path);
    });
  }

  std::FILE* m_out;
  SpoolFile m_spool;
  std::vector<std::string> m_columns;                                                // in first-seen order
  std::unordered_map<std::string, size_t, StringHash, std::equal_to<>> m_positions;  // path -> column
};

}  // namespace

std::unique_ptr<RecordWriter> make_csv_all_columns_writer(std::FILE* out, std::FILE* spool) {
  return std::make_unique<CsvAllColumnsWriter>(out, spool);
}

}  // namespace crmexport::output
