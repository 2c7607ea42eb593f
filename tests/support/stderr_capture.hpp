#pragma once
// What code under test writes to this process's stderr (log lines), read back from a file the
// stream is pointed at while `body` runs.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace crmexport::testing {

template <typename Body>
std::string stderr_of(Body&& body) {
  std::fflush(stderr);
  char path[] = "/tmp/crmexport-stderr-XXXXXX";
  int file = mkstemp(path);
  int saved = dup(STDERR_FILENO);
  dup2(file, STDERR_FILENO);
  body();
  std::fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(file);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  unlink(path);
  return text.str();
}

}  // namespace crmexport::testing
