#pragma once
// CSV output (RFC 4180). The rules, as users see them:
//
// - Rows: one header row, then one row per record. Lines end with CRLF. Every row has as many
//   cells as the header. The header is written even when there are no records, as long as the
//   columns are known (--fields given). Without --fields, when no record has any column (or
//   there is no record), the output is empty.
// - Columns, with --fields: exactly the fields given, in that order, as dot paths
//   (`address.city`). A field a record does not have is an empty cell; a field naming an object
//   is that object's compact JSON (`{"city":"Oslo","zip":"0150"}`). Rows are written as the
//   records arrive.
// - Columns, without --fields: every column any record has, so the header is complete even when
//   records differ. Order is first seen: a record's columns in their order within the record,
//   and a column first seen in a later record goes after all the columns already known. The
//   records wait in a temporary file in /tmp until the end of the export, when the header and
//   then all rows are written.
// - Flattening: a nested object becomes one column per leaf, named by the keys joined with dots
//   (`org_id.value`, `address.geo.lat`). An empty object is one cell `{}` at its own path. When a
//   name is a plain value in one record (`"org_id": 5` or null) and an object in another
//   (`"org_id": {"value": 5}`), both the `org_id` and the `org_id.value` columns are kept.
//   Keys that themselves contain dots are not escaped, so `{"a.b":1}` and `{"a":{"b":1}}` share
//   the column `a.b`.
// - Arrays: one cell holding the array's compact JSON, numbers as sent:
//   `[{"value":"a@b.c","primary":true}]`. Array elements never become columns of their own.
// - Values: null is an empty cell (as is an empty string); true and false are `true` and
//   `false`; a number is exactly the text the CRM sent (`1500.750`, `9007199254740993`, `1e3`,
//   `-0.0`), never rounded; a string is its characters, unescaped UTF-8, untouched.
// - Quoting: a cell (or header name) is put in double quotes when it contains a comma, a double
//   quote, CR or LF, or starts or ends with a space or a tab; a double quote inside is doubled
//   (`say "hi"` becomes `"say ""hi"""`). Other cells are written bare.
#include <cstdio>
#include <memory>

#include "lib/output/writer.hpp"

namespace crmexport::output {

// With options.fields: those columns, streamed (end_page() flushes). Without: every column,
// spooled to a temporary file and written at finish().
std::unique_ptr<RecordWriter> make_csv_writer(std::FILE* out, const WriterOptions& options);

}  // namespace crmexport::output
