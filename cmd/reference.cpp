#include "cmd/reference.hpp"

#include <array>

namespace crmexport::cmd {

std::span<const ExitCodeEntry> exit_codes() {
  // The numbers are exit_code(ErrorKind) (lib/core/error.cpp); a test checks they agree.
  static constexpr std::array k_codes = {
      ExitCodeEntry{"0", "Done (also when the reader of standard output closed the pipe early, when a --max-* "
                         "limit stopped the run between pages, and for crmexport alone or `crmexport help`, which "
                         "print the commands)."},
      ExitCodeEntry{"1", "Runtime error: disk, store, mirror database, network unreachable after retries, a TLS "
                         "certificate that does not verify."},
      ExitCodeEntry{"2", "Usage error: unknown command, flag, provider, connection, type, version or format; a bad "
                         "value; a store that does not exist; an output folder that does not exist. The message "
                         "lists what is allowed and the closest names."},
      ExitCodeEntry{"3", "Authentication: no connection for a provider, credentials rejected, or an OAuth refresh "
                         "refused."},
      ExitCodeEntry{"4", "Rate limit not recovered within the retry budget, or a wait longer than 5 minutes."},
      ExitCodeEntry{"5", "The provider failed: 5xx after retries, another 4xx, or a malformed answer."},
      ExitCodeEntry{"6", "With --strict: a type's record count differs from the total the provider reported."},
      ExitCodeEntry{"7", "A run over many connections (export or sync with --all or several names, auth test "
                         "--all): some connections failed, the others are done."},
      ExitCodeEntry{"130, 143", "Interrupted by SIGINT or SIGTERM."},
  };
  return k_codes;
}

std::span<const EnvironmentEntry> environment_variables() {
  static constexpr std::array k_variables = {
      EnvironmentEntry{"CRMEXPORT_STORE", "The credential store, when --store is not given."},
      EnvironmentEntry{"XDG_CONFIG_HOME",
                       "The store is $XDG_CONFIG_HOME/crmexport/store.db when neither of the above is set."},
      EnvironmentEntry{"CRMEXPORT_STORE_KEY",
                       "The key that encrypts the store's secrets (32 bytes as base64 or 64 hex digits; make one "
                       "with `crmexport auth keygen`)."},
      EnvironmentEntry{"CRMEXPORT_STORE_KEY_FILE",
                       "A file holding that key, readable by its owner only, when CRMEXPORT_STORE_KEY is not set."},
      EnvironmentEntry{"CRMEXPORT_TOKEN",
                       "The token for auth add when --token-stdin is not given. Secrets are never taken from "
                       "arguments."},
      EnvironmentEntry{"CRMEXPORT_CLIENT_SECRET", "The OAuth client secret for auth login."},
      EnvironmentEntry{"BROWSER", "The browser auth login opens (else xdg-open)."},
      EnvironmentEntry{"TERM, NO_COLOR",
                       "crmexport prints no colour. Status lines (one per type being read) are drawn with cursor "
                       "controls only on a terminal whose TERM is not \"dumb\"; with TERM=dumb, and in a file or a "
                       "pipe, only plain message lines are written."},
  };
  return k_variables;
}

}  // namespace crmexport::cmd
