#include "lib/output/csv_writer.hpp"

#include "lib/output/csv_all_columns_writer.hpp"
#include "lib/output/csv_chosen_columns_writer.hpp"

namespace crmexport::output {

std::unique_ptr<RecordWriter> make_csv_writer(std::FILE* out, const WriterOptions& options) {
  if (options.fields.empty()) return make_csv_all_columns_writer(out, options.spool);
  return make_csv_chosen_columns_writer(out, options.fields, options.records_before > 0);
}

}  // namespace crmexport::output
