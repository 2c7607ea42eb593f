#pragma once
// One sync at a time per mirror database: an exclusive flock on a side file. The kernel drops the
// lock when the process ends, however it ends (kill -9 included), so no stale lock survives.
#include <filesystem>
#include <utility>

#include "lib/core/error.hpp"

namespace crmexport::mirror {

class Lock {
 public:
  // Takes the lock on `database` + "-lock" without waiting; a runtime error naming the database
  // when another process holds it. Creates the side file (and nothing else) when missing.
  static Result<Lock> take(const std::filesystem::path& database);
  Lock(Lock&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  Lock& operator=(Lock&&) = delete;
  Lock(const Lock&) = delete;
  ~Lock();

 private:
  explicit Lock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

}  // namespace crmexport::mirror
