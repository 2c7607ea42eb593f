#pragma once
// The mirror in a SQLite file (WAL): one sync at a time per file (lock.hpp), so claiming a
// connection always succeeds. The default for a --db that is not a postgresql:// URI.
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <string_view>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>

#include "lib/mirror/lock.hpp"
#include "lib/mirror/mirror.hpp"

namespace crmexport::mirror {

// Runs `body`, turning a SQLite exception into a runtime Error naming the mirror database.
template <typename Body>
auto guarded(const std::filesystem::path& path, std::string_view doing, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const SQLite::Exception& e) {
    return fail(ErrorKind::runtime,
                fmt::format("could not {} in the mirror database {}: {}", doing, path.string(), e.getErrorStr()));
  }
}

class SqliteMirror final : public Mirror {
 public:
  // Takes the file's lock (refusing at once when another sync holds it), then opens or creates
  // the file, switches it to WAL and migrates it. Nothing is touched when the lock is taken.
  static Result<std::unique_ptr<SqliteMirror>> open(const std::filesystem::path& path);

  Result<std::optional<ConnectionClaim>> claim(const std::string& connection) override;
  Result<TypeState> load(const std::string& connection, const std::string& provider, const std::string& type,
                         const std::string& api_version) override;
  Result<void> start_run(TypeState& state, RunMode mode, std::optional<TimePoint> since) override;
  Result<PageCounts> save_page(TypeState& state, std::span<const Record> records, const std::string& next_position,
                               std::optional<TimePoint> page_high_water) override;
  Result<long> mark_deleted(TypeState& state, std::span<const RecordId> ids) override;
  Result<long> finish_run(TypeState& state, bool swept) override;
  Result<FieldsSaved> save_fields(const std::string& connection, const std::string& provider,
                                  const std::string& type, const fields::FieldsSpec& spec,
                                  const std::vector<fields::Field>& fields) override;
  Result<void> save_field_values(const std::string& connection, const std::string& type,
                                 const std::unordered_map<std::string, std::string>& by_record,
                                 const std::vector<std::string>* ids) override;
  const std::string& location() const override { return m_location; }

  // For tests and tools that read the file directly.
  SQLite::Database& database() { return *m_database; }
  const std::filesystem::path& path() const { return m_path; }

 private:
  SqliteMirror(std::filesystem::path path, Lock lock, std::unique_ptr<SQLite::Database> database)
      : m_path(std::move(path)), m_location(m_path.string()), m_lock(std::move(lock)),
        m_database(std::move(database)) {}
  Result<void> save_run(const TypeState& state);

  std::filesystem::path m_path;
  std::string m_location;
  Lock m_lock;
  std::unique_ptr<SQLite::Database> m_database;
};

}  // namespace crmexport::mirror
