#include "lib/mirror/sqlite_mirror.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

#include "lib/mirror/run_state.hpp"
#include "lib/mirror/schema.hpp"

namespace crmexport::mirror {
namespace {

// A sync holds the lock file, so only readers (sqlite3, reports) can contend: wait them out.
constexpr int k_busy_timeout_ms = 10000;

std::optional<TimePoint> time_column(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  auto parsed = parse_time(column.getString(), now_seconds());
  if (!parsed) return std::nullopt;
  return *parsed;
}

std::optional<std::string> text_column(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getString();
}

void bind_time(SQLite::Statement& statement, int index, const std::optional<TimePoint>& time) {
  if (time)
    statement.bind(index, format_time(*time, TimeFormat::rfc3339));
  else
    statement.bind(index);
}

void bind_id(SQLite::Statement& statement, int index, const RecordId& id) {
  if (const auto* number = std::get_if<std::int64_t>(&id))
    statement.bind(index, static_cast<std::int64_t>(*number));
  else
    statement.bind(index, std::get<std::string>(id));
}

}  // namespace

Result<std::unique_ptr<SqliteMirror>> SqliteMirror::open(const std::filesystem::path& path) {
  // The lock comes first: a refused second sync must not even migrate the file.
  auto lock = Lock::take(path);
  if (!lock) return std::unexpected(lock.error());
  // The mirror holds the account's records (people, e-mails): readable by its owner only. A file
  // that exists keeps the mode its owner gave it.
  if (int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600); fd >= 0) ::close(fd);
  return guarded(path, "open it", [&]() -> Result<std::unique_ptr<SqliteMirror>> {
    auto database =
        std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, k_busy_timeout_ms);
    database->exec("PRAGMA journal_mode = WAL");
    // NORMAL in WAL mode: a killed process loses nothing committed and the file is never
    // corrupt; a power cut may lose the last pages, which the next run reads again. FULL would
    // fsync every page and make a sync several times slower.
    database->exec("PRAGMA synchronous = NORMAL");
    auto version = migrate(*database, path);
    if (!version) return std::unexpected(version.error());
    return std::unique_ptr<SqliteMirror>(new SqliteMirror(path, std::move(*lock), std::move(database)));
  });
}

// The file lock taken by open already keeps every other process out of the whole database.
Result<std::optional<ConnectionClaim>> SqliteMirror::claim(const std::string&) {
  return std::optional<ConnectionClaim>(ConnectionClaim{});
}

Result<TypeState> SqliteMirror::load(const std::string& connection, const std::string& provider,
                                     const std::string& type, const std::string& api_version) {
  return guarded(m_path, "read the sync state", [&]() -> Result<TypeState> {
    ensure_type_table(*m_database, provider, type);
    SQLite::Statement query(*m_database,
                            "SELECT api_version, high_water, last_full_at, run_id, run_mode, run_since, run_position, "
                            "run_high_water, run_started_at, last_complete_at FROM sync_state WHERE connection = ? AND type = ?");
    query.bind(1, connection);
    query.bind(2, type);
    std::optional<SavedState> saved;
    if (query.executeStep())
      saved = SavedState{query.getColumn(0).getString(),  time_column(query.getColumn(1)),
                         text_column(query.getColumn(2)), static_cast<long>(query.getColumn(3).getInt64()),
                         text_column(query.getColumn(4)), time_column(query.getColumn(5)),
                         query.getColumn(6).getString(),  time_column(query.getColumn(7)),
                         time_column(query.getColumn(8)),  time_column(query.getColumn(9))};
    return loaded_state(connection, provider, type, api_version, table_name(provider, type), saved);
  });
}

Result<void> SqliteMirror::save_run(const TypeState& state) {
  SQLite::Statement upsert(*m_database, R"sql(
    INSERT INTO sync_state(connection, provider, type, api_version, high_water, last_full_at, run_id, run_mode,
                           run_since, run_position, run_high_water, run_started_at)
    VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
    ON CONFLICT(connection, type) DO UPDATE SET
      provider = ?2, api_version = ?4, high_water = ?5, last_full_at = ?6, run_id = ?7, run_mode = ?8,
      run_since = ?9, run_position = ?10, run_high_water = ?11, run_started_at = ?12
  )sql");
  upsert.bind(1, state.connection);
  upsert.bind(2, state.provider);
  upsert.bind(3, state.type);
  upsert.bind(4, state.api_version);
  bind_time(upsert, 5, state.high_water);
  if (state.last_full_at)
    upsert.bind(6, *state.last_full_at);
  else
    upsert.bind(6);
  upsert.bind(7, static_cast<std::int64_t>(state.run_id));
  if (state.run_mode) {
    upsert.bind(8, std::string(mode_name(*state.run_mode)));
    bind_time(upsert, 9, state.run_since);
    upsert.bind(10, state.run_position);
    bind_time(upsert, 11, state.run_high_water);
    bind_time(upsert, 12, state.run_started_at);
  } else {
    for (int i = 8; i <= 12; ++i) upsert.bind(i);
  }
  upsert.exec();
  return {};
}

Result<void> SqliteMirror::start_run(TypeState& state, RunMode mode, std::optional<TimePoint> since) {
  return guarded(m_path, "start a run", [&]() -> Result<void> {
    auto next = begun(state, mode, since);
    SQLite::Transaction transaction(*m_database, SQLite::TransactionBehavior::IMMEDIATE);
    if (auto saved = save_run(next); !saved) return saved;
    transaction.commit();
    state = std::move(next);
    return {};
  });
}

Result<PageCounts> SqliteMirror::save_page(TypeState& state, std::span<const Record> records,
                                           const std::string& next_position,
                                           std::optional<TimePoint> page_high_water) {
  return guarded(m_path, "save a page", [&]() -> Result<PageCounts> {
    PageCounts counts;
    SQLite::Transaction transaction(*m_database, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement existing(
        *m_database,
        fmt::format(R"(SELECT record, deleted_at FROM "{}" WHERE connection = ? AND id = ?)", state.table));
    SQLite::Statement upsert(*m_database, fmt::format(R"sql(
      INSERT INTO "{}"(connection, id, updated_at, synced_at, deleted_at, seen_run, record)
      VALUES(?1, ?2, ?3, ?4, NULL, ?5, ?6)
      ON CONFLICT(connection, id) DO UPDATE SET
        updated_at = ?3, synced_at = ?4, deleted_at = NULL, seen_run = ?5, record = ?6
    )sql",
                                                      state.table));
    const std::string synced_at = now_text();
    for (std::size_t i : last_copies(records)) {
      const auto& record = records[i];
      existing.bind(1, state.connection);
      bind_id(existing, 2, record.id);
      std::optional<StoredRecord> before;
      if (existing.executeStep())
        before = StoredRecord{existing.getColumn(0).getString(), !existing.getColumn(1).isNull()};
      count_record(counts, before, record.json);
      existing.reset();

      upsert.bind(1, state.connection);
      bind_id(upsert, 2, record.id);
      if (record.updated_at)
        upsert.bind(3, *record.updated_at);
      else
        upsert.bind(3);
      upsert.bind(4, synced_at);
      upsert.bind(5, static_cast<std::int64_t>(state.run_id));
      upsert.bind(6, record.json);
      upsert.exec();
      upsert.reset();
    }
    auto next = advanced(state, next_position, page_high_water);
    if (auto saved = save_run(next); !saved) return std::unexpected(saved.error());
    transaction.commit();
    state = std::move(next);
    return counts;
  });
}

Result<long> SqliteMirror::mark_deleted(TypeState& state, std::span<const RecordId> ids) {
  return guarded(m_path, "mark deleted records", [&]() -> Result<long> {
    SQLite::Transaction transaction(*m_database, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement update(*m_database, fmt::format(R"(UPDATE "{}" SET deleted_at = ?, synced_at = ? )"
                                                      R"(WHERE connection = ? AND id = ? AND deleted_at IS NULL)",
                                                      state.table));
    const std::string at = now_text();
    long changed = 0;
    for (const auto& id : ids) {
      update.bind(1, at);
      update.bind(2, at);
      update.bind(3, state.connection);
      bind_id(update, 4, id);
      changed += update.exec();
      update.reset();
    }
    transaction.commit();
    return changed;
  });
}

Result<long> SqliteMirror::finish_run(TypeState& state, bool swept) {
  return guarded(m_path, "finish the run", [&]() -> Result<long> {
    SQLite::Transaction transaction(*m_database, SQLite::TransactionBehavior::IMMEDIATE);
    long deleted = 0;
    const std::string at = now_text();
    if (swept) {
      // Every live record this run did not see (the run id survives a resume) has gone upstream.
      SQLite::Statement sweep(*m_database,
                              fmt::format(R"(UPDATE "{}" SET deleted_at = ?1, synced_at = ?1 )"
                                          R"(WHERE connection = ?2 AND deleted_at IS NULL AND seen_run <> ?3)",
                                          state.table));
      sweep.bind(1, at);
      sweep.bind(2, state.connection);
      sweep.bind(3, static_cast<std::int64_t>(state.run_id));
      deleted = sweep.exec();
    }
    auto next = ended(state, swept, at);
    if (auto saved = save_run(next); !saved) return std::unexpected(saved.error());
    SQLite::Statement complete(*m_database,
                               "UPDATE sync_state SET last_complete_at = ? WHERE connection = ? AND type = ?");
    complete.bind(1, at);
    complete.bind(2, state.connection);
    complete.bind(3, state.type);
    complete.exec();
    transaction.commit();
    state = std::move(next);
    return deleted;
  });
}

}  // namespace crmexport::mirror
