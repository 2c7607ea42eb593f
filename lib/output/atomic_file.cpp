#include "lib/output/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "lib/core/error.hpp"

namespace crmexport::output {
namespace {

[[noreturn]] void throw_file_error(std::string_view action, const std::filesystem::path& path, int error_number,
                                   std::string_view advice = "") {
  if (error_number == 0) error_number = EIO;
  throw Fatal(ErrorKind::runtime,
              fmt::format("cannot {} {}: {}{}", action, path.string(), std::strerror(error_number), advice));
}

// A rename is only durable once the folder's entry is on disk too. Best effort: some filesystems
// refuse fsync on a folder, and the file itself is already complete by then.
void sync_folder(const std::filesystem::path& folder) {
  const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

AtomicFile AtomicFile::create(const std::filesystem::path& final_path) {
  if (!final_path.has_filename()) throw_file_error("create", final_path, EISDIR, "; give a file name, not a folder");
  std::filesystem::path temporary_path =
      final_path.parent_path() / fmt::format(".{}.tmp-{}", final_path.filename().string(), ::getpid());
  // O_EXCL: never write into a file someone else made (or a symlink planted) under that name.
  const int fd = ::open(temporary_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int error_number = errno;
    if (error_number == EEXIST) {
      throw_file_error("create", final_path, error_number,
                       fmt::format("; {} is left from an earlier run: remove it", temporary_path.string()));
    }
    throw_file_error("create", final_path, error_number, "; check that the folder exists and is writable");
  }
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
  std::FILE* stream = std::exchange(m_stream, nullptr);
  errno = 0;
  // fsync before rename: otherwise a crash could leave the final name pointing at an empty file.
  int error_number = 0;
  if (std::fflush(stream) != 0 || ::fsync(::fileno(stream)) != 0) error_number = errno != 0 ? errno : EIO;
  errno = 0;
  if (std::fclose(stream) != 0 && error_number == 0) error_number = errno != 0 ? errno : EIO;
  if (error_number != 0) throw_file_error("write", m_final_path, error_number);
  if (::rename(m_temporary_path.c_str(), m_final_path.c_str()) != 0) {
    throw_file_error("write", m_final_path, errno, fmt::format(" (renaming {} failed)", m_temporary_path.string()));
  }
  m_committed = true;
  sync_folder(m_final_path.parent_path());
}

}  // namespace crmexport::output
