#include "lib/store/sqlite_error.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

namespace crmexport::store {

namespace {

// What the user can do, by SQLite's primary result code.
std::string_view advice(int code) {
  switch (code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "another crmexport process kept it locked for more than 5 s; try again when it has finished";
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
    case SQLITE_AUTH:
      return "check that you own the file and its folder and may write to both, or choose another file with --store";
    case SQLITE_FULL:
      return "free some disk space and try again";
    case SQLITE_IOERR:
      return "check the disk holding it, then try again";
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return "the file is damaged or not a crmexport store; move it away "
             "or choose another file with --store";
    default:
      return "check the file, or choose another one with --store";
  }
}

}  // namespace

Error sqlite_failure(const std::filesystem::path& path, std::string_view doing, const SQLite::Exception& e) {
  const int primary_code = e.getErrorCode() & 0xFF;  // extended codes keep the primary code in the low byte
  return Error{
      ErrorKind::runtime,
      fmt::format("credential store {}: could not {} ({}); {}", path.string(), doing, e.what(), advice(primary_code)),
      0, std::nullopt};
}

}  // namespace crmexport::store
