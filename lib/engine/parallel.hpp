#pragma once
// The engine's threads: several types of one connection read at once (export -o DIR/, sync),
// each on its own worker. The workers share the Session (its pacer keeps the provider's limits).
#include <cstddef>
#include <functional>

namespace crmexport::engine {

// Runs task(0) .. task(count - 1), each once, on up to `jobs` threads (1: in order on this
// thread), and returns when all have ended. Tasks report failures as values and must not throw.
void run_parallel(size_t count, int jobs, const std::function<void(size_t)>& task);

}  // namespace crmexport::engine
