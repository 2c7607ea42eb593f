#pragma once
// A tiny tmpfs mounted on a private folder, for tests of a full disk. Mounting needs root: where
// it cannot be had, mounted() is false and the test says why it skips.
#include <string>

#include "support/process.hpp"

namespace crmexport::testing {

class SmallDisk {
 public:
  explicit SmallDisk(const std::string& size);  // tmpfs size, e.g. "1m"
  ~SmallDisk();
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  bool mounted() const { return m_mounted; }
  const std::string& why_not() const { return m_why_not; }
  const TempDir& dir() const { return m_dir; }
  std::string operator/(const std::string& name) const { return m_dir / name; }
  // Writes `name` until the disk is full.
  void fill(const std::string& name) const;

 private:
  TempDir m_dir;
  bool m_mounted = false;
  std::string m_why_not;
};

}  // namespace crmexport::testing
