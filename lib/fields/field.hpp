#pragma once
// One field of a provider type as crmexport knows it: the key records carry, the provider's
// label, and the readable name crmexport writes instead of the key (see naming.hpp).
#include <string>
#include <string_view>
#include <vector>

namespace crmexport::fields {

struct Option {
  std::string id;  // compact JSON of the value as records carry it: 141 or "141" or "Web"
  std::string label;
};

struct Field {
  std::string key;    // as it appears in raw records
  std::string name;   // readable name; frozen at first sight (naming.hpp); empty until named
  std::string label;  // the provider's label, as it is now
  std::string type;   // the provider's type name
  bool custom = false;
  bool multiple = false;  // the value holds several options (encoded per FieldsSpec::multiple)
  std::vector<Option> options;

  const Option* option(std::string_view id_text) const;
};

// The text of an option id without JSON quotes, for matching pieces of "1,2" or "a;b".
std::string plain_id(std::string_view id_json);

// Keys and labels as read from a provider made storable anywhere: valid UTF-8 (as records'
// strings are made where a page is split) and no NUL, which neither SQL text, a libpq parameter
// nor PostgreSQL's text and jsonb can hold (U+FFFD instead, as the PostgreSQL mirror does in
// records). Every other character stays: a label is data.
void make_storable(Field& field);

}  // namespace crmexport::fields

namespace crmexport::fields {

// [{"id":141,"label":"Web"}]: ids as records carry them (same JSON type).
std::string options_json(const std::vector<Option>& options);
// The inverse; an unreadable text gives no options.
std::vector<Option> parse_options(std::string_view text);
// {"key","name","label","type","custom","options"}: one field for `crmexport fields --json`.
std::string field_json(const Field& field);

}  // namespace crmexport::fields
