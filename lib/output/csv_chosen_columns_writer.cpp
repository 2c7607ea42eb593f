#include "lib/output/csv_chosen_columns_writer.hpp"

#include <algorithm>
#include <functional>
#include <unordered_map>

#include "lib/json/tree.hpp"
#include "lib/output/csv_line.hpp"
#include "lib/output/record_cells.hpp"
#include "lib/output/stream_io.hpp"
#include "lib/output/string_hash.hpp"
#include "lib/paging/planning.hpp"

namespace crmexport::output {
namespace {

// A step into an array: an index from 0, or `primary`.
bool array_step(std::string_view step) {
  return step == "primary" || (!step.empty() && std::ranges::all_of(step, [](char c) { return c >= '0' && c <= '9'; }));
}

// The element `step` names: by index, or the first whose `primary` is true (the first element
// when none says so, as a list of one often does not).
const json::Node* element(const json::Node& array, std::string_view step) {
  if (array.items.empty()) return nullptr;
  if (step == "primary") {
    for (const auto& item : array.items)
      if (const auto* primary = item.member("primary"); primary && primary->is(json::Node::Kind::boolean) && primary->flag)
        return &item;
    return &array.items.front();
  }
  if (step.size() > 9) return nullptr;
  const std::size_t index = std::stoul(std::string(step));
  return index < array.items.size() ? &array.items[index] : nullptr;
}

// A column naming something inside an array.
struct Inside {
  size_t position;                 // the column
  std::vector<std::string> steps;  // from the array to the value: "0" or "primary", then keys
};

// A value as its cell, by the rules of csv_writer.hpp.
std::string cell_of(const json::Node& node) {
  switch (node.kind) {
    case json::Node::Kind::null:
      return "";
    case json::Node::Kind::boolean:
      return node.flag ? "true" : "false";
    case json::Node::Kind::number:
    case json::Node::Kind::string:
      return node.text;
    default:
      return json::to_text(node);
  }
}

class CsvChosenColumnsWriter final : public RecordWriter {
 public:
  CsvChosenColumnsWriter(std::FILE* out, std::vector<std::string> fields, bool header_written)
      : m_out(out), m_fields(std::move(fields)), m_cells(m_fields.size()), m_header_written(header_written) {
    for (size_t i = 0; i < m_fields.size(); ++i) {
      m_positions[m_fields[i]].push_back(i);
      // `emails.0.value`: the array `emails`, then the steps `0` and `value` into its cell.
      auto steps = paging::split(m_fields[i], '.');
      std::string array = steps.empty() ? std::string() : steps.front();
      for (size_t at = 1; at < steps.size(); array += '.' + steps[at++]) {
        if (!array_step(steps[at])) continue;
        m_inside[array].push_back({i, std::vector<std::string>(steps.begin() + static_cast<long>(at), steps.end())});
        break;
      }
    }
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
    if (const auto found = m_positions.find(path); found != m_positions.end())
      for (const size_t position : found->second) m_cells[position].assign(text);
    if (const auto inside = m_inside.find(path); inside != m_inside.end() && text.starts_with('['))
      set_elements(inside->second, text);
  }

  // The array's cell is read again, only for columns that name what is inside it.
  void set_elements(const std::vector<Inside>& wanted, std::string_view array_text) {
    auto array = json::parse_tree(array_text);
    if (!array) return;  // the record was valid JSON, so its array is
    for (const auto& [position, steps] : wanted) {
      const json::Node* node = &*array;
      for (const auto& step : steps) {
        if (node->is(json::Node::Kind::array) && array_step(step))
          node = element(*node, step);
        else if (node->is(json::Node::Kind::object))
          node = node->member(step);
        else
          node = nullptr;
        if (!node) break;
      }
      if (node) m_cells[position] = cell_of(*node);
    }
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
  std::unordered_map<std::string, std::vector<Inside>, StringHash, std::equal_to<>> m_inside;  // array path -> columns
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
