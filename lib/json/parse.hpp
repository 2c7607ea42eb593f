#pragma once
// Parsing JSON text that crmexport did not write itself (a server's answer, standard input, and
// records read again). RapidJSON's reader recurses once per nesting level, so an answer of 100,000
// nested arrays would let a server choose how deep our stack goes. Every such text is parsed
// through Guarded, which refuses nesting deeper than k_max_depth: the reader stops before it
// recurses further.
#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace crmexport::json {

// Far deeper than any CRM record (HubSpot's deepest are about 6 levels), far shallower than
// what exhausts a thread's stack.
inline constexpr int k_max_depth = 512;

// RapidJSON refuses numbers beyond a double's range (1e309, an integer of 309 digits) even when
// asked to keep numbers as text, yet they are valid JSON (RFC 8259 §6) and crmexport writes
// numbers verbatim. Such a text is parsed a second time from a copy in which each of those numbers
// is a string starting with `marker` (a NUL and a random nonce no provider can guess), which the
// handler turns back into the number's own characters.
struct HugeNumbers {
  std::string text;                  // the copy with the numbers as marked strings
  std::string marker;                // what a marked string starts with; its index follows
  std::vector<std::string> numbers;  // the numbers as written, by index
};
HugeNumbers protect_huge_numbers(std::string_view text);

// Forwards SAX events to `inner`: refuses (returns false) at nesting level k_max_depth + 1, and
// hands the numbers of `huge` (when not null) to inner.RawNumber as they were written.
template <typename Handler>
class Guarded {
 public:
  Guarded(Handler& inner, const HugeNumbers* huge) : m_inner(inner), m_huge(huge) {}

  bool Null() { return m_inner.Null(); }
  bool Bool(bool b) { return m_inner.Bool(b); }
  bool Int(int i) { return m_inner.Int(i); }
  bool Uint(unsigned u) { return m_inner.Uint(u); }
  bool Int64(int64_t i) { return m_inner.Int64(i); }
  bool Uint64(uint64_t u) { return m_inner.Uint64(u); }
  bool Double(double d) { return m_inner.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return m_inner.RawNumber(s, n, copy); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    if (m_huge && std::string_view(s, n).starts_with(m_huge->marker)) {
      const std::string& number = m_huge->numbers.at(std::stoul(std::string(s + m_huge->marker.size(), s + n)));
      return m_inner.RawNumber(number.data(), static_cast<rapidjson::SizeType>(number.size()), true);
    }
    return m_inner.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return m_inner.Key(s, n, copy); }
  bool StartObject() { return enter() && m_inner.StartObject(); }
  bool EndObject(rapidjson::SizeType n) { return --m_depth, m_inner.EndObject(n); }
  bool StartArray() { return enter() && m_inner.StartArray(); }
  bool EndArray(rapidjson::SizeType n) { return --m_depth, m_inner.EndArray(n); }

  bool too_deep() const { return m_too_deep; }

 private:
  bool enter() {
    if (++m_depth <= k_max_depth) return true;
    m_too_deep = true;
    return false;
  }

  Handler& m_inner;
  const HugeNumbers* m_huge;
  int m_depth = 0;
  bool m_too_deep = false;
};

// Calls `attempt(text, nullptr)`, which parses with a fresh handler through Guarded and returns
// the ParseResult; when RapidJSON refused a number as too big, calls it again on the protected copy.
template <typename Attempt>
rapidjson::ParseResult with_huge_numbers(std::string_view text, Attempt attempt) {
  rapidjson::ParseResult result = attempt(text, static_cast<const HugeNumbers*>(nullptr));
  if (result.Code() != rapidjson::kParseErrorNumberTooBig) return result;
  const HugeNumbers huge = protect_huge_numbers(text);
  return attempt(std::string_view(huge.text), &huge);
}

// Parses `text` with RapidJSON's SAX reader into `handler`. RapidJSON scans strings and whitespace
// 16 bytes at a time (RAPIDJSON_SSE2, see CMakeLists.txt) only in a NUL-terminated StringStream,
// whose aligned loads may read up to 15 bytes past the terminator: so the text is copied into a
// buffer with a whole block to spare. A text holding a NUL (never valid JSON outside an escape)
// keeps MemoryStream, which reports the NUL where it is instead of stopping there.
// `watch`, when given, is called before parsing with the reader's read position (a pointer to a
// pointer into a copy of `text` holding the same bytes), for a handler that copies source text.
template <unsigned Flags, typename Handler, typename Watch = std::nullptr_t>
rapidjson::ParseResult read_sax(std::string_view text, Handler& handler, Watch watch = nullptr) {
  rapidjson::Reader reader;
  if (text.find('\0') != std::string_view::npos) {
    rapidjson::MemoryStream stream(text.data(), text.size());
    if constexpr (!std::is_null_pointer_v<Watch>) watch(&stream.src_);
    return reader.Parse<Flags>(stream, handler);
  }
  // One buffer per thread, kept: a fresh page-sized allocation each time costs the kernel zeroing
  // its pages. A handler that parses again inside a parse gets its own.
  thread_local std::string kept;
  thread_local bool kept_in_use = false;
  std::string own;
  std::string& padded = kept_in_use ? own : kept;
  const bool using_kept = !kept_in_use;
  kept_in_use = true;
  padded.reserve(text.size() + 16);
  padded.assign(text);
  rapidjson::StringStream stream(padded.c_str());
  if constexpr (!std::is_null_pointer_v<Watch>) watch(&stream.src_);
  auto result = reader.Parse<Flags>(stream, handler);
  if (using_kept) kept_in_use = false;
  return result;
}

enum class Parsed { ok, invalid, too_deep };

// Parses `text` into `document` (left null unless ok). Flags as for rapidjson::Reader::Parse;
// with kParseNumbersAsStringsFlag, huge numbers are kept as text like the others.
template <unsigned Flags = rapidjson::kParseDefaultFlags>
Parsed parse_dom(rapidjson::Document& document, std::string_view text) {
  bool too_deep = false;
  auto attempt = [&](std::string_view input, const HugeNumbers* huge) {
    rapidjson::ParseResult result;
    auto generate = [&](rapidjson::Document& handler) {
      Guarded<rapidjson::Document> guarded(handler, huge);
      result = read_sax<Flags>(input, guarded);
      too_deep = guarded.too_deep();
      return !result.IsError();
    };
    document.SetNull();
    document.Populate(generate);
    return result;
  };
  if (!with_huge_numbers(text, attempt).IsError()) return Parsed::ok;
  return too_deep ? Parsed::too_deep : Parsed::invalid;
}

}  // namespace crmexport::json
