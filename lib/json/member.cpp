#include "lib/json/member.hpp"

#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>

#include "lib/json/parse.hpp"

namespace crmexport::json {
namespace {

using rapidjson::SizeType;

// Copies the value of one top-level member to a Writer; numbers arrive as their own text.
class MemberCopier {
 public:
  explicit MemberCopier(std::string_view key) : m_key(key), m_writer(m_buffer) {}

  bool Null() {
    return scalar([&] { return m_writer.Null(); });
  }
  bool Bool(bool b) {
    return scalar([&] { return m_writer.Bool(b); });
  }
  bool Int(int) { return false; }
  bool Uint(unsigned) { return false; }
  bool Int64(int64_t) { return false; }
  bool Uint64(uint64_t) { return false; }
  bool Double(double) { return false; }
  bool RawNumber(const char* s, SizeType n, bool) {
    return scalar([&] { return m_writer.RawValue(s, n, rapidjson::kNumberType); });
  }
  bool String(const char* s, SizeType n, bool copy) {
    return scalar([&] { return m_writer.String(s, n, copy); });
  }
  bool Key(const char* s, SizeType n, bool copy) {
    if (m_copy_depth > 0) return m_writer.Key(s, n, copy);
    if (m_depth == 1 && std::string_view(s, n) == m_key) m_pending = true;
    return true;
  }
  bool StartObject() { return open(true); }
  bool EndObject(SizeType n) {
    return close([&] { return m_writer.EndObject(n); });
  }
  bool StartArray() { return open(false); }
  bool EndArray(SizeType n) {
    return close([&] { return m_writer.EndArray(n); });
  }

  bool found() const { return m_found; }
  bool root_was_object() const { return m_root_object; }
  std::string text() const { return {m_buffer.GetString(), m_buffer.GetSize()}; }

 private:
  template <typename Write>
  bool scalar(Write write) {
    if (m_copy_depth > 0) return write();
    if (m_pending) {
      m_pending = false;
      m_found = true;
      return write();
    }
    return true;
  }
  bool open(bool object) {
    if (m_depth == 0) m_root_object = object;
    ++m_depth;
    if (m_pending) {
      m_pending = false;
      m_copy_depth = 0;
    } else if (m_copy_depth == 0) {
      return true;
    }
    ++m_copy_depth;
    return object ? m_writer.StartObject() : m_writer.StartArray();
  }
  template <typename Write>
  bool close(Write write) {
    --m_depth;
    if (m_copy_depth == 0) return true;
    bool ok = write();
    if (--m_copy_depth == 0) m_found = true;
    return ok;
  }

  std::string_view m_key;
  rapidjson::StringBuffer m_buffer;
  rapidjson::Writer<rapidjson::StringBuffer> m_writer;
  int m_depth = 0;
  int m_copy_depth = 0;
  bool m_pending = false;
  bool m_found = false;
  bool m_root_object = false;
};

}  // namespace

Result<std::optional<std::string>> member_text(std::string_view record, std::string_view key) {
  std::optional<MemberCopier> copier;
  auto attempt = [&](std::string_view text, const HugeNumbers* huge) {
    copier.emplace(key);
    Guarded<MemberCopier> guarded(*copier, huge);
    return read_sax<rapidjson::kParseNumbersAsStringsFlag>(text, guarded);
  };
  auto parsed = with_huge_numbers(record, attempt);
  if (parsed.IsError() || !copier->root_was_object()) return fail(ErrorKind::provider, "a record is not a JSON object");
  if (!copier->found()) return std::optional<std::string>();
  return std::optional<std::string>(copier->text());
}

std::string with_member(std::string_view record, std::string_view key, std::string_view value_json) {
  rapidjson::StringBuffer key_text;
  rapidjson::Writer<rapidjson::StringBuffer> writer(key_text);
  writer.String(key.data(), static_cast<SizeType>(key.size()));
  auto close = record.rfind('}');
  std::string out(record.substr(0, close));
  bool empty = out.find_last_not_of(" \t\r\n") == out.find('{');
  if (!empty) out += ',';
  out.append(key_text.GetString(), key_text.GetSize());
  out += ':';
  out += value_json;
  out += '}';
  return out;
}

}  // namespace crmexport::json
