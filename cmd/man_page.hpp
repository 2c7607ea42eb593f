#pragma once
// The manual page crmexport(1), written from the same CLI11 definitions that print --help (every
// subcommand, option, description and example), so the two cannot drift apart. Only what --help
// has no place for (formats, exit status, environment, files) is written here.
#include <CLI/CLI.hpp>

#include <string>

namespace crmexport::cmd {

// The page in roff (man(7)), ready for `man -l`.
std::string man_page(const CLI::App& root);

}  // namespace crmexport::cmd
