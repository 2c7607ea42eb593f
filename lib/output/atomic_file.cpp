#include "lib/output/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <signal.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "lib/core/error.hpp"
#include "lib/core/log.hpp"

namespace crmexport::output {
namespace {

[[noreturn]] void throw_file_error(std::string_view action, const std::filesystem::path& path, int error_number,
                                   std::string_view advice = "") {
  if (error_number == 0) error_number = EIO;
  throw Fatal(ErrorKind::runtime,
              fmt::format("cannot {} {}: {}{}", action, path.string(), std::strerror(error_number), advice));
}

// When this process began: a temporary file older than that cannot be one this run is writing.
const auto k_process_start = std::filesystem::file_time_type::clock::now();

constexpr std::string_view k_temporary_marker = ".tmp-";

// The pid in a temporary name crmexport made: `.NAME.EXT.tmp-PID-RANDOM` (EXT one crmexport
// writes), or `.NAME.EXT.tmp-PID` as crmexport wrote them before the random part; nullopt for any
// other name, so other programs' temporary files are never touched.
std::optional<pid_t> temporary_owner(std::string_view name) {
  const auto marker = name.rfind(k_temporary_marker);
  if (!name.starts_with('.') || marker == std::string_view::npos || marker < 2) return std::nullopt;
  const auto output_name = name.substr(0, marker);
  if (!std::ranges::any_of(std::array{".ndjson", ".jsonl", ".json", ".csv"},
                           [&](std::string_view extension) { return output_name.ends_with(extension); }))
    return std::nullopt;
  auto rest = name.substr(marker + k_temporary_marker.size());
  const auto dash = rest.find('-');
  auto digits = rest.substr(0, dash);
  auto random = dash == std::string_view::npos ? std::string_view() : rest.substr(dash + 1);
  const auto all_of = [](std::string_view text, auto predicate) {
    return !text.empty() && std::ranges::all_of(text, [&](unsigned char c) { return predicate(c) != 0; });
  };
  if (!all_of(digits, ::isdigit) || digits.size() > 9) return std::nullopt;
  if (dash != std::string_view::npos && !all_of(random, ::isxdigit)) return std::nullopt;
  return static_cast<pid_t>(std::stol(std::string(digits)));
}

bool process_alive(pid_t pid) { return pid != ::getpid() && (::kill(pid, 0) == 0 || errno == EPERM); }

// The temporary names this process made: several types write into one folder at once (--jobs),
// and a file another thread created a moment ago may carry an mtime before k_process_start
// (file times are coarser than the clock), so age alone cannot tell it from a dead run's.
std::mutex g_ours_mutex;
std::set<std::string> g_ours;

void note_ours(const std::filesystem::path& path) {
  std::lock_guard lock(g_ours_mutex);
  g_ours.insert(path.filename().string());
}

bool is_ours(const std::string& name) {
  std::lock_guard lock(g_ours_mutex);
  return g_ours.contains(name);
}

std::string random_suffix() {
  std::random_device device;
  return fmt::format("{:08x}", device());
}

}  // namespace

// A run killed with kill -9 (or a power cut) leaves its temporary file behind. The next run in the
// folder removes those whose process is gone (or whose pid is now ours, as happens in containers)
// and that are older than this process: never a file a live export is writing.
void remove_stale_temporaries(const std::filesystem::path& folder) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder.empty() ? "." : folder, error)) {
    const std::string name = entry.path().filename().string();
    const auto owner = temporary_owner(name);
    if (!owner || process_alive(*owner) || is_ours(name) || !entry.is_regular_file(error)) continue;
    const auto modified = entry.last_write_time(error);
    if (error || modified >= k_process_start) continue;
    if (::unlink(entry.path().c_str()) == 0)
      log::info("removed {}, left by an earlier crmexport run (process {} is gone)", entry.path().string(), *owner);
  }
}

int sync_and_close(std::FILE* stream) noexcept {
  errno = 0;
  int error_number = 0;
  if (std::fflush(stream) != 0 || ::fsync(::fileno(stream)) != 0) error_number = errno != 0 ? errno : EIO;
  errno = 0;
  if (std::fclose(stream) != 0 && error_number == 0) error_number = errno != 0 ? errno : EIO;
  return error_number;
}

// A rename is only durable once the folder's entry is on disk too. Best effort: some filesystems
// refuse fsync on a folder, and the file itself is already complete by then.
void sync_folder(const std::filesystem::path& folder) {
  const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

AtomicFile AtomicFile::create(const std::filesystem::path& final_path) {
  if (!final_path.has_filename()) throw_file_error("create", final_path, EISDIR, "; give a file name, not a folder");
  remove_stale_temporaries(final_path.parent_path());
  std::filesystem::path temporary_path;
  int fd = -1;
  // O_EXCL: never write into a file someone else made (or a symlink planted) under that name. The
  // random part keeps a dead run's file (same pid, in a container) from ever being in the way.
  for (int attempt = 0; fd < 0 && attempt < 8; ++attempt) {
    temporary_path = final_path.parent_path() / fmt::format(".{}{}{}-{}", final_path.filename().string(),
                                                            k_temporary_marker, ::getpid(), random_suffix());
    note_ours(temporary_path);  // before it exists, so no other thread's scan can take it for stale
    fd = ::open(temporary_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) throw_file_error("create", final_path, errno, "; check that the folder exists and is writable");
  std::FILE* stream = ::fdopen(fd, "w");
  if (stream == nullptr) {
    const int error_number = errno;
    ::close(fd);
    ::unlink(temporary_path.c_str());
    throw_file_error("create", final_path, error_number);
  }
  return AtomicFile(final_path, std::move(temporary_path), stream);
}

AtomicFile::AtomicFile(std::filesystem::path final_path, std::filesystem::path temporary_path, std::FILE* stream)
    : m_final_path(std::move(final_path)), m_temporary_path(std::move(temporary_path)), m_stream(stream) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : m_final_path(std::exchange(other.m_final_path, {})),
      m_temporary_path(std::exchange(other.m_temporary_path, {})),
      m_stream(std::exchange(other.m_stream, nullptr)),
      m_committed(std::exchange(other.m_committed, false)) {}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this != &other) {
    discard();
    m_final_path = std::exchange(other.m_final_path, {});
    m_temporary_path = std::exchange(other.m_temporary_path, {});
    m_stream = std::exchange(other.m_stream, nullptr);
    m_committed = std::exchange(other.m_committed, false);
  }
  return *this;
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::discard() noexcept {
  if (m_stream != nullptr) std::fclose(std::exchange(m_stream, nullptr));
  if (!m_committed && !m_temporary_path.empty()) ::unlink(m_temporary_path.c_str());
  m_temporary_path.clear();
}

void AtomicFile::commit() {
  if (m_stream == nullptr) throw Fatal(ErrorKind::runtime, "output file committed twice; this is a bug in crmexport");
  // fsync before rename: otherwise a crash could leave the final name pointing at an empty file.
  if (const int error_number = sync_and_close(std::exchange(m_stream, nullptr)); error_number != 0)
    throw_file_error("write", m_final_path, error_number);
  if (::rename(m_temporary_path.c_str(), m_final_path.c_str()) != 0) {
    throw_file_error("write", m_final_path, errno, fmt::format(" (renaming {} failed)", m_temporary_path.string()));
  }
  m_committed = true;
  sync_folder(m_final_path.parent_path());
}

}  // namespace crmexport::output
