#pragma once
// What a provider declares about a type's field metadata: where it is read, how one metadata
// item becomes a Field, and where and how custom values sit in a record. The engine reads the
// metadata (lib/engine/labels.*) and rewrites records (relabel.hpp) from this description alone.
#include <rapidjson/document.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/fields/field.hpp"
#include "lib/paging/strategy.hpp"

namespace crmexport::fields {

// Where a type's custom values live in a record.
enum class Placement {
  member_object,   // "custom_fields": {KEY: value}  (Pipedrive v2)
  flat,            // KEY: value on the record itself (Pipedrive v1); gathered into `container`
  id_content_list, // "custom_fields": [{"id": KEY, "content": value}]  (Keap)
  properties,      // "properties": {KEY: value}; names stay, values get labels (HubSpot)
  side_loaded,     // beside the page's records: [{RECORD_ID, FIELD, value}] (ActiveCampaign's fieldValues)
  joined,          // a collection of their own, read once per run and joined by record id (FieldsSpec::values)
};

// A built-in field as a provider declares it where the API's metadata leaves it out.
struct Builtin {
  std::string key;
  std::string label;
  std::string type;
};

// Where side-loaded values sit in a page's envelope, and the members of one value.
struct SideLoaded {
  std::string at;            // the envelope's array: "fieldValues"
  std::string record = "";   // the member naming the record's id: "contact"
  std::string field = "";    // the member naming the field's key: "field"
  std::string value = "value";
};

// How a value with several options is spelled.
enum class Multiple {
  json_array,       // [141, 142]
  comma_separated,  // "141,142"
  semicolon,        // "a;b;c"
  double_pipe,      // "||A||C||"
};

// A metadata item (one element of the metadata answer's records) as a Field, or nullopt to skip it.
using FieldReader = std::function<std::optional<Field>(const rapidjson::Value& item)>;
// What a metadata page carries beside its items (ActiveCampaign's side-loaded fieldOptions),
// added to the fields read so far. The envelope's numbers are strings (json/page.hpp).
using EnvelopeReader = std::function<void(const rapidjson::Value& envelope, std::vector<Field>& fields)>;

// A source whose items are not field definitions but add to them (HubSpot's owners become the
// options of hubspot_owner_id): the items (compact JSON), and the fields read so far.
using ItemsReader = std::function<void(const std::vector<std::string>& items, std::vector<Field>& fields)>;

struct MetadataSource {
  std::string path;                     // below the connection's base URL
  std::vector<std::string> records_at;  // keys from the answer's root to the items
  std::shared_ptr<const paging::Strategy> paging;
  int max_page_size = 100;
  paging::Query fixed_params;
  ItemsReader read_items{};  // empty: each item is a field definition (FieldsSpec::read)
  std::string total_at{};    // JSON pointer to the provider's count of items, for the status line; empty: none
};

// Values that live in a collection of their own (ActiveCampaign's dealCustomFieldData), because
// the type's list cannot side-load them and asking per record would cost one request a record.
// The engine reads the whole collection once per run, only when labels are wanted, and keeps at
// most `max_values` of them in memory (an account with more fails with the way out: --raw).
struct JoinedValues {
  MetadataSource source;
  std::string record;          // the member naming the record's id: "dealId"
  std::string field;           // the member naming the field's key: "customFieldId"
  std::string value;           // "fieldValue"
  std::string currency = "";   // a member whose non-empty text makes the value {value, currency}
  long max_values = 2'000'000;
};

// What a field's values are, for the mirror's typed view columns (lib/mirror/fields.hpp): a
// provider names which of its field types hold what (FieldsSpec::value_kinds); a field of any
// other type, or with options, is text.
enum class ValueKind {
  text,
  integer,   // whole numbers within 64 bits
  decimal,   // numbers and money
  boolean,   // true/false, 1/0, yes/no
  date,      // a calendar date, YYYY-MM-DD
  datetime,  // an instant (a value holding only a date is that day; without a zone, UTC)
};

struct ValueKindOf {
  std::string type;  // the provider's type name, matched ignoring case, "_" and " " (WholeNumber, WHOLE_NUMBER)
  ValueKind kind;
};

struct FieldsSpec {
  std::vector<MetadataSource> sources;  // read in order; their fields are listed together
  FieldReader read;
  EnvelopeReader read_envelope;  // empty: items carry everything
  Placement placement = Placement::member_object;
  std::string container = "custom_fields";  // the member holding custom values, where there is one
  Multiple multiple = Multiple::json_array;
  // Flat placement: a money field's currency sits beside it under KEY + this suffix.
  std::string currency_suffix;
  // Built-in fields the metadata does not list (Keap's model and ActiveCampaign's field endpoints
  // list custom fields only), declared by the provider: named by their keys, so custom names
  // cannot take them and --fields knows them; `crmexport fields` shows their label and type.
  std::vector<Builtin> builtins;
  SideLoaded side_loaded;    // Placement::side_loaded
  std::optional<JoinedValues> joined;  // Placement::joined
  paging::Query label_params;  // sent with the type's pages when labels are wanted (include=fieldValues)
  std::vector<ValueKindOf> value_kinds;  // the provider's field types with typed values

  // The kind of `field`'s values: text for a field with options (its labels) or a type not in
  // value_kinds.
  ValueKind kind_of(const Field& field) const;
};

// The common case of a FieldReader: an item is an object with these members.
struct ItemShape {
  std::string key{};
  std::string label{};
  std::string type{};
  std::string custom_flag{};      // a boolean member; empty: decided by `custom_when`
  bool custom_flag_means = true;  // HubSpot's hubspotDefined means built-in
  std::string options{};          // array of option objects; empty: none
  std::string option_id = "id";
  std::string option_label = "label";
  std::vector<std::string> more_options{};  // further option arrays (Pipedrive v1 options_deleted)
  std::vector<std::string> multiple_types{};  // field types whose values hold several options
  std::string multiple_member{};  // where those types are read; empty: the `type` member
  std::function<bool(const Field&)> custom_when{};  // when custom_flag is empty
};
FieldReader read_item(ItemShape shape);

}  // namespace crmexport::fields
