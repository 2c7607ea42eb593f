#pragma once
// Messages for the user, always on stderr: stdout carries data only.
#include <fmt/format.h>

#include <string_view>

namespace crmexport::log {

enum class Level { quiet, normal, verbose };

void set_level(Level level);
Level level();

void write(std::string_view prefix, std::string_view message);

// Progress and notes: silenced by -q.
template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
  if (level() != Level::quiet) write("", fmt::format(format, std::forward<Args>(args)...));
}
// Something the user should know even with -q (data left out, a resume cursor).
template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
  write("warning: ", fmt::format(format, std::forward<Args>(args)...));
}
// Requests and retries: only with -v.
template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
  if (level() == Level::verbose) write("", fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace crmexport::log
