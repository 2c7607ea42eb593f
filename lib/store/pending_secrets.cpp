#include "lib/store/pending_secrets.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace crmexport::store {
namespace {

std::unexpected<Error> file_failure(std::string_view doing, const std::filesystem::path& path, int error_number) {
  return fail(ErrorKind::runtime,
              fmt::format("could not {} {} ({}){}", doing, path.string(), std::strerror(error_number),
                          error_number == ENOSPC ? "; free some space on that disk and run again" : ""));
}

class Fd {
 public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }

 private:
  int m_fd;
};

}  // namespace

PendingSecrets::PendingSecrets(const std::filesystem::path& store_path) : m_path(store_path.string() + "-pending") {}

Result<void> PendingSecrets::reserve(std::size_t bytes) {
  Fd fd(::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) return file_failure("create", m_path, errno);
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return file_failure("inspect", m_path, errno);
  if ((info.st_mode & 077) != 0 && ::fchmod(fd.get(), 0600) != 0) return file_failure("protect", m_path, errno);
  // st_blocks, not st_size: the room must be allocated, not merely promised by a sparse file.
  if (static_cast<std::size_t>(info.st_size) >= bytes && static_cast<std::size_t>(info.st_blocks) * 512 >= bytes)
    return {};
  if (int error = ::posix_fallocate(fd.get(), 0, static_cast<off_t>(bytes)); error != 0)
    return file_failure("reserve room to save renewed tokens in", m_path, error);
  if (::fsync(fd.get()) != 0) return file_failure("sync", m_path, errno);
  return {};
}

Result<std::map<std::string, std::string>> PendingSecrets::read() const {
  std::map<std::string, std::string> secrets;
  Fd fd(::open(m_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) {
    if (errno == ENOENT) return secrets;
    return file_failure("read", m_path, errno);
  }
  std::string text;
  char buffer[8192];
  for (ssize_t got; (got = ::read(fd.get(), buffer, sizeof buffer)) != 0;) {
    if (got < 0) {
      if (errno == EINTR) continue;
      return file_failure("read", m_path, errno);
    }
    text.append(buffer, static_cast<std::size_t>(got));
  }
  // Unwritten room is zeros (fallocate) or the spaces that pad a shorter content.
  const auto end = text.find('\0');
  if (end != std::string::npos) text.resize(end);
  if (text.find_first_not_of(" \n") == std::string::npos) return secrets;
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject())
    return fail(ErrorKind::runtime, fmt::format("{} is unreadable; if you saved a renewed token there by hand, "
                                                "restore it, else remove the file",
                                                m_path.string()));
  for (const auto& member : d.GetObject())
    if (member.value.IsString()) secrets.emplace(member.name.GetString(), member.value.GetString());
  return secrets;
}

Result<void> PendingSecrets::write(const std::map<std::string, std::string>& secrets) {
  rapidjson::StringBuffer json;
  rapidjson::Writer<rapidjson::StringBuffer> w(json);
  w.StartObject();
  for (const auto& [name, secret] : secrets) {
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.String(secret.c_str(), static_cast<rapidjson::SizeType>(secret.size()));
  }
  w.EndObject();
  Fd fd(::open(m_path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) return file_failure("open", m_path, errno);
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return file_failure("inspect", m_path, errno);
  const auto room = static_cast<std::size_t>(info.st_size);
  if (json.GetSize() + 1 > room) return file_failure("save a renewed token in", m_path, ENOSPC);
  // The whole reserved length, padded: no byte beyond what fallocate gave, so no block to find.
  std::string content(json.GetString(), json.GetSize());
  content.push_back('\n');
  content.resize(room, ' ');
  for (std::size_t done = 0; done < content.size();) {
    ssize_t wrote = ::pwrite(fd.get(), content.data() + done, content.size() - done, static_cast<off_t>(done));
    if (wrote < 0) {
      if (errno == EINTR) continue;
      return file_failure("save a renewed token in", m_path, errno);
    }
    done += static_cast<std::size_t>(wrote);
  }
  if (::fdatasync(fd.get()) != 0) return file_failure("sync", m_path, errno);
  return {};
}

}  // namespace crmexport::store
