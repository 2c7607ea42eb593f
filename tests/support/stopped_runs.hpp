#pragma once
// For tests of runs stopped part-way (signals, failing providers): polling for a file a running
// export writes, and reading the resume cursor it printed.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

namespace crmexport::testing {

// Polls until `ready` holds (at most 20 s).
template <typename Ready>
void wait_until(Ready ready) {
  for (int i = 0; i < 2000 && !ready(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(ready());
}

// The cursor in "... --cursor 'CURSOR'" of a run's stderr.
inline std::string cursor_in(const std::string& err) {
  auto at = err.find("--cursor '");
  REQUIRE(at != std::string::npos);
  auto start = at + 10;
  return err.substr(start, err.find('\'', start) - start);
}

}  // namespace crmexport::testing
