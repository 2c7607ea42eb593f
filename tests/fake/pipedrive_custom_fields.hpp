#pragma once
// Pipedrive custom fields: keyed by 40-char hex hashes, a fixed set per record type, with values
// of mixed JSON types. v2 nests them under "custom_fields"; v1 puts them at the record's top
// level and spells some types differently (see the record writers).

#include "tests/fake/pipedrive_dataset.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace crm_fake::pipedrive {

enum class CustomKind {
  text,        // "varchar": a string
  option,      // "enum": one option id
  option_set,  // "set": several option ids
  decimal,     // "double": hundredths, written as 1500.75 or 200
  big_id,      // "int": external ids, some beyond 2^53 so doubles cannot hold them
  monetary,    // "monetary": an amount with its currency
};

struct CustomFieldDef {
  std::string key;  // the 40-char hash
  CustomKind kind;
};

struct Money {
  std::int64_t hundredths = 0;
  std::string currency;
};

// std::monostate is JSON null; std::int64_t serves option ids and big ids alike.
using CustomValue = std::variant<std::monostate, std::string, std::int64_t, std::vector<std::int64_t>, Money>;

// The account's field definitions for a type; empty for types without custom fields.
std::span<const CustomFieldDef> custom_fields_of(RecordType type);

// One value per definition, in definition order.
std::vector<CustomValue> custom_values(const Dataset& dataset, RecordType type, std::int64_t id);

}  // namespace crm_fake::pipedrive
