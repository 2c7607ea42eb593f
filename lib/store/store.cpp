#include "lib/store/store.hpp"

#include "lib/store/migrations.hpp"
#include "lib/store/private_file.hpp"
#include "lib/store/sqlite_error.hpp"

namespace crmexport::store {

namespace {

// Long enough to ride out another crmexport saving a refreshed token; short enough to report a stuck one.
constexpr int k_busy_timeout_ms = 5000;
constexpr mode_t k_only_owner_umask = 077;

}  // namespace

Store::Store(std::filesystem::path path, std::unique_ptr<SQLite::Database> database, int schema_version)
    : m_path(std::move(path)), m_database(std::move(database)), m_schema_version(schema_version) {}

Result<Store> Store::open(const std::filesystem::path& path) {
  if (auto made = make_private_folders(path.parent_path()); !made) return std::unexpected(made.error());
  // The file exists with its final mode before SQLite sees it, so it is never briefly world-readable.
  if (auto made = make_private_file(path); !made) return std::unexpected(made.error());

  return guard_sqlite(path, "open it", [&]() -> Result<Store> {
    const ScopedUmask private_side_files(k_only_owner_umask);
    auto database = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE, k_busy_timeout_ms);
    // Deleted and replaced secrets are overwritten on disk instead of lingering in free pages.
    database->exec("PRAGMA secure_delete = ON");
    auto version = migrate(*database, path);
    if (!version) return std::unexpected(version.error());
    return Store(path, std::move(database), *version);
  });
}

}  // namespace crmexport::store
