#pragma once
// Room reserved beside the credential store (`STORE-pending`, mode 0600) for renewed secrets the
// store could not take. Keap's refresh tokens are single-use: once the token endpoint has
// answered, the new pair is the only live one, and SQLite needs free space (its journal, new
// pages) to commit it. On a full disk that commit fails and the connection would be lost. This
// file is allocated in advance (posix_fallocate) while there is room, and written only in place
// within that allocation, so writing it needs no free space: the vault writes the new pair here
// (fsynced) before the store, and every later access reads it first and folds it into the store
// once the store can be written again.
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>

#include "lib/core/error.hpp"

namespace crmexport::store {

class PendingSecrets {
 public:
  explicit PendingSecrets(const std::filesystem::path& store_path);

  // The file exists, private, with at least `bytes` allocated on disk; runtime error (naming the
  // file and "no space") when the room cannot be had.
  Result<void> reserve(std::size_t bytes);
  // Secret JSON by connection name; empty when none is waiting (or there is no file).
  Result<std::map<std::string, std::string>> read() const;
  // Replaces the content in place (no allocation) and syncs it; an error when it does not fit
  // the reserved room, leaving the file as it was.
  Result<void> write(const std::map<std::string, std::string>& secrets);
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

}  // namespace crmexport::store
