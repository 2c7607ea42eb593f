#include "lib/output/record_cells.hpp"

#include <fmt/format.h>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <memory>
#include <string>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/json/parse.hpp"

namespace crmexport::output {
namespace {

// Numbers as text keeps them verbatim; iterative parsing keeps a deeply nested record from
// overflowing the stack. Encoding is not validated: the bytes pass through as the provider sent them.
constexpr unsigned k_parse_flags = rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag;

// The compact JSON of one array or object, being written while the reader goes through it.
struct Capture {
  explicit Capture(std::string_view capture_path) : path(capture_path), writer(buffer) {}
  std::string path;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer;

  std::string_view text() const { return {buffer.GetString(), buffer.GetSize()}; }
};

class CellHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, CellHandler> {
 public:
  CellHandler(const CellSink& on_cell, const WholeObjectFilter& wants_whole)
      : m_on_cell(on_cell), m_wants_whole(wants_whole) {}

  bool Null() {
    return value("", [](auto& writer) { return writer.Null(); });
  }
  bool Bool(bool flag) {
    return value(flag ? "true" : "false", [flag](auto& writer) { return writer.Bool(flag); });
  }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    // Writer::RawNumber would quote the number as a string; RawValue writes it as it is.
    return value({text, length}, [&](auto& writer) { return writer.RawValue(text, length, rapidjson::kNumberType); });
  }
  bool String(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    return value({text, length}, [&](auto& writer) { return writer.String(text, length); });
  }

  bool Key(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    forward([&](auto& writer) { return writer.Key(text, length); });
    if (m_array_depth == 0) m_key.assign(text, length);
    return true;
  }

  bool StartObject() {
    if (!m_root_open) {
      m_root_open = true;
      return true;
    }
    if (m_array_depth > 0) {
      ++m_array_depth;
      return forward([](auto& writer) { return writer.StartObject(); });
    }
    const std::string& path = leaf_path();
    const ObjectFrame frame{m_path.size(), m_wants_whole && m_wants_whole(path)};
    if (frame.whole) m_captures.push_back(std::make_unique<Capture>(path));
    m_path = path;
    m_objects.push_back(frame);
    return forward([](auto& writer) { return writer.StartObject(); });
  }

  bool EndObject(rapidjson::SizeType member_count) {
    if (m_array_depth > 0) {
      --m_array_depth;
      return forward([&](auto& writer) { return writer.EndObject(member_count); });
    }
    if (m_objects.empty()) return true;  // the record itself ends
    const ObjectFrame frame = m_objects.back();
    m_objects.pop_back();
    if (!forward([&](auto& writer) { return writer.EndObject(member_count); })) return false;
    if (frame.whole) {
      emit_capture();
    } else if (member_count == 0) {
      // Without a cell of its own an empty object would vanish from the output.
      m_on_cell(m_path, "{}");
    }
    m_path.resize(frame.parent_path_size);
    return true;
  }

  bool StartArray() {
    if (!m_root_open) return false;  // a record is an object
    if (m_array_depth == 0) m_captures.push_back(std::make_unique<Capture>(leaf_path()));
    ++m_array_depth;
    return forward([](auto& writer) { return writer.StartArray(); });
  }

  bool EndArray(rapidjson::SizeType element_count) {
    if (!forward([&](auto& writer) { return writer.EndArray(element_count); })) return false;
    if (--m_array_depth == 0) emit_capture();
    return true;
  }

 private:
  struct ObjectFrame {
    size_t parent_path_size;  // m_path is cut back to this when the object ends
    bool whole;               // a Capture of this object is on m_captures
  };

  // The dot path of the member whose key was read last.
  const std::string& leaf_path() {
    m_leaf = m_path;
    if (!m_leaf.empty()) m_leaf += '.';
    m_leaf += m_key;
    return m_leaf;
  }

  template <typename Write>
  bool forward(Write write_to) {
    for (const auto& capture : m_captures) {
      if (!write_to(capture->writer)) return false;
    }
    return true;
  }

  template <typename Write>
  bool value(std::string_view text, Write write_to) {
    if (!m_root_open) return false;  // a record is an object
    if (!forward(write_to)) return false;
    // Inside an array the value is part of the array's cell only.
    if (m_array_depth == 0) m_on_cell(leaf_path(), text);
    return true;
  }

  void emit_capture() {
    m_on_cell(m_captures.back()->path, m_captures.back()->text());
    m_captures.pop_back();
  }

  const CellSink& m_on_cell;
  const WholeObjectFilter& m_wants_whole;
  bool m_root_open = false;
  std::string m_path;                                // dot path of the object being read; empty for the record itself
  std::string m_key;                                 // last key read in that object
  std::string m_leaf;                                // scratch for leaf_path(), kept to reuse its allocation
  std::vector<ObjectFrame> m_objects;                // open objects below the record
  size_t m_array_depth = 0;                          // containers open inside the outermost open array
  std::vector<std::unique_ptr<Capture>> m_captures;  // innermost last
};

}  // namespace

void for_each_cell(std::string_view record_json, const CellSink& on_cell, const WholeObjectFilter& wants_whole) {
  // A record holding a number too big for RapidJSON (1e309) is read twice, and the cells before it
  // are given twice: every sink places a cell by its path, so that changes nothing.
  auto attempt = [&](std::string_view text, const json::HugeNumbers* huge) {
    CellHandler handler(on_cell, wants_whole);
    json::Guarded<CellHandler> guarded(handler, huge);
    return json::read_sax<k_parse_flags>(text, guarded);
  };
  const rapidjson::ParseResult result = json::with_huge_numbers(record_json, attempt);
  if (result.IsError()) {
    const std::string reason =
        result.Code() == rapidjson::kParseErrorTermination
            ? std::string("it is not a JSON object")
            : fmt::format("{} at byte {}", rapidjson::GetParseError_En(result.Code()), result.Offset());
    throw Fatal(
        ErrorKind::runtime,
        fmt::format("cannot convert a record to CSV: {}; this is a bug in crmexport, please report it", reason));
  }
}

}  // namespace crmexport::output
