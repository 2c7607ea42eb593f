#include "lib/output/spool_file.hpp"

#include <fmt/format.h>
#include <stdio.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "lib/core/error.hpp"
#include "lib/output/stream_io.hpp"

namespace crmexport::output {
namespace {

constexpr std::string_view k_write_spool = "write the CSV spool file in /tmp";
constexpr std::string_view k_read_spool = "read back the CSV spool file in /tmp";
// A borrowed spool is a partial output file, which the caller names in its message.
constexpr std::string_view k_write_borrowed = k_write_output;
constexpr std::string_view k_read_borrowed = "read back the CSV records kept for --resume";

[[noreturn]] void throw_spool_error(std::string_view action) {
  const int error_number = errno != 0 ? errno : EIO;
  throw Fatal(ErrorKind::runtime, fmt::format("cannot {}: {}", action, std::strerror(error_number)));
}

}  // namespace

SpoolFile::SpoolFile(std::FILE* borrowed) : m_file(borrowed), m_owned(borrowed == nullptr) {
  if (!m_owned) return;
  errno = 0;
  m_file = std::tmpfile();
  if (m_file == nullptr) throw_spool_error("create the CSV spool file in /tmp (check that it exists and is writable)");
}

SpoolFile::~SpoolFile() {
  std::free(m_line);
  if (m_owned) std::fclose(m_file);
}

void SpoolFile::append_line(std::string_view line) {
  const auto action = m_owned ? k_write_spool : k_write_borrowed;
  write_all(m_file, line, action);
  write_all(m_file, "\n", action);
}

void SpoolFile::flush() { output::flush(m_file, m_owned ? k_write_spool : k_write_borrowed); }

void SpoolFile::start_reading() {
  flush();
  errno = 0;
  if (std::fseek(m_file, 0, SEEK_SET) != 0) throw_spool_error(m_owned ? k_read_spool : k_read_borrowed);
}

void SpoolFile::continue_appending() {
  errno = 0;
  if (std::fseek(m_file, 0, SEEK_END) != 0) throw_spool_error(k_write_borrowed);
}

std::optional<std::string_view> SpoolFile::read_line() {
  errno = 0;
  const ssize_t length = ::getline(&m_line, &m_line_capacity, m_file);
  if (length < 0) {
    if (std::ferror(m_file)) throw_spool_error(m_owned ? k_read_spool : k_read_borrowed);
    return std::nullopt;
  }
  std::string_view line(m_line, static_cast<size_t>(length));
  if (line.ends_with('\n')) line.remove_suffix(1);
  return line;
}

}  // namespace crmexport::output
