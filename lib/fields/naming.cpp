#include "lib/fields/naming.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "lib/core/utf8.hpp"

namespace crmexport::fields {
namespace {

// The length of the control character (C0, DEL, or C1 as UTF-8's C2 80..C2 9F) at `text[at]`, or 0.
std::size_t control_at(std::string_view text, std::size_t at) {
  const auto c = static_cast<unsigned char>(text[at]);
  if (c < 0x20 || c == 0x7f) return 1;
  if (c == 0xc2 && at + 1 < text.size() && static_cast<unsigned char>(text[at + 1]) <= 0x9f) return 2;
  return 0;
}

// The longest prefix of valid UTF-8 `text` of at most `max_bytes` that ends between characters.
std::string_view cut(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// `base` (fitted already) cut so that `base + suffix` fits in k_max_name_bytes; a suffix too
// long alone is cut too. What comes out is its own fit_name.
std::string fitted(std::string_view base, std::string_view suffix) {
  suffix = cut(suffix, k_max_name_bytes / 2);
  std::string out(cut(base, k_max_name_bytes - suffix.size()));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + std::string(suffix);
}

// Options the provider stopped listing (deleted) still label the old records that carry them.
void keep_deleted_options(Field& field, const Field& stored) {
  for (const auto& option : stored.options)
    if (!field.option(option.id)) field.options.push_back(option);
}

}  // namespace

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string fit_name(std::string_view text, std::size_t max_bytes) {
  const std::string valid = is_valid_utf8(text) ? std::string(text) : to_valid_utf8(text);
  std::string out;
  bool space = false;
  for (std::size_t at = 0; at < valid.size();) {
    if (std::size_t n = control_at(valid, at); n > 0 || valid[at] == ' ') {
      space = !out.empty();
      at += n > 0 ? n : 1;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += valid[at++];
  }
  out.resize(cut(out, max_bytes).size());
  while (!out.empty() && out.back() == ' ') out.pop_back();  // a cut may end on one
  return out;
}

std::string safe_name(std::string_view label, std::string_view key) {
  std::string out = fit_name(label);
  std::ranges::replace(out, '.', '_');
  std::ranges::replace(out, ',', '_');
  return out.empty() ? fit_name(key) : out;
}

const std::vector<std::string>& reserved_names() {
  // The labeled views' own columns (lib/mirror/fields.cpp): connection, id, deleted_at, and the
  // JSON object of the fields that did not fit in the view.
  static const std::vector<std::string> names{"connection", "id", "deleted_at", "more_fields"};
  return names;
}

std::string unique_name(std::string_view name, std::string_view raw_key, std::unordered_set<std::string>& taken) {
  const std::string key = fit_name(raw_key);
  auto take = [&](std::string candidate) -> std::optional<std::string> {
    if (!taken.insert(lower(candidate)).second) return std::nullopt;
    return candidate;
  };
  if (auto plain = take(fitted(name, ""))) return *plain;
  if (std::ranges::find(reserved_names(), lower(name)) != reserved_names().end())
    if (auto custom = take(fitted(name, " (custom)"))) return *custom;
  for (std::size_t length = 8;; length += 8) {
    if (auto suffixed = take(fitted(name, " (" + key.substr(0, length) + ")"))) return *suffixed;
    if (length >= key.size() || length >= 24) break;  // longer would leave too little of the name
  }
  for (int n = 2;; ++n)
    if (auto numbered = take(fitted(name, fmt::format(" ({} {})", key.substr(0, 16), n)))) return *numbered;
}

Named assign_names(std::vector<Field> current, std::span<const Field> stored, bool refresh, bool keys_are_names) {
  std::unordered_map<std::string, const Field*> stored_by_key;
  for (const auto& field : stored) stored_by_key.emplace(field.key, &field);
  if (keys_are_names)
    for (auto& field : current) field.name = field.key;

  // Built-in names (and labels) are reserved first, then frozen custom names, then new ones.
  std::unordered_set<std::string> taken;
  for (auto& field : current)
    if (!field.custom) {
      field.name = field.key;
      taken.insert(lower(field.key));
      taken.insert(lower(safe_name(field.label, field.key)));
    }
  // Deleted fields keep their names too: old records may still carry them.
  if (!refresh) {
    for (const auto& field : stored)
      if (field.custom) taken.insert(lower(field.name));
    // A frozen name two fields share (given before names were unique whatever their keys, or
    // written by hand) stays with the first; the others are named again below.
    std::unordered_set<std::string> frozen;
    for (auto& field : current)
      if (auto it = stored_by_key.find(field.key); field.custom && it != stored_by_key.end())
        if (frozen.insert(lower(it->second->name)).second) field.name = it->second->name;
  }
  for (const auto& name : reserved_names()) taken.insert(name);
  for (auto& field : current)
    if (field.custom && field.name.empty()) field.name = unique_name(safe_name(field.label, field.key), field.key, taken);

  Named named;
  std::unordered_set<std::string> reported;
  for (auto& field : current) {
    if (auto it = stored_by_key.find(field.key); it != stored_by_key.end()) keep_deleted_options(field, *it->second);
    reported.insert(field.key);
  }
  named.current = current.size();
  named.fields = std::move(current);
  for (const auto& field : stored)
    if (!reported.contains(field.key)) named.fields.push_back(field);
  return named;
}

}  // namespace crmexport::fields
