#pragma once
// Members of a JSON object being written with a rapidjson writer (Writer or PrettyWriter), one
// call each: the run summaries (--json, the manifest, a partial file's state) write many, and an
// optional value is null when absent. Named per type, since overloads would take a const char*
// for a bool.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/rapidjson.h>

namespace crmexport::json {

template <class Writer>
void key(Writer& w, std::string_view name) {
  w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
}

template <class Writer>
void int_member(Writer& w, std::string_view name, std::int64_t value) {
  key(w, name);
  w.Int64(value);
}

template <class Writer>
void optional_int_member(Writer& w, std::string_view name, const std::optional<long>& value) {
  key(w, name);
  if (value)
    w.Int64(*value);
  else
    w.Null();
}

template <class Writer>
void number_member(Writer& w, std::string_view name, double value) {
  key(w, name);
  w.Double(value);
}

template <class Writer>
void text_member(Writer& w, std::string_view name, std::string_view value) {
  key(w, name);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

template <class Writer>
void optional_text_member(Writer& w, std::string_view name, const std::optional<std::string>& value) {
  key(w, name);
  if (value)
    w.String(value->data(), static_cast<rapidjson::SizeType>(value->size()));
  else
    w.Null();
}

}  // namespace crmexport::json
