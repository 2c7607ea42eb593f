#pragma once
// Checked stdio for the writers. An export that silently loses bytes is worse than one that
// fails, so every write and flush is checked; a reader that went away (EPIPE, e.g. `| head`) is
// told apart so that main can end the run quietly.
#include <cstdio>
#include <string>
#include <string_view>

#include "lib/core/error.hpp"

namespace crmexport::output {

// The action named in a failure message: "cannot <action>: <reason>".
inline constexpr std::string_view k_write_output = "write output";

// A failed write or flush: Fatal(runtime) "cannot <action>: <reason>", with the action and errno
// kept so that the caller who knows the file's name can say it (a stream has no name).
class WriteFailed : public Fatal {
 public:
  WriteFailed(std::string action, int error_number);
  const std::string& action() const { return m_action; }
  int error_number() const { return m_error_number; }

 private:
  std::string m_action;
  int m_error_number;
};

// Writes all of `bytes`; throws BrokenPipe on EPIPE, Fatal(runtime) "cannot <action>: ..." otherwise.
void write_all(std::FILE* out, std::string_view bytes, std::string_view action = k_write_output);
// Hands stdio's buffer to the file descriptor; fails as write_all does.
void flush(std::FILE* out, std::string_view action = k_write_output);
// Throws WriteFailed (or BrokenPipe) for a failed stdio call that left `error_number` in errno.
[[noreturn]] void throw_write_error(int error_number, std::string_view action);

}  // namespace crmexport::output
