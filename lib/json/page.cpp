#include "lib/json/page.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fmt/format.h>
#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <optional>

#include "lib/json/parse.hpp"
#include "lib/json/scan.hpp"
#include "lib/core/utf8.hpp"

namespace crmexport::json {
namespace {

using rapidjson::SizeType;

// One record's SAX events written as compact JSON, each string made valid UTF-8.
class RecordWriter {
 public:
  RecordWriter() : m_writer(m_buffer) {}
  void reset() {
    m_buffer.Clear();
    m_writer.Reset(m_buffer);
  }
  std::string_view text() const { return {m_buffer.GetString(), m_buffer.GetSize()}; }

  bool Null() { return m_writer.Null(); }
  bool Bool(bool b) { return m_writer.Bool(b); }
  bool Int(int) { return false; }  // numbers arrive as RawNumber (kParseNumbersAsStringsFlag)
  bool Uint(unsigned) { return false; }
  bool Int64(int64_t) { return false; }
  bool Uint64(uint64_t) { return false; }
  bool Double(double) { return false; }
  bool RawNumber(const char* s, SizeType n, bool) { return m_writer.RawValue(s, n, rapidjson::kNumberType); }
  bool String(const char* s, SizeType n, bool copy) {
    if (is_valid_utf8({s, n})) return m_writer.String(s, n, copy);
    auto valid = to_valid_utf8({s, n});
    return m_writer.String(valid.data(), static_cast<SizeType>(valid.size()), true);
  }
  bool Key(const char* s, SizeType n, bool copy) {
    if (is_valid_utf8({s, n})) return m_writer.Key(s, n, copy);
    auto valid = to_valid_utf8({s, n});
    return m_writer.Key(valid.data(), static_cast<SizeType>(valid.size()), true);
  }
  bool StartObject() { return m_writer.StartObject(); }
  bool EndObject(SizeType members) { return m_writer.EndObject(members); }
  bool StartArray() { return m_writer.StartArray(); }
  bool EndArray(SizeType elements) { return m_writer.EndArray(elements); }

 private:
  rapidjson::StringBuffer m_buffer;
  rapidjson::Writer<rapidjson::StringBuffer> m_writer;
};

// A record's source text as RecordWriter would write it again: parsed anew (it was checked once).
std::string rewrite_record(std::string_view source) {
  RecordWriter writer;
  Guarded<RecordWriter> guarded(writer, nullptr);
  read_sax<rapidjson::kParseNumbersAsStringsFlag>(source, guarded);
  return std::string(writer.text());
}

// How many backslash escapes in a record's valid source are spelled as RecordWriter spells them
// (\" \\ \b \f \n \r \t: two characters for one), or nullopt when one is not (\/ and \uXXXX,
// which it writes as the character itself, or as \u00XX in upper case for a control): such a
// record is written again. Scanning the record once here is cheaper than measuring each string.
std::optional<std::size_t> short_escapes(std::string_view source) {
  std::size_t count = 0;
  // In valid JSON a backslash is always followed by the escaped character.
  for (auto at = source.find('\\'); at != std::string_view::npos; at = source.find('\\', at + 2)) {
    switch (source[at + 1]) {
      case '"': case '\\': case 'b': case 'f': case 'n': case 'r': case 't':
        ++count;
        break;
      default:
        return std::nullopt;
    }
  }
  return count;
}

// Routes SAX events: inside a record to the record's text, everywhere else to the envelope
// document. A record's text is its source bytes when those are what RecordWriter would write
// (compact, valid UTF-8, escapes spelled as RapidJSON spells them: what most providers send),
// which spares writing every string again. The SAX events are only counted to tell: each string
// counts as its unescaped length and quotes, each short escape one more (short_escapes), so any
// whitespace makes the source longer than that count.
// Otherwise, and when the text was altered to bring back huge numbers, the record is written
// from its events.
class PageSplitter {
 public:
  PageSplitter(rapidjson::Document& envelope, std::span<const std::string> records_at,
               std::vector<std::string>& records)
      : m_envelope(envelope), m_records_at(records_at), m_records(records) {}

  // The reader's position in a text holding the source bytes: records may be copied from it.
  void copy_from(const char* const* cursor) { m_cursor = cursor; }

  bool Null() {
    return value(4, [](auto& h) { return h.Null(); });
  }
  bool Bool(bool b) {
    return value(b ? 4 : 5, [b](auto& h) { return h.Bool(b); });
  }
  bool Int(int) { return false; }  // numbers arrive as RawNumber (kParseNumbersAsStringsFlag)
  bool Uint(unsigned) { return false; }
  bool Int64(int64_t) { return false; }
  bool Uint64(uint64_t) { return false; }
  bool Double(double) { return false; }
  bool RawNumber(const char* s, SizeType n, bool copy) {
    if (m_record_depth > 0 || at_record_start()) return record_scalar(n, [&](auto& h) { return h.RawNumber(s, n, copy); });
    return m_envelope.RawNumber(s, n, copy);
  }
  bool String(const char* s, SizeType n, bool copy) {
    if (m_record_depth > 0 && m_cursor) return m_compact += n + 2, true;
    return value(0, [&](auto& h) { return h.String(s, n, copy); });
  }
  bool Key(const char* s, SizeType n, bool copy) {
    if (m_record_depth > 0) {
      if (m_cursor) return m_compact += n + 2, true;
      return m_writer.Key(s, n, copy);
    }
    m_key.assign(s, n);
    return m_envelope.Key(s, n, copy);
  }
  bool StartObject() {
    if (m_record_depth > 0) return ++m_record_depth, in_record(1, [](auto& h) { return h.StartObject(); });
    if (at_record_start()) {
      m_record_depth = 1;
      if (m_cursor) {
        m_record_start = *m_cursor - 1;  // the reader is past the '{'
        m_compact = 1;
        return true;
      }
      m_writer.reset();
      return m_writer.StartObject();
    }
    m_path.push_back(std::move(m_key));
    return m_envelope.StartObject();
  }
  bool EndObject(SizeType members) {
    if (m_record_depth > 0) {
      // The braces, a colon per member and the commas between them.
      bool ok = in_record(1 + 2 * static_cast<std::size_t>(members) - (members > 0 ? 1 : 0),
                          [&](auto& h) { return h.EndObject(members); });
      if (--m_record_depth == 0) end_record();
      return ok;
    }
    m_path.pop_back();
    return m_envelope.EndObject(members);
  }
  bool StartArray() {
    if (m_record_depth > 0) return ++m_record_depth, in_record(1, [](auto& h) { return h.StartArray(); });
    if (at_record_start()) return fail_not_object();
    m_path.push_back(std::move(m_key));
    if (m_path.size() == m_records_at.size() + 1 && path_is_records()) m_in_records = true;
    return m_envelope.StartArray();
  }
  bool EndArray(SizeType elements) {
    if (m_record_depth > 0)
      return --m_record_depth, in_record(1 + (elements > 0 ? elements - 1 : 0),
                                         [&](auto& h) { return h.EndArray(elements); });
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

  // An event inside a record: counted, when the record will be copied, as the characters
  // RecordWriter would write for it; else written.
  template <typename Emit>
  bool in_record(std::size_t compact, Emit emit) {
    if (m_cursor) return m_compact += compact, true;
    return emit(m_writer);
  }
  void end_record() {
    if (!m_cursor) {
      m_records.emplace_back(m_writer.text());
      return;
    }
    // Source text longer than what would be written holds whitespace or other spellings.
    const std::string_view source(m_record_start, static_cast<std::size_t>(*m_cursor - m_record_start));
    // Valid UTF-8 throughout is every string valid: outside strings valid JSON is ASCII.
    if (const auto escapes = short_escapes(source);
        escapes && source.size() == m_compact + *escapes && is_valid_utf8(source))
      m_records.emplace_back(source);
    else
      m_records.push_back(rewrite_record(source));
  }
  template <typename Emit>
  bool value(std::size_t compact, Emit emit) {
    if (m_record_depth > 0) return in_record(compact, emit);
    if (at_record_start()) return fail_not_object();
    return emit(m_envelope);
  }
  template <typename Emit>
  bool record_scalar(std::size_t compact, Emit emit) {
    if (m_record_depth == 0) return fail_not_object();
    return in_record(compact, emit);
  }
  bool fail_not_object() {
    m_record_not_object = true;
    return false;
  }

  rapidjson::Document& m_envelope;
  std::span<const std::string> m_records_at;
  std::vector<std::string>& m_records;
  RecordWriter m_writer;
  const char* const* m_cursor = nullptr;
  const char* m_record_start = nullptr;
  std::size_t m_compact = 0;  // what RecordWriter would write of the record so far
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

// The page split in one SAX pass (see PageSplitter): any answer, valid or not, and each error's message.
Result<Page> parse_page_sax(std::string_view body, std::span<const std::string> records_at, RecordsMember rule) {
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
      // A text rewritten to bring back huge numbers is not the source: records are written.
      if (huge)
        result = read_sax<rapidjson::kParseNumbersAsStringsFlag>(text, guarded);
      else
        result = read_sax<rapidjson::kParseNumbersAsStringsFlag>(
            text, guarded, [&](const char* const* cursor) { splitter.copy_from(cursor); });
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

// A record past this size takes the SAX pass: simdjson keeps buffers sized to the largest text it
// has parsed (about 14 bytes per byte of text when every byte is structure), and a server
// chooses the size. CRM records are a few kilobytes.
constexpr std::size_t k_validated_max = std::size_t{1} << 20;

// Whether `text` is one JSON value, nested no deeper than the SAX pass allows.
bool is_valid_json(std::string_view text) {
  if (text.size() > k_validated_max) return false;
  thread_local simdjson::dom::parser parser = [] {
    simdjson::dom::parser made(k_validated_max);
    // No record is deeper (split_valid_page checks first); this only bounds the parser's stack.
    if (made.allocate(simdjson::dom::MINIMAL_DOCUMENT_CAPACITY, k_max_depth) != simdjson::SUCCESS)
      throw std::bad_alloc();
    return made;
  }();
  return parser.parse(text.data(), text.size()).error() == simdjson::SUCCESS;
}

// The page as parse_page_sax would split it, when the answer is in the shape providers send: the
// records a compact array of objects, each valid JSON. Each record is then its source text, found
// by the commas between records (json::scan_array, or the skim's) and validated by simdjson (UTF-8 included,
// several times faster than the SAX pass reads it), without a SAX event per value. The envelope
// (the text around the records, a few hundred bytes) takes the SAX pass, which validates it:
// valid envelope and valid records between the commas are a valid page. nullopt for anything
// else, which the SAX pass then reads, and words its error when there is one.
std::optional<Page> split_valid_page(std::string_view body, std::span<const std::string> records_at,
                                     RecordsMember rule, const RecordsArray* located) {
  std::optional<RecordsArray> scanned;
  if (!located) {
    scanned = scan_array(body, find_value(body, 0, records_at));
    if (!scanned) return std::nullopt;
    located = &*scanned;
  }
  const auto& [begin, end, commas, empty, spaced, depth] = *located;
  if (empty || spaced) return std::nullopt;
  // Guarded counts levels from the page's root: the array is at records_at.size() + 1.
  if (static_cast<long>(records_at.size()) + depth > k_max_depth) return std::nullopt;
  std::string envelope;
  envelope.reserve(begin + 2 + (body.size() - end));
  envelope.append(body.substr(0, begin)).append("[]").append(body.substr(end));
  auto page = parse_page_sax(envelope, records_at, rule);
  // Records left in the envelope are a second array where the records belong (a repeated key).
  if (!page || !page->records.empty()) return std::nullopt;
  page->records.reserve(commas.size() + 1);
  std::size_t from = begin + 1;
  for (std::size_t i = 0; i <= commas.size(); ++i) {
    const std::size_t to = i < commas.size() ? commas[i] : end - 1;  // the last ends at the bracket
    const std::string_view record = body.substr(from, to - from);
    if (record.empty() || record.front() != '{' || !is_valid_json(record)) return std::nullopt;
    if (short_escapes(record))
      page->records.emplace_back(record);
    else
      page->records.push_back(rewrite_record(record));
    from = to + 1;
  }
  page->split_at_commas = true;
  return std::move(*page);
}

}  // namespace

Result<Page> parse_page(std::string_view body, std::span<const std::string> records_at, RecordsMember rule,
                        const RecordsArray* located) {
  if (auto page = split_valid_page(body, records_at, rule, located)) return std::move(*page);
  return parse_page_sax(body, records_at, rule);
}

}  // namespace crmexport::json
