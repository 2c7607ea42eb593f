#include <cstdlib>

#include "lib/store/store.hpp"

namespace crmexport::store {

namespace {

// Unset and empty mean the same: an empty variable is how a user unsets it in many shells' configs.
std::optional<std::filesystem::path> env_path(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::filesystem::path(value);
}

}  // namespace

Result<std::filesystem::path> Store::default_path() {
  if (auto explicit_path = env_path("CRMEXPORT_STORE")) return *explicit_path;
  // The XDG spec says to ignore a relative XDG_CONFIG_HOME.
  if (auto config_home = env_path("XDG_CONFIG_HOME"); config_home && config_home->is_absolute()) {
    return *config_home / "crmexport" / "store.db";
  }
  if (auto home = env_path("HOME")) return *home / ".config" / "crmexport" / "store.db";
  return fail(ErrorKind::runtime,
              "cannot tell where the credential store lives: none of CRMEXPORT_STORE, XDG_CONFIG_HOME and HOME is "
              "set; set one of them or pass --store");
}

}  // namespace crmexport::store
