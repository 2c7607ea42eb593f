#include "lib/core/log.hpp"

#include <cstdio>
#include <string>

namespace crmexport::log {
namespace {
Level g_level = Level::normal;
}

void set_level(Level new_level) { g_level = new_level; }
Level level() { return g_level; }

void write(std::string_view prefix, std::string_view message) {
  std::string line = fmt::format("crmexport: {}{}\n", prefix, message);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace crmexport::log
