#pragma once
// Options export and sync share about how a run reads: how many types at once, and the caps on
// what it may spend of the provider's budget.
#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "lib/http/budget.hpp"
#include "providers/provider.hpp"

namespace crmexport::cmd {

struct RunLimits {
  int jobs = 4;  // types read at once
  long max_requests = 0;
  long max_tokens = 0;
};

void add_run_limit_options(CLI::App& command, RunLimits& limits);
// The run's caps; refuses --max-tokens for a provider that does not charge tokens.
std::unique_ptr<http::RequestBudget> make_budget(const providers::Provider& provider, const RunLimits& limits);

}  // namespace crmexport::cmd
