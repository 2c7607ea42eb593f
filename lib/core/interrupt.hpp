#pragma once
// SIGINT and SIGTERM end an export or a sync at the next safe point instead of killing it where it
// stands: the handler only records the signal; the page loop checks between pages, the transport
// aborts a transfer in flight, sleeps wake early. The run then unwinds as an Error of kind
// `interrupted`: temporary files are removed by their owners, the resume point is printed, and
// the exit code is 128 + the signal (130, 143), as a shell reports a process the signal killed.
#include <string>

#include "lib/core/error.hpp"

namespace crmexport {

// Installs the handlers. The same signal a second time kills at once, as it would by default.
void install_interrupt_handlers();
// The signal that asked the run to stop, or 0.
int interrupt_signal();
inline bool interrupted() { return interrupt_signal() != 0; }
// "interrupted by SIGINT" (or SIGTERM): the Error every layer returns once interrupted.
Error interrupted_error();

}  // namespace crmexport
