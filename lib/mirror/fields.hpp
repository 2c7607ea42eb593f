#pragma once
// The mirror's `fields` table (one row per connection, type and field, refreshed by every sync)
// and the readable view over each type table built from it: PROVIDER_TYPE_labeled, one column
// per field named by its readable name, option values as labels. The `record` column stays raw.
//
// What the view holds is decided here, once; how a value is reached in a record is SQL of each
// database's own JSON functions: sqlite_fields.cpp (json_extract) and postgres_fields.cpp (jsonb).
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/fields/spec.hpp"
#include "lib/mirror/mirror.hpp"

namespace crmexport::mirror {

// The view's name for a type table: pipedrive_deals -> pipedrive_deals_labeled.
std::string labeled_view_name(std::string_view provider, std::string_view type);

// Saves the fields one sync read (name, label, type, options; first_seen kept) and rebuilds the
// type's labeled view when anything changed (or the view is missing).
Result<FieldsSaved> save_fields(Mirror& mirror, const std::string& connection, const std::string& provider,
                                const std::string& type, const fields::FieldsSpec& spec,
                                const std::vector<fields::Field>& fields);

// Custom values kept outside the records (side-loaded beside a page, or in a collection of their
// own): `by_record` maps a record id to the members of its {KEY: value} object, as the API gave
// them. Replaces the rows of `ids` (a page's records), or every row of the type when `ids` is null.
Result<void> save_field_values(Mirror& mirror, const std::string& connection, const std::string& type,
                               const std::unordered_map<std::string, std::string>& by_record,
                               const std::vector<std::string>* ids = nullptr);

// The one way a name from outside (a field's readable name, a label, a type) reaches SQL as an
// identifier: made fit (fields::fit_name: valid UTF-8, no control characters, at most 63 bytes,
// so PostgreSQL never cuts two names into one) and double-quoted. Any text is safe here.
std::string quoted_identifier(std::string_view name);
// The one way such text reaches SQL as a string literal: single-quoted, valid UTF-8, a NUL as
// U+FFFD (SQL text cannot hold one: SQLite would stop reading at it).
std::string quoted_text(std::string_view text);

// Written into every labeled view (SQLite: a comment in its SQL; PostgreSQL: COMMENT ON VIEW): a
// view without it was built by an earlier crmexport (text columns) and is rebuilt.
inline constexpr std::string_view k_view_format = "crmexport labeled view, typed columns (format 2)";

// What the view builder needs from a dialect.
struct ViewDialect {
  // One field's labeled value as an SQL expression over the type table's row `r` (its `record`,
  // or for values kept outside the records, its row in field_values for `type`).
  std::function<std::string(const fields::FieldsSpec&, const fields::Field&, const std::string& type)> labeled;
  // Its value as the record has it, as text (a JSON array of several options as its JSON text).
  std::function<std::string(const fields::FieldsSpec&, const fields::Field&, const std::string& type)> raw;
  // A JSON object from (quoted key literal, value expression) pairs, within the dialect's limit
  // on a function's arguments.
  std::function<std::string(const std::vector<std::pair<std::string, std::string>>&)> object;
  // The most columns a view may have (SQLite: SQLITE_LIMIT_COLUMN; PostgreSQL: 1,600).
  size_t max_columns = 0;
  // A field's value expression as a column of `kind` (fields::ValueKind): a value that does not
  // convert is NULL, never an error that would fail every query on the view.
  std::function<std::string(fields::ValueKind kind, const std::string& value)> typed;
  // The view's `id`: the type table's id as an integer where it is one.
  std::string id;
};

struct LabeledView {
  std::string sql;  // CREATE VIEW
  size_t fields = 0;
  size_t left_out = 0;
};

// `CREATE VIEW` for the type's labeled view from every connection's saved fields (in
// first-seen order), `multiple` telling which keys hold several options. Each column has the
// kind spec.kind_of gives its fields (text when connections disagree); a field with options is
// followed by NAME_raw, its values as the record has them. Each readable name is
// one column (one per name across connections), made unique by fields::unique_name against the
// view's own columns and earlier ones; a built-in `id` is the view's `id`. When the columns would
// pass `dialect.max_columns`, the built-in fields, then the first custom fields, are columns while
// they fit, and the rest are members of one JSON column, `more_fields`, by readable name.
LabeledView labeled_view_sql(const std::string& provider, const std::string& type, const fields::FieldsSpec& spec,
                             std::vector<std::pair<std::string, fields::Field>> saved,
                             const std::map<std::string, bool>& multiple, const ViewDialect& dialect);

}  // namespace crmexport::mirror
