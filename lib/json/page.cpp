#include "lib/json/page.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fmt/format.h>

#include "lib/json/parse.hpp"
#include "lib/json/utf8.hpp"

namespace crmexport::json {
namespace {

using rapidjson::SizeType;

// Routes SAX events: inside a record to a Writer, everywhere else to the envelope document.
class PageSplitter {
 public:
  PageSplitter(rapidjson::Document& envelope, std::span<const std::string> records_at,
               std::vector<std::string>& records)
      : m_envelope(envelope), m_records_at(records_at), m_records(records), m_writer(m_buffer) {}

  bool Null() {
    return value([](auto& h) { return h.Null(); });
  }
  bool Bool(bool b) {
    return value([b](auto& h) { return h.Bool(b); });
  }
  bool Int(int) { return false; }  // numbers arrive as RawNumber (kParseNumbersAsStringsFlag)
  bool Uint(unsigned) { return false; }
  bool Int64(int64_t) { return false; }
  bool Uint64(uint64_t) { return false; }
  bool Double(double) { return false; }
  bool RawNumber(const char* s, SizeType n, bool copy) {
    if (m_record_depth > 0 || at_record_start())
      return record_scalar([&] { return m_writer.RawValue(s, n, rapidjson::kNumberType); });
    return m_envelope.RawNumber(s, n, copy);
  }
  bool String(const char* s, SizeType n, bool copy) {
    if (m_record_depth > 0 && !is_valid_utf8({s, n})) {
      auto valid = to_valid_utf8({s, n});
      return m_writer.String(valid.data(), static_cast<SizeType>(valid.size()), true);
    }
    return value([&](auto& h) { return h.String(s, n, copy); });
  }
  bool Key(const char* s, SizeType n, bool copy) {
    if (m_record_depth > 0 && !is_valid_utf8({s, n})) {
      auto valid = to_valid_utf8({s, n});
      return m_writer.Key(valid.data(), static_cast<SizeType>(valid.size()), true);
    }
    if (m_record_depth > 0) return m_writer.Key(s, n, copy);
    m_key.assign(s, n);
    return m_envelope.Key(s, n, copy);
  }
  bool StartObject() {
    if (m_record_depth > 0) return ++m_record_depth, m_writer.StartObject();
    if (at_record_start()) {
      m_buffer.Clear();
      m_writer.Reset(m_buffer);
      m_record_depth = 1;
      return m_writer.StartObject();
    }
    m_path.push_back(std::move(m_key));
    return m_envelope.StartObject();
  }
  bool EndObject(SizeType members) {
    if (m_record_depth > 0) {
      bool ok = m_writer.EndObject(members);
      if (--m_record_depth == 0) m_records.emplace_back(m_buffer.GetString(), m_buffer.GetSize());
      return ok;
    }
    m_path.pop_back();
    return m_envelope.EndObject(members);
  }
  bool StartArray() {
    if (m_record_depth > 0) return ++m_record_depth, m_writer.StartArray();
    if (at_record_start()) return fail_not_object();
    m_path.push_back(std::move(m_key));
    if (m_path.size() == m_records_at.size() + 1 && path_is_records()) m_in_records = true;
    return m_envelope.StartArray();
  }
  bool EndArray(SizeType elements) {
    if (m_record_depth > 0) return --m_record_depth, m_writer.EndArray(elements);
    if (m_in_records && m_path.size() == m_records_at.size() + 1) {
      m_in_records = false;
      elements = 0;  // the records went to m_records, not into the envelope
    }
    m_path.pop_back();
    return m_envelope.EndArray(elements);
  }

  bool record_not_object() const { return m_record_not_object; }

 private:
  // A scalar or object opening directly inside the records array starts a record.
  bool at_record_start() const {
    return m_in_records && m_record_depth == 0 && m_path.size() == m_records_at.size() + 1;
  }

  bool path_is_records() const {
    // m_path[0] is the root's (empty) key; the rest must equal records_at.
    for (size_t i = 0; i < m_records_at.size(); ++i)
      if (m_path[i + 1] != m_records_at[i]) return false;
    return true;
  }

  template <typename Emit>
  bool value(Emit emit) {
    if (m_record_depth > 0) return emit(m_writer);
    if (at_record_start()) return fail_not_object();
    return emit(m_envelope);
  }
  template <typename Emit>
  bool record_scalar(Emit emit) {
    if (m_record_depth == 0) return fail_not_object();
    return emit();
  }
  bool fail_not_object() {
    m_record_not_object = true;
    return false;
  }

  rapidjson::Document& m_envelope;
  std::span<const std::string> m_records_at;
  std::vector<std::string>& m_records;
  rapidjson::StringBuffer m_buffer;
  rapidjson::Writer<rapidjson::StringBuffer> m_writer;
  std::vector<std::string> m_path;  // keys of the open envelope containers, root first
  std::string m_key;
  bool m_in_records = false;
  int m_record_depth = 0;
  bool m_record_not_object = false;
};

// The envelope keeps an emptied records array where the records were; anything else there (a
// missing member, an object, a string) is an answer we do not understand, never an empty page:
// taking it for the end would write a short export and let sync sweep every record away.
Result<void> check_records_member(const rapidjson::Value& envelope, std::span<const std::string> records_at,
                                  RecordsMember rule) {
  const rapidjson::Value* value = &envelope;
  std::string where = records_at.empty() ? "the body" : "";
  for (const auto& key : records_at) {
    where += (where.empty() ? "" : ".") + key;
    const rapidjson::Value* member = nullptr;
    if (value->IsObject())
      if (auto it = value->FindMember(rapidjson::StringRef(key.data(), key.size())); it != value->MemberEnd())
        member = &it->value;
    if (!member) return fail(ErrorKind::provider, fmt::format("malformed response: no '{}' array of records", where));
    value = member;
  }
  if (value->IsArray() || (value->IsNull() && rule == RecordsMember::null_when_empty)) return {};
  // Envelope numbers are kept as strings (page.hpp), so a number reads as a string here.
  const char* kind = value->IsNull()     ? "null"
                     : value->IsObject() ? "an object"
                     : value->IsString() ? "a string or number"
                                         : "a boolean";
  return fail(ErrorKind::provider, fmt::format("malformed response: '{}' is {}, not an array of records", where, kind));
}

}  // namespace

Result<Page> parse_page(std::string_view body, std::span<const std::string> records_at, RecordsMember rule) {
  Page page;
  bool not_object = false;
  bool too_deep = false;
  // Guarded bounds the nesting (which also keeps every later reader of a record shallow) and
  // brings back numbers too big for RapidJSON as written.
  auto attempt = [&](std::string_view text, const HugeNumbers* huge) {
    rapidjson::ParseResult result;
    auto generate = [&](rapidjson::Document& envelope) {
      page.records.clear();
      PageSplitter splitter(envelope, records_at, page.records);
      Guarded<PageSplitter> guarded(splitter, huge);
      result = read_sax<rapidjson::kParseNumbersAsStringsFlag>(text, guarded);
      not_object = splitter.record_not_object();
      too_deep = guarded.too_deep();
      return !result.IsError();
    };
    page.envelope.Populate(generate);
    return result;
  };
  const rapidjson::ParseResult parse_result = with_huge_numbers(body, attempt);
  if (too_deep)
    return fail(ErrorKind::provider, fmt::format("malformed response: nesting deeper than {} levels", k_max_depth));
  if (not_object) return fail(ErrorKind::provider, "malformed response: a record is not a JSON object");
  if (parse_result.IsError())
    return fail(ErrorKind::provider,
                fmt::format("malformed response: {} at byte {} of {}", rapidjson::GetParseError_En(parse_result.Code()),
                            parse_result.Offset(), body.size()));
  if (auto checked = check_records_member(page.envelope, records_at, rule); !checked)
    return std::unexpected(checked.error());
  return page;
}

}  // namespace crmexport::json
