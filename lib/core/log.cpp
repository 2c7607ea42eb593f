#include "lib/core/log.hpp"

#include <chrono>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lib/core/redact.hpp"
#include "lib/core/terminal.hpp"

namespace crmexport::log {
namespace {
Level g_level = Level::normal;
Format g_format = Format::text;
std::mutex g_connection_mutex;
std::string g_connection;
thread_local std::string t_type;
thread_local std::string t_connection;

std::string_view level_of(std::string_view prefix) {
  if (prefix == "error: ") return "error";
  if (prefix == "warning: ") return "warning";
  if (prefix == "debug: ") return "debug";
  return "info";
}

// Every message the user sees leaves through here, so this is where secrets a server echoed are
// removed (before anything is escaped, so that they are found as they were sent), and where its
// control characters and bad bytes are made inert (printable()): a message stays one line, and a
// server's text cannot send escape sequences to the user's terminal or to a log viewer.
std::string clean(std::string_view message) { return printable(redact::apply(std::string(message))); }

// One line as --log-format and stderr ask: a person at a terminal needs no timestamps, a log
// file does (cron mails and journald keep lines, not times of day).
std::string format_line(std::string_view level, std::string_view message, std::optional<int> exit_code) {
  std::string connection = t_connection;
  if (connection.empty()) {
    std::lock_guard lock(g_connection_mutex);
    connection = g_connection;
  }
  // Names come from a store that others may write (a shared PostgreSQL store): as inert as messages.
  connection = clean(connection);
  const std::string type = clean(t_type);
  Line line{std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()), level, message,
            connection, type, exit_code};
  if (g_format == Format::json) return format_json(line);
  static const bool timestamps = !terminal::stderr_is_terminal();
  if (t_connection.empty()) return format_text(line, timestamps);
  // The scoped type's lines begin "TYPE: " already (the engine's own wording); they become
  // "CONNECTION/TYPE: ", every other line "CONNECTION: ".
  const bool about_type = !type.empty() && message.starts_with(type) && message.substr(type.size()).starts_with(": ");
  const std::string headed = connection + (about_type ? "/" : ": ") + std::string(message);
  line.message = headed;
  return format_text(line, timestamps);
}

// stderr has one writer at a time; g_status is the block now drawn below the messages.
std::mutex g_output_mutex;
std::vector<std::string> g_status;

// Back to the block's first line, erasing only the block's own lines on the way up: the screen
// below or above it (another program's output in a shared terminal, a pager's line) is not ours
// to clear, so no erase-below, erase-screen or cursor-home.
std::string erase_status() {
  std::string out = g_status.empty() ? std::string() : std::string("\r");
  for (size_t i = 0; i < g_status.size(); ++i) out += "\033[A\033[2K";
  return out;
}

std::string draw_status() {
  std::string out;
  for (const auto& line : g_status) out += line + "\n";
  return out;
}

// One write per message: the block goes and comes back around it.
void emit(const std::string& line) {
  std::lock_guard lock(g_output_mutex);
  std::string out = erase_status() + line + draw_status();
  std::fwrite(out.data(), 1, out.size(), stderr);
}

}  // namespace

void set_level(Level new_level) { g_level = new_level; }
Level level() { return g_level; }
void set_format(Format format) { g_format = format; }

void set_connection(std::string name) {
  std::lock_guard lock(g_connection_mutex);
  g_connection = std::move(name);
}

TypeScope::TypeScope(std::string type)
    : m_outer(std::exchange(t_type, std::move(type))), m_exceptions(std::uncaught_exceptions()) {}

const std::string& scoped_type() { return t_type; }

TypeScope::~TypeScope() {
  if (std::uncaught_exceptions() > m_exceptions) return;  // the error is about this type: main says so
  t_type = std::move(m_outer);
}

ConnectionScope::ConnectionScope(std::string connection)
    : m_outer(std::exchange(t_connection, std::move(connection))) {}

ConnectionScope::~ConnectionScope() { t_connection = std::move(m_outer); }

const std::string& scoped_connection() { return t_connection; }

std::string subject(std::string_view type) {
  return t_connection.empty() ? std::string(type) : t_connection + "/" + std::string(type);
}

void write(std::string_view prefix, std::string_view message) {
  emit(format_line(level_of(prefix), clean(message), std::nullopt));
}

void show_status(std::vector<std::string> lines) {
  // The block's lines are made inert where they are rendered, fitted to the width; again here, as
  // every other text bound for stderr, in case a caller did not.
  for (auto& line : lines) line = printable(line);
  std::lock_guard lock(g_output_mutex);
  std::string out = erase_status();
  g_status = std::move(lines);
  out += draw_status();
  std::fwrite(out.data(), 1, out.size(), stderr);
}

void write_exit(std::string_view message, int exit_code) { emit(format_line("error", clean(message), exit_code)); }

}  // namespace crmexport::log
