#pragma once
// Records waiting for the CSV header. The header can only be written once every record has been
// seen, so the records wait in an anonymous temporary file (std::tmpfile, in /tmp, gone when
// closed even after a crash) instead of memory, which would grow with the export.
#include <cstdio>
#include <optional>
#include <string_view>

namespace crmexport::output {

class SpoolFile {
 public:
  // `borrowed`: nullptr to create the temporary file (throws Fatal(runtime) when it cannot); else
  // a file the caller owns and closes, positioned at its end.
  explicit SpoolFile(std::FILE* borrowed = nullptr);
  ~SpoolFile();
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;

  // Appends one line; `line` must not hold a newline.
  void append_line(std::string_view line);
  // Hands buffered lines to the kernel, so that a full disk is reported while the export runs.
  void flush();
  // Goes back to the first line: after the last append_line(), or to read a borrowed file's lines.
  void start_reading();
  // After reading a borrowed file's lines: appends go after them.
  void continue_appending();
  // The next line without its newline, valid until the next call; nullopt after the last one.
  std::optional<std::string_view> read_line();

 private:
  std::FILE* m_file = nullptr;
  bool m_owned = true;
  char* m_line = nullptr;  // getline's buffer: grows to the longest record, not with their number
  size_t m_line_capacity = 0;
};

}  // namespace crmexport::output
