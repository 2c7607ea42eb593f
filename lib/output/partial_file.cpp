#include "lib/output/partial_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "lib/core/log.hpp"
#include "lib/json/fields.hpp"
#include "lib/json/parse.hpp"
#include "lib/json/write.hpp"
#include "lib/output/atomic_file.hpp"

namespace crmexport::output {
namespace {

constexpr int k_state_version = 1;

[[noreturn]] void throw_file_error(std::string_view action, const std::filesystem::path& path, int error_number,
                                   std::string_view advice = "") {
  throw Fatal(ErrorKind::runtime, fmt::format("cannot {} {}: {}{}", action, path.string(),
                                              std::strerror(error_number != 0 ? error_number : EIO), advice));
}

// Records reach stdio a few hundred bytes at a time and the writer flushes once a page: with
// glibc's default buffer (the file system's 4 KiB block) a page of 500 records costs about 100
// write calls, with this one a few.
constexpr size_t k_stream_buffer = 256 * 1024;

// Gives `stream` (not yet read, written or positioned) the larger buffer, which must outlive it.
std::unique_ptr<char[]> larger_buffer(std::FILE* stream) {
  auto buffer = std::make_unique_for_overwrite<char[]>(k_stream_buffer);
  std::setvbuf(stream, buffer.get(), _IOFBF, k_stream_buffer);
  return buffer;
}

constexpr std::string_view k_folder_advice = "; check that the folder exists and is writable";

std::string state_json(const PartialState& state) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("crmexport_partial");
  w.Int(k_state_version);
  w.Key("made_by");
  w.StartObject();
  for (const auto& [name, value] : state.made_by) {
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  }
  w.EndObject();
  json::text_member(w, "cursor", state.cursor);
  w.Key("last");
  w.Bool(state.last);
  json::int_member(w, "records", state.records);
  json::int_member(w, "pages", state.pages);
  json::int_member(w, "requests", state.requests);
  json::int_member(w, "tokens", state.tokens);
  json::number_member(w, "seconds", state.seconds);
  json::optional_int_member(w, "provider_total", state.provider_total);
  json::text_member(w, "started_at", state.started_at);
  w.Key("bytes");
  w.Uint64(state.bytes);
  w.EndObject();
  buffer.Put('\n');
  return buffer.GetString();
}

Result<PartialState> read_state(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  const auto unreadable = [&](std::string_view why) {
    return fail(ErrorKind::usage,
                fmt::format("cannot read {} ({}); export again without --resume to start over", path.string(), why));
  };
  if (!in) return unreadable(std::strerror(errno));
  rapidjson::Document document;
  if (json::parse_dom(document, text.str()) != json::Parsed::ok || !document.IsObject())
    return unreadable("not the JSON crmexport writes");
  if (json::int_at(document, "/crmexport_partial") != k_state_version)
    return unreadable("written by another crmexport version");
  PartialState state;
  const auto* made_by = json::find(document, "/made_by");
  if (made_by == nullptr || !made_by->IsObject()) return unreadable("no made_by");
  for (const auto& member : made_by->GetObject()) {
    if (!member.value.IsString()) return unreadable("made_by holds a non-string");
    state.made_by.emplace_back(member.name.GetString(), member.value.GetString());
  }
  const auto cursor = json::text_at(document, "/cursor");
  const auto last = json::bool_at(document, "/last");
  const auto records = json::int_at(document, "/records");
  const auto pages = json::int_at(document, "/pages");
  const auto requests = json::int_at(document, "/requests");
  const auto tokens = json::int_at(document, "/tokens");
  const auto bytes = json::int_at(document, "/bytes");
  const auto* seconds = json::find(document, "/seconds");
  if (!cursor || !last || !records || !pages || !requests || !tokens || !bytes || *bytes < 0 || seconds == nullptr ||
      !seconds->IsNumber())
    return unreadable("a count or the cursor is missing");
  state.cursor = *cursor;
  state.last = *last;
  state.records = *records;
  state.pages = *pages;
  state.requests = *requests;
  state.tokens = *tokens;
  state.seconds = seconds->GetDouble();
  if (auto total = json::int_at(document, "/provider_total")) state.provider_total = *total;
  state.started_at = json::text_at(document, "/started_at").value_or("");
  state.bytes = static_cast<std::uint64_t>(*bytes);
  return state;
}

// The first (name, value) that differs, as "NAME VALUE, not NEW": what the message names.
std::optional<std::string> first_difference(const MadeBy& saved, const MadeBy& wanted) {
  const auto shown = [](const std::string& value) { return value.empty() ? std::string("(none)") : value; };
  for (const auto& [name, value] : wanted) {
    std::string before;
    for (const auto& [saved_name, saved_value] : saved)
      if (saved_name == name) before = saved_value;
    if (before != value) return fmt::format("{} {}, not {}", name, shown(before), shown(value));
  }
  if (saved.size() != wanted.size()) return std::string("other options");
  return std::nullopt;
}

}  // namespace

std::filesystem::path partial_path(const std::filesystem::path& final_path) {
  return std::filesystem::path(final_path.string() + ".partial");
}

std::filesystem::path state_path(const std::filesystem::path& final_path) {
  return std::filesystem::path(final_path.string() + ".partial.state");
}

PartialFile::PartialFile(std::filesystem::path final_path, std::FILE* stream, PartialState state, bool saved)
    : m_final_path(std::move(final_path)),
      m_partial_path(partial_path(m_final_path)),
      m_buffer(larger_buffer(stream)),
      m_stream(stream),
      m_state(std::move(state)),
      m_saved(saved) {}

PartialFile::PartialFile(PartialFile&& other) noexcept
    : m_final_path(std::move(other.m_final_path)),
      m_partial_path(std::move(other.m_partial_path)),
      m_buffer(std::move(other.m_buffer)),
      m_stream(std::exchange(other.m_stream, nullptr)),
      m_state(std::move(other.m_state)),
      m_newer(std::move(other.m_newer)),
      m_saved_at(other.m_saved_at),
      m_hash(std::move(other.m_hash)),
      m_hashed(other.m_hashed),
      m_sha256(std::move(other.m_sha256)),
      m_saved(other.m_saved),
      m_done(std::exchange(other.m_done, true)),
      m_kept(other.m_kept) {}

PartialFile::~PartialFile() {
  if (!m_done) keep();
}

PartialFile PartialFile::start(const std::filesystem::path& final_path) {
  const auto partial = partial_path(final_path);
  std::error_code ignored;
  if (std::filesystem::exists(partial, ignored))
    log::info("replacing {} left by an earlier run (pass --resume to continue it instead)", partial.string());
  ::unlink(state_path(final_path).c_str());  // first, so no state ever describes the new bytes
  // O_NOFOLLOW: never write through a symlink planted under that name.
  const int fd = ::open(partial.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw_file_error("create", partial, errno, k_folder_advice);
  std::FILE* stream = ::fdopen(fd, "w+");
  if (stream == nullptr) {
    const int error_number = errno;
    ::close(fd);
    throw_file_error("create", partial, error_number);
  }
  return PartialFile(final_path, stream, PartialState{}, false);
}

Result<std::optional<PartialFile>> PartialFile::resume(const std::filesystem::path& final_path, const MadeBy& made_by) {
  const auto partial = partial_path(final_path);
  const auto state_file = state_path(final_path);
  std::error_code ignored;
  if (!std::filesystem::exists(state_file, ignored)) return std::nullopt;
  auto state = read_state(state_file);
  if (!state) return std::unexpected(state.error());
  if (auto difference = first_difference(state->made_by, made_by))
    return fail(ErrorKind::usage, fmt::format("{} was written with {}: resume with the options it was written with, "
                                              "or export again without --resume to start over",
                                              partial.string(), *difference));
  const int fd = ::open(partial.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  struct stat info {};
  if (fd < 0 || ::fstat(fd, &info) != 0 || static_cast<std::uint64_t>(info.st_size) < state->bytes) {
    if (fd >= 0) ::close(fd);
    return fail(ErrorKind::usage, fmt::format("{} is missing or shorter than {} says; export again without --resume "
                                              "to start over",
                                              partial.string(), state_file.string()));
  }
  // Bytes past the saved length belong to a page that was not finished: they go.
  if (::ftruncate(fd, static_cast<off_t>(state->bytes)) != 0) {
    const int error_number = errno;
    ::close(fd);
    throw_file_error("truncate", partial, error_number);
  }
  // Positioned before stdio sees it: the stream's buffer is set before its first operation.
  std::FILE* stream = ::lseek(fd, 0, SEEK_END) < 0 ? nullptr : ::fdopen(fd, "r+");
  if (stream == nullptr) {
    const int error_number = errno;
    ::close(fd);
    throw_file_error("open", partial, error_number);
  }
  return std::optional<PartialFile>(PartialFile(final_path, stream, std::move(*state), true));
}

void PartialFile::checkpoint(PartialState state, std::chrono::steady_clock::time_point now) {
  errno = 0;
  const off_t length = ::ftello(m_stream);
  if (length < 0) throw_file_error("write", m_partial_path, errno);
  state.bytes = static_cast<std::uint64_t>(length);
  if (m_hash) hash_up_to(state.bytes);
  // The last page is saved at once: for CSV with every column, the document is written after it
  // (and may find the disk full), and the state then says only the end is missing.
  if (m_saved_at && !state.last && now - *m_saved_at < k_checkpoint_interval) {
    m_newer = std::move(state);
    return;
  }
  save(std::move(state));
  m_saved_at = now;
}

void PartialFile::save(PartialState state) {
  const auto target = state_path(m_final_path);
  const auto temporary = std::filesystem::path(target.string() + ".tmp");
  const std::string text = state_json(state);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) throw_file_error("write", target, errno);
  // 0600 also when an older file of that name had another mode: the state names the connection.
  ::fchmod(fd, 0600);
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error_number = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      throw_file_error("write", target, error_number);
    }
    written += static_cast<size_t>(n);
  }
  ::close(fd);
  if (::rename(temporary.c_str(), target.c_str()) != 0) {
    const int error_number = errno;
    ::unlink(temporary.c_str());
    throw_file_error("write", target, error_number);
  }
  m_state = std::move(state);
  m_newer.reset();
  m_saved = true;
}

void PartialFile::hash_bytes() {
  m_hash.emplace();
  hash_up_to(m_state.bytes);
}

// The page just written is still in the page cache: reading it back costs a copy, not a disk read.
void PartialFile::hash_up_to(std::uint64_t length) {
  std::array<char, 1 << 16> block{};
  while (m_hashed < length) {
    const size_t wanted = static_cast<size_t>(std::min<std::uint64_t>(block.size(), length - m_hashed));
    const ssize_t n = ::pread(::fileno(m_stream), block.data(), wanted, static_cast<off_t>(m_hashed));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw_file_error("read", m_partial_path, n < 0 ? errno : EIO);
    m_hash->update(std::string_view(block.data(), static_cast<size_t>(n)));
    m_hashed += static_cast<std::uint64_t>(n);
  }
}

void PartialFile::commit() {
  if (m_hash) {
    errno = 0;
    const off_t length = std::fflush(m_stream) == 0 ? ::ftello(m_stream) : -1;
    if (length < 0) throw_file_error("write", m_final_path, errno);
    hash_up_to(static_cast<std::uint64_t>(length));
    m_sha256 = m_hash->hex();
  }
  // On failure FILE.partial stays, and keep() cuts it back to the last page saved.
  if (const int error_number = sync_and_close(std::exchange(m_stream, nullptr)); error_number != 0)
    throw_file_error("write", m_final_path, error_number);
  if (::rename(m_partial_path.c_str(), m_final_path.c_str()) != 0) throw_file_error("write", m_final_path, errno);
  ::unlink(state_path(m_final_path).c_str());
  m_done = true;
  sync_folder(m_final_path.parent_path());
}

void PartialFile::close() noexcept {
  if (m_stream != nullptr) std::fclose(std::exchange(m_stream, nullptr));
}

void PartialFile::remove() noexcept {
  close();
  ::unlink(m_partial_path.c_str());
  ::unlink(state_path(m_final_path).c_str());
  m_done = true;
}

bool PartialFile::keep() noexcept {
  if (m_done) return m_kept;
  if (!m_saved) {
    remove();
    return false;
  }
  // What follows the last checkpoint is part of a page that was not finished: cut it off, so
  // FILE.partial is itself a clean prefix of the finished file. Closed first, or stdio could
  // write its buffer back after the cut.
  close();
  if (m_newer) {
    // Cut first: on a full disk, the unfinished page's room is what the new state is written in.
    PartialState newer = std::move(*std::exchange(m_newer, std::nullopt));
    cut_back(newer.bytes);
    const long unsaved = newer.records - m_state.records;
    try {
      save(std::move(newer));
    } catch (const Fatal& fatal) {
      log::warn("{}; the state saved {} records earlier stays, and --resume reads them again", fatal.error().message,
                unsaved);
    }
  }
  cut_back(m_state.bytes);
  m_done = true;
  m_kept = true;
  return true;
}

void PartialFile::cut_back(std::uint64_t bytes) noexcept {
  if (::truncate(m_partial_path.c_str(), static_cast<off_t>(bytes)) != 0)
    log::warn("cannot cut {} back to {} bytes ({}); --resume will", m_partial_path.string(), bytes,
              std::strerror(errno));
}

}  // namespace crmexport::output
