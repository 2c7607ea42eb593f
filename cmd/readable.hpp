#pragma once
// What the commands that write readable records (fields, export, sync) say alike about it; the
// field-metadata step itself is lib/engine/labels.hpp.

namespace crmexport::cmd {

// --refresh-names, on fields, export and sync alike.
inline constexpr const char* k_refresh_names_help =
    "name every field from its current label again (names are otherwise frozen at first sight)";

}  // namespace crmexport::cmd
