#pragma once
// The mirror's `fields` table (one row per connection, type and field, refreshed by every sync)
// and the readable view over each type table built from it: PROVIDER_TYPE_labeled, one column
// per field named by its readable name, option values as labels. The `record` column stays raw.
//
// What the view holds is decided here, once; how a value is reached in a record is SQL of each
// database's own JSON functions: sqlite_fields.cpp (json_extract) and postgres_fields.cpp (jsonb).
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
// type's labeled view when anything changed (or the view is missing); true when it was rebuilt.
Result<bool> save_fields(Mirror& mirror, const std::string& connection, const std::string& provider,
                         const std::string& type, const fields::FieldsSpec& spec,
                         const std::vector<fields::Field>& fields);

// Custom values kept outside the records (side-loaded beside a page, or in a collection of their
// own): `by_record` maps a record id to the members of its {KEY: value} object, as the API gave
// them. Replaces the rows of `ids` (a page's records), or every row of the type when `ids` is null.
Result<void> save_field_values(Mirror& mirror, const std::string& connection, const std::string& type,
                               const std::unordered_map<std::string, std::string>& by_record,
                               const std::vector<std::string>* ids = nullptr);

// For the two dialects.
std::string quoted_identifier(std::string_view name);
std::string quoted_text(std::string_view text);
// One field's labeled value as an SQL expression over the type table's row `r` (its `record`, or
// for values kept outside the records, its row in field_values for `type`).
using FieldExpression =
    std::function<std::string(const fields::FieldsSpec&, const fields::Field&, const std::string& type)>;
// `CREATE VIEW` for the type's labeled view from every connection's saved fields (in
// first-seen order), `multiple` telling which keys hold several options.
std::string labeled_view_sql(const std::string& provider, const std::string& type, const fields::FieldsSpec& spec,
                             std::vector<std::pair<std::string, fields::Field>> saved,
                             const std::map<std::string, bool>& multiple, const FieldExpression& labeled);

}  // namespace crmexport::mirror
