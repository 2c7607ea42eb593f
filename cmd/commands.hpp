#pragma once
// One register_* function per subcommand; main calls each once.
#include <CLI/CLI.hpp>

#include "cmd/context.hpp"

namespace crmexport::cmd {

void register_providers_command(CLI::App& app, Context& context);
void register_auth_command(CLI::App& app, Context& context);
void register_export_command(CLI::App& app, Context& context);
void register_sync_command(CLI::App& app, Context& context);
void register_fields_command(CLI::App& app, Context& context);

}  // namespace crmexport::cmd
