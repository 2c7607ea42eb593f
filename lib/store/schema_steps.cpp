#include "lib/store/schema_steps.hpp"

#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

namespace crmexport::store {
namespace {

int read_user_version(SQLite::Database& database) { return database.execAndGet("PRAGMA user_version").getInt(); }

std::unexpected<Error> newer_than_known(const std::filesystem::path& path, const SchemaSteps& schema, int found) {
  return fail(ErrorKind::runtime,
              fmt::format("{} {} has schema version {}, newer than the {} this crmexport knows: it was written by a "
                          "newer crmexport; upgrade crmexport to {}",
                          schema.what, path.string(), found, schema.steps.size(), schema.to_use_it));
}

}  // namespace

Result<int> apply_schema_steps(SQLite::Database& database, const std::filesystem::path& path,
                               const SchemaSteps& schema) {
  const int latest = static_cast<int>(schema.steps.size());
  // Read first without a lock, so opening an up-to-date file never waits for a writer.
  const int found = read_user_version(database);
  if (found > latest) return newer_than_known(path, schema, found);
  for (int target = found + 1; target <= latest; ++target) {
    SQLite::Transaction transaction(database, SQLite::TransactionBehavior::IMMEDIATE);
    const int current = read_user_version(database);
    if (current > latest) return newer_than_known(path, schema, current);
    if (current >= target) continue;  // another process applied it; rolling back changes nothing
    database.exec(std::string(schema.steps[static_cast<std::size_t>(target - 1)]));
    database.exec(fmt::format("PRAGMA user_version = {}", target));
    transaction.commit();
  }
  return read_user_version(database);
}

}  // namespace crmexport::store
