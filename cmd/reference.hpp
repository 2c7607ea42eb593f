#pragma once
// The exit codes and environment variables crmexport documents, one table each: the man page is
// written from them, and the tests check that docs/USAGE.md names every entry, so neither drifts.
#include <span>
#include <string_view>

namespace crmexport::cmd {

struct ExitCodeEntry {
  std::string_view codes;    // "2", or "130, 143"
  std::string_view meaning;  // one paragraph, plain text
};

struct EnvironmentEntry {
  std::string_view name;
  std::string_view meaning;
};

std::span<const ExitCodeEntry> exit_codes();
std::span<const EnvironmentEntry> environment_variables();

}  // namespace crmexport::cmd
