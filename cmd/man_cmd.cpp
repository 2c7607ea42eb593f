// `crmexport __man` (hidden): prints the man page; the build installs its output as crmexport.1.
#include <cstdio>

#include "cmd/commands.hpp"
#include "cmd/man_page.hpp"

namespace crmexport::cmd {

void register_man_command(CLI::App& app, Context&) {
  auto* command = app.add_subcommand("__man", "print the manual page crmexport(1) in roff");
  command->group("");  // hidden: the build's tool, not the user's
  const auto* root = &app;
  command->callback([root] {
    auto page = man_page(*root);
    std::fwrite(page.data(), 1, page.size(), stdout);
  });
}

}  // namespace crmexport::cmd
