#pragma once
// Messages for the user, always on stderr: stdout carries data only.
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "lib/core/log_format.hpp"

namespace crmexport::log {

enum class Level { quiet, normal, verbose };

void set_level(Level level);
Level level();
// --log-format: text (timestamped when stderr is not a terminal) or one JSON object per line.
void set_format(Format format);

// The connection this run uses, named in JSON lines from now on.
void set_connection(std::string name);
// Names `type` in the JSON lines this thread writes while it lives, and in the error line that
// ends the run when it is left by that error (an exception).
class TypeScope {
 public:
  explicit TypeScope(std::string type);
  ~TypeScope();
  TypeScope(const TypeScope&) = delete;
  TypeScope& operator=(const TypeScope&) = delete;

 private:
  std::string m_outer;
  int m_exceptions;
};
// The type this thread's TypeScope names ("" outside one): for a helper thread working for it.
const std::string& scoped_type();

// The connection this thread works for in a run over many connections (`export --all`, `sync
// --all`): while it lives, its JSON lines name that connection, and its text lines are headed
// with it, "hs/contacts: ..." for a line about its scoped type and "hs: ..." for any other, so
// that the lines of connections run at once can be told apart. A helper thread working for it
// opens one of its own (run_parallel, FetchAhead).
class ConnectionScope {
 public:
  explicit ConnectionScope(std::string connection);
  ~ConnectionScope();
  ConnectionScope(const ConnectionScope&) = delete;
  ConnectionScope& operator=(const ConnectionScope&) = delete;

 private:
  std::string m_outer;
};
const std::string& scoped_connection();
// What a status line about `type` is headed with: "CONNECTION/TYPE" in a ConnectionScope, else TYPE.
std::string subject(std::string_view type);

// `prefix` is "error: ", "warning: ", "debug: " or "" (information).
void write(std::string_view prefix, std::string_view message);
// The error that ends the run, with the exit code it ends with.
void write_exit(std::string_view message, int exit_code);

// The status block (lib/engine/progress.hpp): lines kept below the messages on a terminal and
// redrawn in place; an empty list removes it. Every message erases the block, is written and
// draws it again, under the one lock that guards stderr, so messages and status lines never
// interleave. Lines must fit the terminal's width (a wrapped line would break the redraw) once
// made printable() (which show_status does again, escaping any control character a caller left).
// Draw one only where terminal::controls_allowed().
void show_status(std::vector<std::string> lines);

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
  if (level() == Level::verbose) write("debug: ", fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace crmexport::log
