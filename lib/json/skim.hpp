#pragma once
// A first look at a page before it is parsed: the envelope around the records array and how many
// records it holds, found by a scan that follows only strings and brackets (several times faster
// than parsing). The page loop reads the next position from this look and sends the next page's
// request at once, then parses this page while that request is out (lib/engine/page_loop.cpp).
// The scan does not validate the records; the full parse does, and the page loop drops the
// request it sent early when the parsed page names another next position.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "lib/json/page.hpp"

namespace crmexport::json {

// The page as far as the scan can tell: its envelope is what parse_page would give (numbers as
// strings, the records array left in it empty); its records are one empty string per record, so
// that what reads only the envelope and the number of records (a paging strategy that does not
// read records, paging::Strategy::reads_records) sees the page as the parse will give it.
// nullopt when the scan does not find the records where `records_at` says (the full parse will
// then tell what is wrong) or the envelope does not parse.
// `located`, when not null, gets the records array the scan found, for parse_page on the same body.
std::optional<Page> skim_page(std::string_view body, std::span<const std::string> records_at,
                              RecordsMember rule = RecordsMember::array,
                              std::optional<RecordsArray>* located = nullptr);

}  // namespace crmexport::json
