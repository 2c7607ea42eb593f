#include "lib/output/stream_io.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "lib/core/error.hpp"
#include "lib/output/writer.hpp"

namespace crmexport::output {

WriteFailed::WriteFailed(std::string action, int error_number)
    : Fatal(ErrorKind::runtime, fmt::format("cannot {}: {}", action, std::strerror(error_number))),
      m_action(std::move(action)),
      m_error_number(error_number) {}

void throw_write_error(int error_number, std::string_view action) {
  if (error_number == EPIPE) throw BrokenPipe{};
  // stdio may fail without setting errno (rare); EIO still tells the user it was the output.
  if (error_number == 0) error_number = EIO;
  throw WriteFailed(std::string(action), error_number);
}

void write_all(std::FILE* out, std::string_view bytes, std::string_view action) {
  if (bytes.empty()) return;
  // Cleared first so that a stale errno from earlier work is never reported as the cause.
  errno = 0;
  if (std::fwrite(bytes.data(), 1, bytes.size(), out) != bytes.size()) throw_write_error(errno, action);
}

void flush(std::FILE* out, std::string_view action) {
  errno = 0;
  if (std::fflush(out) != 0) throw_write_error(errno, action);
}

}  // namespace crmexport::output
