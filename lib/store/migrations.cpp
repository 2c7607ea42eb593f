#include "lib/store/migrations.hpp"

#include <array>
#include <string_view>

#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

namespace crmexport::store {

namespace {

// Step i takes the schema from version i to version i + 1. Append only: a released step never
// changes, because stores in the field have already applied it.
constexpr std::array<std::string_view, 1> k_migration_steps = {
    R"sql(
      CREATE TABLE connections(
        name TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        base_url TEXT NOT NULL DEFAULT '',
        api_version TEXT NOT NULL DEFAULT '',
        auth_kind TEXT NOT NULL,
        secret TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    )sql",
};

int read_user_version(SQLite::Database& database) { return database.execAndGet("PRAGMA user_version").getInt(); }

std::unexpected<Error> newer_than_known(const std::filesystem::path& path, int found, int latest) {
  return fail(ErrorKind::runtime,
              fmt::format("the credential store {} has schema version {}, newer than the {} this crmexport knows: "
                          "it was written by a newer crmexport; upgrade crmexport to use it",
                          path.string(), found, latest));
}

}  // namespace

int latest_schema_version() { return static_cast<int>(k_migration_steps.size()); }

Result<int> migrate(SQLite::Database& database, const std::filesystem::path& path) {
  const int latest = latest_schema_version();
  // Read first without a lock, so opening an up-to-date store never waits for a writer.
  const int found = read_user_version(database);
  if (found > latest) return newer_than_known(path, found, latest);
  for (int target = found + 1; target <= latest; ++target) {
    // IMMEDIATE takes the write lock before reading the version again: another crmexport migrating
    // the same store at the same time makes us wait, and we then skip the steps it applied.
    SQLite::Transaction transaction(database, SQLite::TransactionBehavior::IMMEDIATE);
    const int current = read_user_version(database);
    if (current > latest) return newer_than_known(path, current, latest);
    if (current >= target) continue;  // the transaction rolls back, having changed nothing
    database.exec(std::string(k_migration_steps[static_cast<std::size_t>(target - 1)]));
    database.exec(fmt::format("PRAGMA user_version = {}", target));
    transaction.commit();
  }
  return read_user_version(database);
}

}  // namespace crmexport::store
