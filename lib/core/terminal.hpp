#pragma once
// What stderr can show: control sequences only on a real terminal that understands them.
// crmexport prints no colour at all, so NO_COLOR holds whatever the terminal.
namespace crmexport::terminal {

// stderr is a terminal (a person is watching), not a file, a pipe or /dev/null.
bool stderr_is_terminal();
// Cursor controls (erase line) are allowed: stderr is a terminal and TERM is not "dumb".
bool controls_allowed();

}  // namespace crmexport::terminal
