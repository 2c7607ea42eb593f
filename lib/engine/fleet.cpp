#include "lib/engine/fleet.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "lib/core/escape.hpp"
#include "lib/core/interrupt.hpp"
#include "lib/core/log.hpp"
#include "lib/engine/parallel.hpp"
#include "lib/engine/progress.hpp"

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

bool ConnectionOutcome::none_of_the_types() const { return types.empty() && !absent_types.empty(); }

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
    log::ConnectionScope scope(outcomes[i].connection);
    if (!outcomes[i].error) work(i, outcomes[i]);
  });
  for (size_t i = 0; i < outcomes.size(); ++i)
    if (!started[i]) outcomes[i].error = interrupted_error();
}

std::optional<Error> fleet_failure(const std::vector<ConnectionOutcome>& outcomes, std::string_view done) {
  std::vector<std::string> failed;
  const Error* first = nullptr;
  for (const auto& outcome : outcomes)
    if (const auto* failure = outcome.failure()) {
      failed.push_back(escaped(outcome.connection));  // a refused name may hold anything
      if (!first) first = failure;
    }
  if (!first) return std::nullopt;
  if (interrupted()) return interrupted_error();
  const auto others = outcomes.size() - failed.size();
  // Of the others, those that did nothing (skipped, or none of the types) are named: "the other 4
  // are written" would be untrue of them.
  std::vector<std::string> idle;
  for (const auto& outcome : outcomes)
    if (!outcome.failure() && (outcome.skipped || outcome.none_of_the_types()))
      idle.push_back(escaped(outcome.connection));
  Error error{others ? ErrorKind::partial : first->kind, "", 0, std::nullopt};
  std::string rest = "see each connection's error above";
  const auto are = [](size_t n) { return n == 1 ? "is" : "are"; };
  if (others && idle.empty())
    rest = fmt::format("the other {} {} {}", others == 1 ? "one" : std::to_string(others), are(others), done);
  if (others && !idle.empty())
    rest = fmt::format("of the other {}, {} {} {} and {} did nothing ({})", others, others - idle.size(),
                       are(others - idle.size()), done, idle.size(), fmt::join(idle, ", "));
  error.message = fmt::format("{} of {} connection{} failed ({}); {}", failed.size(), outcomes.size(),
                              outcomes.size() == 1 ? "" : "s", fmt::join(failed, ", "), rest);
  return error;
}

namespace {

std::string count_of(size_t n, std::string_view what) { return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s"); }

// "2 failed (pdbad, hs2)"; nothing when none.
void add_named(std::vector<std::string>& parts, std::string_view what, const std::vector<std::string>& names) {
  if (!names.empty()) parts.push_back(fmt::format("{} {} ({})", names.size(), what, fmt::join(names, ", ")));
}

}  // namespace

std::string fleet_summary(const std::vector<ConnectionOutcome>& outcomes, FleetWords words, double seconds) {
  std::vector<std::string> failed, skipped, no_types, nothing;
  size_t done = 0, types_done = 0, types_unfinished = 0, types_left_out = 0;
  long records = 0, requests = 0;
  for (const auto& outcome : outcomes) {
    const auto name = escaped(outcome.connection);  // a refused name may hold anything
    bool any_done = false;
    for (const auto& type : outcome.types) {
      records += type.records;
      requests += type.requests;
      any_done = any_done || type.done;
      ++(type.done ? types_done : types_unfinished);
    }
    types_left_out += outcome.absent_types.size();
    if (outcome.failure())
      failed.push_back(name);
    else if (outcome.skipped)
      skipped.push_back(name);
    else if (outcome.none_of_the_types())
      no_types.push_back(name);
    else
      ++done;
    if (!any_done) nothing.push_back(name);
  }
  std::vector<std::string> connections{fmt::format("{} {}", done, words.done)};
  add_named(connections, "failed", failed);
  add_named(connections, "skipped", skipped);
  add_named(connections, "with none of the types", no_types);
  std::vector<std::string> types{fmt::format("{} {}", types_done, words.done)};
  if (types_unfinished) types.push_back(fmt::format("{} not finished", types_unfinished));
  if (types_left_out) types.push_back(fmt::format("{} left out", types_left_out));
  return fmt::format("{}: {}; types: {}; {}, {} in {}{}", count_of(outcomes.size(), "connection"),
                     fmt::join(connections, ", "), fmt::join(types, ", "), count_of(static_cast<size_t>(records), "record"),
                     count_of(static_cast<size_t>(requests), "request"), describe_duration(seconds),
                     nothing.empty() ? "" : fmt::format("; {} nothing: {}", words.did, fmt::join(nothing, ", ")));
}

}  // namespace crmexport::engine
