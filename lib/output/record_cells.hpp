#pragma once
// Flattening one record into CSV cells (the rules are listed in csv_writer.hpp). The record is read
// with RapidJSON's SAX Reader and kParseNumbersAsStringsFlag, so a number's cell is the exact text
// the provider sent: never a double, never rounded.
#include <functional>
#include <string_view>

namespace crmexport::output {

// Receives each cell with its dot path; both views are valid only during the call.
using CellSink = std::function<void(std::string_view path, std::string_view text)>;
// True when an object at `path` should also be given as one cell of compact JSON (--fields
// naming an object); its leaves are still given one by one.
using WholeObjectFilter = std::function<bool(std::string_view path)>;

// Calls `on_cell` for every cell of `record_json` (one JSON object), in the record's order:
// leaves at dot paths, each array as compact JSON, an empty object as "{}".
// Throws Fatal(runtime) when the text is not one JSON object.
// A cell may be given twice (see record_cells.cpp): place cells by path, do not append them.
void for_each_cell(std::string_view record_json, const CellSink& on_cell, const WholeObjectFilter& wants_whole = {});

}  // namespace crmexport::output
