#pragma once
// One page of a provider's answer, split in a single SAX pass into
//  - the envelope (everything but the records) as a DOM, for the paging strategy to read, and
//  - each record as compact JSON text whose numbers are the provider's own characters.
// RapidJSON's DOM would turn 9007199254740993 or 1500.750 into doubles; records never go there.
#include <rapidjson/document.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/error.hpp"

namespace crmexport::json {

struct Page {
  // Numbers in the envelope are kept as strings too (read them with the helpers in fields.hpp);
  // the records array is left in it empty, so its presence can still be seen.
  rapidjson::Document envelope;
  std::vector<std::string> records;
};

// `records_at` is the chain of object keys leading to the records array; empty when the body is
// the array itself. A missing or null records array is a page with no records.
Result<Page> parse_page(std::string_view body, std::span<const std::string> records_at);

}  // namespace crmexport::json
