#include "cmd/run_limits.hpp"

#include <fmt/format.h>

namespace crmexport::cmd {

void add_run_limit_options(CLI::App& command, RunLimits& limits) {
  command.add_option("--jobs", limits.jobs, "types read at once, under one shared rate limit (default 4; 1: in order)")
      ->check(CLI::PositiveNumber);
  command
      .add_option("--max-requests", limits.max_requests,
                  "stop cleanly, printing where to resume, before the run would send more requests than this")
      ->check(CLI::PositiveNumber);
  command
      .add_option("--max-tokens", limits.max_tokens,
                  "the same for the tokens a provider charges per request (Pipedrive)")
      ->check(CLI::PositiveNumber);
}

std::unique_ptr<http::RequestBudget> make_budget(const providers::Provider& provider, const RunLimits& limits) {
  if (limits.max_tokens > 0 && provider.cost_unit.empty())
    throw Fatal(ErrorKind::usage, fmt::format("{} charges requests, not tokens; use --max-requests instead of "
                                              "--max-tokens",
                                              provider.title));
  return std::make_unique<http::RequestBudget>(limits.max_requests, limits.max_tokens);
}

}  // namespace crmexport::cmd
