#include "lib/engine/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "lib/core/log.hpp"

namespace crmexport::engine {

void run_parallel(size_t count, int jobs, const std::function<void(size_t)>& task) {
  size_t threads = std::min(count, static_cast<size_t>(std::max(jobs, 1)));
  if (threads <= 1) {
    for (size_t i = 0; i < count; ++i) task(i);
    return;
  }
  // Types are taken in the order given, so the first ones finish first as they did in sequence.
  std::atomic<size_t> next{0};
  std::vector<std::jthread> workers;
  const std::string& connection = log::scoped_connection();  // the workers' lines name it as this thread's do
  for (size_t t = 0; t < threads; ++t)
    workers.emplace_back([&] {
      log::ConnectionScope scope(connection);
      for (size_t i = next++; i < count; i = next++) task(i);
    });
}

}  // namespace crmexport::engine
