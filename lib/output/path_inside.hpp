#pragma once
// The one check that a file or folder an export writes under `-o DIR/` stays inside DIR, as tar
// and git check the names they unpack: names from outside (connection names, types) become
// parts of paths, and none may climb out or start again from the root.
#include <filesystem>
#include <string_view>

#include "lib/core/error.hpp"

namespace crmexport::output {

// `dir / relative` (as joined, not rewritten) when every '/'-separated part of `relative` is a
// name (not empty, not "." or "..", no NUL) and the joined path, lexically normalised, is still
// under `dir`'s; else a usage error naming both. Lexical only: symbolic links are not followed.
Result<std::filesystem::path> path_inside(const std::filesystem::path& dir, std::string_view relative);

}  // namespace crmexport::output
