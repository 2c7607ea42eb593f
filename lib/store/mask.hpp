#pragma once
// Showing that a secret is set without showing the secret.
#include <string>
#include <string_view>

namespace crmexport::store {

// "" → "(none)"; fewer than 12 characters → "****"; otherwise the first 4 characters, "…", the
// last 4. Characters are UTF-8 code points, so a multi-byte character is never cut in half.
std::string mask_secret(std::string_view secret);

}  // namespace crmexport::store
