#include "lib/engine/fleet.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "lib/core/escape.hpp"
#include "lib/core/interrupt.hpp"
#include "lib/engine/parallel.hpp"

namespace crmexport::engine {

int jobs_per_connection(int parallel, int jobs) {
  parallel = std::max(parallel, 1);
  jobs = std::max(jobs, 1);
  return parallel * jobs <= k_max_workers ? jobs : std::max(1, k_max_workers / parallel);
}

const Error* ConnectionOutcome::failure() const {
  if (error) return &*error;
  for (const auto& type : types)
    if (type.error) return &*type.error;
  return nullptr;
}

std::vector<ConnectionOutcome> named_outcomes(const std::vector<ConnectionToRun>& todo) {
  std::vector<ConnectionOutcome> outcomes;
  for (const auto& item : todo) {
    auto& outcome = outcomes.emplace_back();
    outcome.connection = item.connection.name;
    outcome.provider = item.connection.provider;
    outcome.absent_types = item.absent_types;
    outcome.error = item.refused;
  }
  return outcomes;
}

void run_fleet(std::vector<ConnectionOutcome>& outcomes, int parallel,
               const std::function<void(size_t, ConnectionOutcome&)>& work) {
  std::vector<char> started(outcomes.size(), 0);
  run_parallel(outcomes.size(), parallel, [&](size_t i) {
    if (interrupted()) return;
    started[i] = 1;
    if (!outcomes[i].error) work(i, outcomes[i]);
  });
  for (size_t i = 0; i < outcomes.size(); ++i)
    if (!started[i]) outcomes[i].error = interrupted_error();
}

std::optional<Error> fleet_failure(const std::vector<ConnectionOutcome>& outcomes, std::string_view done_text) {
  std::vector<std::string> failed;
  const Error* first = nullptr;
  for (const auto& outcome : outcomes)
    if (const auto* failure = outcome.failure()) {
      failed.push_back(escaped(outcome.connection));  // a refused name may hold anything
      if (!first) first = failure;
    }
  if (!first) return std::nullopt;
  if (interrupted()) return interrupted_error();
  const auto succeeded = outcomes.size() - failed.size();
  Error error{succeeded ? ErrorKind::partial : first->kind, "", 0, std::nullopt};
  error.message = fmt::format("{} of {} connection{} failed ({}); {}", failed.size(), outcomes.size(),
                              outcomes.size() == 1 ? "" : "s", fmt::join(failed, ", "),
                              succeeded ? fmt::format("the other {} {}", succeeded, done_text)
                                        : "see each connection's error above");
  return error;
}

}  // namespace crmexport::engine
