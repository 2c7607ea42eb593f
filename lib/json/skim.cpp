#include "lib/json/skim.hpp"

#include "lib/json/scan.hpp"

namespace crmexport::json {

std::optional<Page> skim_page(std::string_view body, std::span<const std::string> records_at, RecordsMember rule,
                              std::optional<RecordsArray>* located) {
  const std::size_t begin = find_value(body, 0, records_at);
  if (begin == k_not_found || begin >= body.size()) return std::nullopt;
  std::optional<RecordsArray> array = scan_array(body, begin);
  long records = 0;
  const std::size_t end = array ? array->end : skip_value(body, begin, records);
  if (end == k_not_found) return std::nullopt;
  if (array) records = static_cast<long>(array->elements());
  // The envelope alone, parsed like any answer: the records array replaced by an empty one.
  std::string envelope;
  envelope.reserve(begin + 2 + (body.size() - end));
  envelope.append(body.substr(0, begin)).append(array ? "[]" : body.substr(begin, end - begin)).append(body.substr(end));
  auto page = parse_page(envelope, records_at, rule);
  if (!page) return std::nullopt;
  page->records.assign(static_cast<std::size_t>(records), std::string());
  if (located) *located = std::move(array);
  return std::move(*page);
}

}  // namespace crmexport::json
