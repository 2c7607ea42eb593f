#include "lib/core/interrupt.hpp"

#include <fmt/format.h>

#include <csignal>

namespace crmexport {
namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_signal(int signal_number) { g_signal = signal_number; }

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // SA_RESETHAND: a second Ctrl-C (an impatient user) takes the default action and kills at once.
  // No SA_RESTART: a blocking call returns EINTR rather than waiting on.
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int interrupt_signal() { return g_signal; }

Error interrupted_error() {
  return Error{ErrorKind::interrupted,
               fmt::format("interrupted by {}", interrupt_signal() == SIGTERM ? "SIGTERM" : "SIGINT"), 0,
               std::nullopt};
}

}  // namespace crmexport
