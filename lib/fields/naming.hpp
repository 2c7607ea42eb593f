#pragma once
// Readable names for fields. A custom field's name is its label made safe as a key (trimmed,
// whitespace runs as one space, no dots or commas, so CSV dot paths and --fields lists stay
// unambiguous); a built-in field's name is its key, which is readable already. Names are frozen:
// once given for a connection and type they are kept (the store holds them) however the field is
// relabeled upstream, until the user asks for fresh ones. A custom name equal (ignoring case) to
// a built-in field's key or label, or to a name already given, gets the suffix " (KEY8)": the
// first 8 characters of its key, which never change.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/fields/field.hpp"

namespace crmexport::fields {

// The label made safe as a key; the key when the label has nothing left.
std::string safe_name(std::string_view label, std::string_view key);

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
