#include "lib/core/log.hpp"

#include <cstdio>
#include <string>

#include "lib/core/redact.hpp"

namespace crmexport::log {
namespace {
Level g_level = Level::normal;
}

void set_level(Level new_level) { g_level = new_level; }
Level level() { return g_level; }

void write(std::string_view prefix, std::string_view message) {
  // Every line the user sees leaves here, so this is where secrets a server echoed are removed,
  // and where its control characters go: a message stays one line, and a server's text cannot
  // send escape sequences to the user's terminal.
  std::string line = redact::apply(fmt::format("crmexport: {}{}", prefix, message));
  for (char& c : line)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace crmexport::log
