#include "tests/fake/pipedrive_custom_fields.hpp"

#include "tests/fake/fake_random.hpp"
#include "tests/fake/text_gen.hpp"

#include <fmt/format.h>

#include <array>

namespace crm_fake::pipedrive {
namespace {

constexpr std::size_t k_fields_per_type = 5;

// 2^53 + 1: the smallest positive integer a double cannot represent. Ids from here upwards
// (odd offsets only) catch clients that parse JSON numbers through double.
constexpr std::int64_t k_beyond_double = 9007199254740993;

// The hash does not depend on --seed: a real account's field keys never change.
std::string field_hash(RecordType type, std::size_t index) {
  std::string hex;
  std::uint64_t state = mix_keys(0xC0FFEE, static_cast<std::uint64_t>(type) * 100 + index);
  while (hex.size() < 40) {
    state = splitmix64(state);
    hex += fmt::format("{:016x}", state);
  }
  hex.resize(40);
  return hex;
}

std::array<CustomKind, k_fields_per_type> kinds_of(RecordType type) {
  switch (type) {
    case RecordType::person:
      return {CustomKind::text, CustomKind::option, CustomKind::decimal, CustomKind::big_id, CustomKind::option_set};
    case RecordType::organization:
      return {CustomKind::big_id, CustomKind::text, CustomKind::option, CustomKind::decimal, CustomKind::option_set};
    case RecordType::deal:
      return {CustomKind::text, CustomKind::monetary, CustomKind::option, CustomKind::big_id, CustomKind::decimal};
    default:
      return {};
  }
}

bool has_custom_fields(RecordType type) {
  return type == RecordType::person || type == RecordType::organization || type == RecordType::deal;
}

const std::array<std::vector<CustomFieldDef>, k_all_types.size()> k_definitions = [] {
  std::array<std::vector<CustomFieldDef>, k_all_types.size()> all;
  for (const RecordType type : k_all_types) {
    if (!has_custom_fields(type)) continue;
    const auto kinds = kinds_of(type);
    for (std::size_t i = 0; i < kinds.size(); ++i)
      all[static_cast<std::size_t>(type)].push_back({field_hash(type, i), kinds[i]});
  }
  return all;
}();

CustomValue draw_value(CustomKind kind, std::size_t field_index, Rng& rng) {
  // Option ids differ per field, as they do in Pipedrive.
  const auto option_base = static_cast<std::int64_t>(100 + field_index * 10);
  switch (kind) {
    case CustomKind::text:
      return short_free_text(rng);
    case CustomKind::option:
      return option_base + rng.between(1, 5);
    case CustomKind::option_set: {
      std::vector<std::int64_t> ids;
      for (std::int64_t option = 1; option <= 6; ++option) {
        if (rng.percent(35)) ids.push_back(option_base + option);
      }
      if (ids.empty()) return std::monostate{};
      return ids;
    }
    case CustomKind::decimal: {
      const bool whole = rng.percent(40);
      const std::int64_t amount = rng.between(0, 2000000);
      return whole ? amount / 100 * 100 : amount;
    }
    case CustomKind::big_id:
      if (rng.percent(40)) return k_beyond_double + 2 * rng.between(0, 1000000);
      return rng.between(1000, 999999);
    case CustomKind::monetary: {
      const bool whole = rng.percent(40);
      const std::int64_t amount = rng.between(100, 500000);
      return Money{whole ? amount / 100 * 100 : amount, currency_code(rng)};
    }
  }
  return std::monostate{};
}

}  // namespace

std::span<const CustomFieldDef> custom_fields_of(RecordType type) {
  return k_definitions[static_cast<std::size_t>(type)];
}

std::vector<CustomValue> custom_values(const Dataset& dataset, RecordType type, std::int64_t id) {
  const auto defs = custom_fields_of(type);
  std::vector<CustomValue> values;
  values.reserve(defs.size());
  Rng rng(dataset.seed(), stream_id(type, Stream::custom_fields), static_cast<std::uint64_t>(id));
  for (std::size_t i = 0; i < defs.size(); ++i) {
    if (rng.percent(20)) {
      values.emplace_back(std::monostate{});
      continue;
    }
    values.push_back(draw_value(defs[i].kind, i, rng));
  }
  return values;
}

}  // namespace crm_fake::pipedrive
