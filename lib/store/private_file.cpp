#include "lib/store/private_file.hpp"

#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace crmexport::store {

namespace {

constexpr mode_t k_private_folder_mode = 0700;
constexpr mode_t k_private_file_mode = 0600;
constexpr mode_t k_group_and_other_bits = 0077;

std::unexpected<Error> errno_failure(std::string_view doing, const std::filesystem::path& path, int error_number) {
  return fail(ErrorKind::runtime, fmt::format("could not {} {} ({}); check the permissions of its folder, or "
                                              "choose another file with --store",
                                              doing, path.string(), std::strerror(error_number)));
}

}  // namespace

Result<void> make_private_folders(const std::filesystem::path& folder) {
  // Walk up to the first folder that exists, then create downwards, so only folders we make get 0700.
  std::vector<std::filesystem::path> missing;
  for (std::filesystem::path p = folder; !p.empty(); p = p.parent_path()) {
    struct stat info {};
    if (::stat(p.c_str(), &info) == 0) {
      if (!S_ISDIR(info.st_mode)) return errno_failure("use the folder", p, ENOTDIR);
      break;
    }
    if (errno != ENOENT) return errno_failure("inspect the folder", p, errno);
    missing.push_back(p);
    if (p == p.parent_path()) break;  // the root: cannot go further up
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), k_private_folder_mode) != 0 && errno != EEXIST) {
      return errno_failure("create the folder", *it, errno);
    }
    // mkdir's mode passes through the umask; a tight umask may have removed owner bits we need.
    if (::chmod(it->c_str(), k_private_folder_mode) != 0) return errno_failure("protect the folder", *it, errno);
  }
  return {};
}

Result<void> make_private_file(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, k_private_file_mode);
  if (fd >= 0) {
    const bool protected_ok = ::fchmod(fd, k_private_file_mode) == 0;  // in case the umask removed owner bits
    const int saved_errno = errno;
    ::close(fd);
    if (!protected_ok) return errno_failure("protect the credential store", file, saved_errno);
    return {};
  }
  if (errno != EEXIST) return errno_failure("create the credential store", file, errno);

  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) return errno_failure("inspect the credential store", file, errno);
  if (!S_ISREG(info.st_mode)) {
    return fail(ErrorKind::runtime, fmt::format("the credential store {} is not a regular file; move it away or "
                                                "choose another file with --store",
                                                file.string()));
  }
  if ((info.st_mode & k_group_and_other_bits) != 0 && ::chmod(file.c_str(), k_private_file_mode) != 0) {
    return errno_failure("restrict the permissions of the credential store", file, errno);
  }
  return {};
}

ScopedUmask::ScopedUmask(mode_t mask) : m_previous(::umask(mask)) {}

ScopedUmask::~ScopedUmask() { ::umask(m_previous); }

}  // namespace crmexport::store
