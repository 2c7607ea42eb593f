#pragma once
// Internal to lib/store: the store holds secrets, so its file and the folders we make for it are
// readable by their owner only, whatever the user's umask.
#include <filesystem>
#include <sys/types.h>

#include "lib/core/error.hpp"

namespace crmexport::store {

// Creates the missing folders of `folder` with mode 0700; folders that exist are left alone.
Result<void> make_private_folders(const std::filesystem::path& folder);

// Creates `file` empty with mode 0600 (O_CREAT|O_EXCL, so an existing file is never truncated);
// an existing file with any group/other permission is tightened to 0600.
Result<void> make_private_file(const std::filesystem::path& file);

// Sets the process umask for its lifetime, so files SQLite creates meanwhile (journal, WAL) are
// private too. The umask is process-wide: keep the scope short.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask);
  ~ScopedUmask();
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t m_previous;
};

}  // namespace crmexport::store
