#include "lib/output/json_writer.hpp"

#include "lib/output/stream_io.hpp"

namespace crmexport::output {
namespace {

class JsonWriter final : public RecordWriter {
 public:
  JsonWriter(std::FILE* out, bool has_records) : m_out(out), m_has_records(has_records) {}

  void write(std::string_view record_json) override {
    // The opening bracket waits for the first record so that an empty export can be "[]".
    write_all(m_out, m_has_records ? ",\n" : "[\n");
    write_all(m_out, record_json);
    m_has_records = true;
  }

  void end_page() override { flush(m_out); }

  void finish() override {
    write_all(m_out, m_has_records ? "\n]\n" : "[]\n");
    flush(m_out);
  }

 private:
  std::FILE* m_out;
  bool m_has_records;
};

}  // namespace

std::unique_ptr<RecordWriter> make_json_writer(std::FILE* out, const WriterOptions& options) {
  return std::make_unique<JsonWriter>(out, options.records_before > 0);
}

}  // namespace crmexport::output
