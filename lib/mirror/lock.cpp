#include "lib/mirror/lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace crmexport::mirror {

Result<Lock> Lock::take(const std::filesystem::path& database) {
  const std::string path = database.string() + "-lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail(ErrorKind::runtime, fmt::format("cannot open the lock file {}: {}", path, std::strerror(errno)));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK)
      return fail(ErrorKind::runtime, fmt::format("another crmexport sync is using {}; nothing was changed; run this "
                                                  "sync again when it has finished",
                                                  database.string()));
    return fail(ErrorKind::runtime, fmt::format("cannot lock {}: {}", path, std::strerror(error)));
  }
  return Lock(fd);
}

Lock::~Lock() {
  if (m_fd >= 0) ::close(m_fd);  // closing drops the flock
}

}  // namespace crmexport::mirror
