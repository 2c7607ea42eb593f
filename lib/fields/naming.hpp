#pragma once
// Readable names for fields. A custom field's name is its label made safe as a key (valid UTF-8,
// control characters and whitespace runs as one space, trimmed, no dots or commas, so CSV dot
// paths and --fields lists stay unambiguous, at most k_max_name_bytes); a built-in field's name is
// its key, which is readable already. Names are frozen: once given for a connection and type they
// are kept (the store holds them) however the field is relabeled upstream, until the user asks
// for fresh ones.
//
// Names are unique per connection and type, ignoring case (SQLite's column names ignore it): a
// custom name equal to a built-in field's key or label, or to a name already given, gets the
// suffix " (KEY8)", the first 8 characters of its key, which never change; while that is still
// taken, 16 and 24 characters of the key (or the whole key, when shorter), then a number. A custom name equal to
// one of the columns crmexport puts beside the fields (reserved_names) gets " (custom)" first.
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "lib/fields/field.hpp"

namespace crmexport::fields {

// PostgreSQL's limit for an identifier (NAMEDATALEN - 1): a longer view column would be cut by
// the server, and two cut names could become one.
inline constexpr std::size_t k_max_name_bytes = 63;

// Text from outside made fit to name a column: valid UTF-8, each run of control characters (C0,
// DEL, C1) or whitespace one space, trimmed, cut at a character boundary to `max_bytes`.
std::string fit_name(std::string_view text, std::size_t max_bytes = k_max_name_bytes);

// The label made safe as a key; the key when the label has nothing left.
std::string safe_name(std::string_view label, std::string_view key);

// The columns crmexport's views put beside a type's fields: no custom field is named like them.
const std::vector<std::string>& reserved_names();

// `name`, or the first of its suffixed forms (see above) whose lower case `taken` lacks, each
// fitted to k_max_name_bytes by cutting `name`, never the suffix; the result goes into `taken`
// (lower case). A `name` among reserved_names tries " (custom)" first.
std::string unique_name(std::string_view name, std::string_view key, std::unordered_set<std::string>& taken);

// `text` in lower case (ASCII letters only: what SQLite ignores in column names).
std::string lower(std::string_view text);

struct Named {
  // The provider's fields (as `current`, named), then the stored fields it no longer reports,
  // so that values of deleted fields and options still resolve.
  std::vector<Field> fields;
  size_t current = 0;  // how many of `fields` the provider reported now
};

// Names `current` (fields read from the provider, names empty) from `stored` (named earlier for
// this connection and type): a stored field keeps its name unless `refresh`; options the
// provider no longer lists are kept from the stored field. With `keys_are_names` (the provider's
// keys are readable and immutable: HubSpot) every name is its key.
Named assign_names(std::vector<Field> current, std::span<const Field> stored, bool refresh,
                   bool keys_are_names = false);

}  // namespace crmexport::fields
