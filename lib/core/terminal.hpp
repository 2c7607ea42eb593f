#pragma once
// What stderr can show: control sequences only on a real terminal that understands them.
// crmexport prints no colour at all, so NO_COLOR holds whatever the terminal.
namespace crmexport::terminal {

// stderr is a terminal (a person is watching), not a file, a pipe or /dev/null.
bool stderr_is_terminal();
// Cursor controls (erase line) are allowed: stderr is a terminal and TERM is not "dumb".
bool controls_allowed();
// stdout and stderr are one terminal (the same device): records written to stdout would land
// among the lines drawn on stderr.
bool stdout_shares_stderr_terminal();
// Columns of the terminal on stderr (TIOCGWINSZ; COLUMNS, then 80, when it does not say).
int stderr_columns();
// Rows of that terminal (LINES, then 24, when it does not say).
int stderr_rows();

}  // namespace crmexport::terminal
