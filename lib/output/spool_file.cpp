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

[[noreturn]] void throw_spool_error(std::string_view action) {
  const int error_number = errno != 0 ? errno : EIO;
  throw Fatal(ErrorKind::runtime, fmt::format("cannot {}: {}", action, std::strerror(error_number)));
}

}  // namespace

SpoolFile::SpoolFile() {
  errno = 0;
  m_file = std::tmpfile();
  if (m_file == nullptr) throw_spool_error("create the CSV spool file in /tmp (check that it exists and is writable)");
}

SpoolFile::~SpoolFile() {
  std::free(m_line);
  std::fclose(m_file);
}

void SpoolFile::append_line(std::string_view line) {
  write_all(m_file, line, k_write_spool);
  write_all(m_file, "\n", k_write_spool);
}

void SpoolFile::flush() { output::flush(m_file, k_write_spool); }

void SpoolFile::start_reading() {
  flush();
  errno = 0;
  if (std::fseek(m_file, 0, SEEK_SET) != 0) throw_spool_error(k_read_spool);
}

std::optional<std::string_view> SpoolFile::read_line() {
  errno = 0;
  const ssize_t length = ::getline(&m_line, &m_line_capacity, m_file);
  if (length < 0) {
    if (std::ferror(m_file)) throw_spool_error(k_read_spool);
    return std::nullopt;
  }
  std::string_view line(m_line, static_cast<size_t>(length));
  if (line.ends_with('\n')) line.remove_suffix(1);
  return line;
}

}  // namespace crmexport::output
