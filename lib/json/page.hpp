#pragma once
// One page of a provider's answer, split in a single SAX pass into
//  - the envelope (everything but the records) as a DOM, for the paging strategy to read, and
//  - each record as compact JSON text whose numbers are the provider's own characters.
// RapidJSON's DOM would turn 9007199254740993 or 1500.750 into doubles; records never go there.
// Strings in records come out as valid UTF-8 (ill-formed bytes become U+FFFD, see lib/core/utf8.hpp);
// a NUL (`\u0000`) stays escaped.
#include <rapidjson/document.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/json/scan.hpp"

namespace crmexport::json {

struct Page {
  // Numbers in the envelope are kept as strings too (read them with the helpers in fields.hpp);
  // the records array is left in it empty, so its presence can still be seen.
  rapidjson::Document envelope;
  std::vector<std::string> records;
  // Whether the records were cut at the commas between them (the fast path parse_page takes for
  // a compact array of objects) rather than read value by value by the SAX pass. The same
  // records either way; the page loop says at -v when answers with records take the slow path.
  bool split_at_commas = false;
};

// Whether a null where the records array belongs is an empty page (Pipedrive v1 answers
// `"data": null` on an empty list) or, like a missing member, a malformed answer.
enum class RecordsMember { array, null_when_empty };

// `records_at` is the chain of object keys leading to the records array; empty when the body is
// the array itself. A records member that is missing or not an array is a malformed answer
// (ErrorKind::provider), as is nesting deeper than json::k_max_depth.
// `located`: the records array json::scan_array found in this same body (a skim's), sparing a
// second scan of it.
Result<Page> parse_page(std::string_view body, std::span<const std::string> records_at,
                        RecordsMember rule = RecordsMember::array, const RecordsArray* located = nullptr);

}  // namespace crmexport::json
