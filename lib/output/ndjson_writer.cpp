#include "lib/output/ndjson_writer.hpp"

#include "lib/output/stream_io.hpp"

namespace crmexport::output {
namespace {

class NdjsonWriter final : public RecordWriter {
 public:
  explicit NdjsonWriter(std::FILE* out) : m_out(out) {}

  void write(std::string_view record_json) override {
    write_all(m_out, record_json);
    write_all(m_out, "\n");
  }

  void end_page() override { flush(m_out); }

  void finish() override { flush(m_out); }

 private:
  std::FILE* m_out;
};

}  // namespace

std::unique_ptr<RecordWriter> make_ndjson_writer(std::FILE* out, const WriterOptions& /*options*/) {
  return std::make_unique<NdjsonWriter>(out);
}

}  // namespace crmexport::output
