#pragma once
// Checked stdio for the writers. An export that silently loses bytes is worse than one that
// fails, so every write and flush is checked; a reader that went away (EPIPE, e.g. `| head`) is
// told apart so that main can end the run quietly.
#include <cstdio>
#include <string_view>

namespace crmexport::output {

// The action named in a failure message: "cannot <action>: <reason>".
inline constexpr std::string_view k_write_output = "write output";

// Writes all of `bytes`; throws BrokenPipe on EPIPE, Fatal(runtime) "cannot <action>: ..." otherwise.
void write_all(std::FILE* out, std::string_view bytes, std::string_view action = k_write_output);
// Hands stdio's buffer to the file descriptor; fails as write_all does.
void flush(std::FILE* out, std::string_view action = k_write_output);
// Throws for a failed stdio call that left `error_number` in errno.
[[noreturn]] void throw_write_error(int error_number, std::string_view action);

}  // namespace crmexport::output
