#include "lib/fields/naming.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>
#include <unordered_set>

namespace crmexport::fields {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Options the provider stopped listing (deleted) still label the old records that carry them.
void keep_deleted_options(Field& field, const Field& stored) {
  for (const auto& option : stored.options)
    if (!field.option(option.id)) field.options.push_back(option);
}

}  // namespace

std::string safe_name(std::string_view label, std::string_view key) {
  std::string out;
  bool space = false;
  for (char c : label) {
    bool blank = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (c == '.' || c == ',') c = '_';
    if (blank) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out.empty() ? std::string(key) : out;
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
    for (auto& field : current)
      if (auto it = stored_by_key.find(field.key); field.custom && it != stored_by_key.end())
        field.name = it->second->name;
  }
  for (auto& field : current) {
    if (!field.custom || !field.name.empty()) continue;
    auto name = safe_name(field.label, field.key);
    if (taken.contains(lower(name))) name += " (" + field.key.substr(0, 8) + ")";
    taken.insert(lower(name));
    field.name = std::move(name);
  }

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
