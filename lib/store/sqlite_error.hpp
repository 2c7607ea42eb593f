#pragma once
// Internal to lib/store: turns SQLite exceptions into runtime Errors, so nothing throws out of
// the store and every failure names the file and what the user can do about it.
#include <filesystem>
#include <string_view>
#include <utility>

#include <SQLiteCpp/Exception.h>

#include "lib/core/error.hpp"

namespace crmexport::store {

// `doing` completes "could not ...", e.g. "save the connection 'main'". SQLite's own message is kept:
// it never holds bound values, so no secret can reach it.
Error sqlite_failure(const std::filesystem::path& path, std::string_view doing, const SQLite::Exception& e);

// Runs `body` (returning a Result) and turns a SQLite exception it throws into a runtime Error.
template <typename Body>
auto guard_sqlite(const std::filesystem::path& path, std::string_view doing, Body&& body) -> decltype(body()) {
  try {
    return std::forward<Body>(body)();
  } catch (const SQLite::Exception& e) {
    return std::unexpected(sqlite_failure(path, doing, e));
  }
}

}  // namespace crmexport::store
