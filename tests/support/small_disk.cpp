#include "support/small_disk.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace crmexport::testing {

SmallDisk::SmallDisk(const std::string& size) {
  if (::geteuid() != 0) {
    m_why_not = "not root, so no tmpfs can be mounted";
    return;
  }
  const std::string options = "size=" + size + ",mode=0700";
  if (::mount("tmpfs", m_dir.path().c_str(), "tmpfs", 0, options.c_str()) != 0) {
    m_why_not = std::string("mount -t tmpfs failed: ") + std::strerror(errno);
    return;
  }
  m_mounted = true;
}

SmallDisk::~SmallDisk() {
  if (m_mounted) ::umount2(m_dir.path().c_str(), MNT_DETACH);
}

void SmallDisk::fill(const std::string& name) const {
  const int fd = ::open((m_dir / name).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return;
  std::vector<char> block(4096, 'x');
  while (::write(fd, block.data(), block.size()) > 0) {
  }
  for (std::size_t small = 512; small > 0; small /= 2)  // the last partial block too
    while (::write(fd, block.data(), small) > 0) {
    }
  ::close(fd);
}

}  // namespace crmexport::testing
