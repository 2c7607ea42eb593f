#include "lib/mirror/postgres_mirror.hpp"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <bit>
#include <cstdlib>

#include "lib/mirror/postgres_schema.hpp"
#include "lib/mirror/run_state.hpp"
#include "lib/mirror/schema.hpp"

namespace crmexport::mirror {
namespace {

// Times are stored as timestamptz and read back as RFC 3339 text, the form parse_time reads.
std::string utc(std::string_view column) {
  return fmt::format(R"(to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))", column);
}

pg::Param time_param(const std::optional<TimePoint>& time) {
  if (!time) return std::nullopt;
  return format_time(*time, TimeFormat::rfc3339);
}

std::optional<TimePoint> time_value(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  auto parsed = parse_time(*text, now_seconds());
  if (!parsed) return std::nullopt;
  return *parsed;
}

// The id as the jsonb the id column holds: 42, or "0042" for a string id.
std::string id_param(const RecordId& id) {
  if (const auto* number = std::get_if<std::int64_t>(&id)) return std::to_string(*number);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  const auto& text = std::get<std::string>(id);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return buffer.GetString();
}

int hex_value(std::string_view four) {
  int value = 0;
  for (char c : four) {
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

}  // namespace

std::int64_t claim_key(std::string_view connection) {
  std::uint64_t hash = 14695981039346656037ULL;
  auto mix = [&](std::string_view text) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 1099511628211ULL;
    }
  };
  mix("crmexport mirror connection");
  mix(std::string_view("\0", 1));
  mix(connection);
  return std::bit_cast<std::int64_t>(hash);
}

std::string jsonb_compatible(std::string_view json) {
  // Backslashes occur only inside JSON strings, each starting one escape.
  std::string out;
  out.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] != '\\' || i + 1 >= json.size()) {
      out += json[i];
      continue;
    }
    if (json[i + 1] != 'u' || i + 6 > json.size()) {
      out.append(json.substr(i, 2));
      ++i;
      continue;
    }
    int code = hex_value(json.substr(i + 2, 4));
    bool high = code >= 0xD800 && code <= 0xDBFF;
    bool paired = high && i + 12 <= json.size() && json.substr(i + 6, 2) == "\\u" &&
                  hex_value(json.substr(i + 8, 4)) >= 0xDC00 && hex_value(json.substr(i + 8, 4)) <= 0xDFFF;
    if (paired) {
      out.append(json.substr(i, 12));
      i += 11;
    } else if (code == 0 || (code >= 0xD800 && code <= 0xDFFF)) {
      out += "\\ufffd";
      i += 5;
    } else {
      out.append(json.substr(i, 6));
      i += 5;
    }
  }
  return out;
}

namespace {

pg::Target mirror_target(const std::string& uri) {
  return {"the mirror database", uri, "check --db and the PG* environment variables"};
}

}  // namespace

Result<std::unique_ptr<PostgresMirror>> PostgresMirror::open(const std::string& uri) {
  if (auto checked = pg::check_conninfo(uri, "--db"); !checked) return std::unexpected(checked.error());
  auto connection = pg::Connection::open(uri, mirror_target(uri));
  if (!connection) return std::unexpected(connection.error());
  if (auto version = migrate_postgres(*connection, uri); !version) return std::unexpected(version.error());
  return std::unique_ptr<PostgresMirror>(new PostgresMirror(uri, std::move(*connection)));
}

Result<std::unique_ptr<Mirror>> PostgresMirror::open_writer() {
  auto writer = open(m_uri);
  if (!writer) return std::unexpected(writer.error());
  return std::unique_ptr<Mirror>(std::move(*writer));
}

// A connection of its own: the lock lives exactly as long as that session, so neither a failed
// statement on the writing connection nor anything else can drop it early, and kill -9 drops it.
Result<std::optional<ConnectionClaim>> PostgresMirror::claim(const std::string& connection) {
  auto session = pg::Connection::open(m_uri, mirror_target(m_uri));
  if (!session) return std::unexpected(session.error());
  auto taken = session->exec(fmt::format("claim {}", connection), "SELECT pg_try_advisory_lock($1::bigint)",
                             {std::to_string(claim_key(connection))});
  if (!taken) return std::unexpected(taken.error());
  if (taken->text(0, 0) != "t") return std::optional<ConnectionClaim>();
  auto held = std::make_shared<pg::Connection>(std::move(*session));
  // Unlocked before the session closes: closing alone frees the lock only when the server has
  // noticed, and the next claim (another connection of `sync --all`, another host) may come first.
  return std::optional<ConnectionClaim>(ConnectionClaim([held, connection]() mutable {
    (void)held->exec("release the claim", "SELECT pg_advisory_unlock($1::bigint)",
                     {std::to_string(claim_key(connection))});
    held.reset();
  }));
}

Result<TypeState> PostgresMirror::load(const std::string& connection, const std::string& provider,
                                       const std::string& type, const std::string& api_version) {
  if (auto ensured = ensure_postgres_type_table(m_connection, provider, type); !ensured)
    return std::unexpected(ensured.error());
  auto rows = m_connection.exec(
      "read the sync state",
      fmt::format("SELECT api_version, {}, {}, run_id, run_mode, {}, coalesce(run_position, ''), {}, {}, {} FROM "
                  "sync_state WHERE connection = $1 AND type = $2",
                  utc("high_water"), utc("last_full_at"), utc("run_since"), utc("run_high_water"),
                  utc("run_started_at"), utc("last_complete_at")),
      {connection, type});
  if (!rows) return std::unexpected(rows.error());
  std::optional<SavedState> saved;
  if (rows->size() > 0)
    saved = SavedState{rows->text(0, 0),          time_value(rows->optional_text(0, 1)),
                       rows->optional_text(0, 2), std::stol(rows->text(0, 3)),
                       rows->optional_text(0, 4), time_value(rows->optional_text(0, 5)),
                       rows->text(0, 6),          time_value(rows->optional_text(0, 7)),
                       time_value(rows->optional_text(0, 8)), time_value(rows->optional_text(0, 9))};
  return loaded_state(connection, provider, type, api_version, table_name(provider, type), saved);
}

Result<void> PostgresMirror::save_run(const TypeState& state, std::string_view doing) {
  const bool open_run = state.run_mode.has_value();
  auto saved = m_connection.exec(doing, R"sql(
    INSERT INTO sync_state(connection, provider, type, api_version, high_water, last_full_at, run_id, run_mode,
                           run_since, run_position, run_high_water, run_started_at)
    VALUES($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7::bigint, $8, $9::timestamptz, $10,
           $11::timestamptz, $12::timestamptz)
    ON CONFLICT(connection, type) DO UPDATE SET
      provider = $2, api_version = $4, high_water = $5::timestamptz, last_full_at = $6::timestamptz,
      run_id = $7::bigint, run_mode = $8, run_since = $9::timestamptz, run_position = $10,
      run_high_water = $11::timestamptz, run_started_at = $12::timestamptz
  )sql",
                                 {state.connection, state.provider, state.type, state.api_version,
                                  time_param(state.high_water), state.last_full_at, std::to_string(state.run_id),
                                  open_run ? pg::Param(std::string(mode_name(*state.run_mode))) : std::nullopt,
                                  open_run ? time_param(state.run_since) : std::nullopt,
                                  open_run ? pg::Param(state.run_position) : std::nullopt,
                                  open_run ? time_param(state.run_high_water) : std::nullopt,
                                  open_run ? time_param(state.run_started_at) : std::nullopt});
  if (!saved) return std::unexpected(saved.error());
  return {};
}

Result<void> PostgresMirror::start_run(TypeState& state, RunMode mode, std::optional<TimePoint> since) {
  constexpr std::string_view doing = "start a run";
  auto next = begun(state, mode, since);
  auto transaction = pg::Transaction::begin(m_connection, doing);
  if (!transaction) return std::unexpected(transaction.error());
  if (auto forgotten = forget_unchanged(state, doing); !forgotten) return forgotten;  // an abandoned run's
  if (auto saved = save_run(next, doing); !saved) return saved;
  if (auto committed = transaction->commit(doing); !committed) return committed;
  state = std::move(next);
  return {};
}

Result<void> PostgresMirror::forget_unchanged(const TypeState& state, std::string_view doing) {
  auto rows = m_connection.exec(doing, "DELETE FROM seen_unchanged WHERE connection = $1 AND table_name = $2",
                                {state.connection, state.table});
  if (!rows) return std::unexpected(rows.error());
  return {};
}

Result<PageCounts> PostgresMirror::save_page(TypeState& state, std::span<const Record> records,
                                             const std::string& next_position,
                                             std::optional<TimePoint> page_high_water) {
  constexpr std::string_view doing = "save a page";
  // A page is one statement whose records arrive as text[] parameters in binary form: a round
  // trip a record made PostgreSQL five times slower than COPY (docs/BENCHMARKS.md), and binary
  // arrays beat a COPY into a temp table by the temp table's write and read. The CTEs all see the
  // table as it was before the upsert, so `before` says what each record replaced. It looks each
  // id up by the key: the page has no statistics, and a join planned on guesses would read every
  // row of the connection for every page. A record stored with the same text (and live) is not
  // written again, which would cost a new row version: its id goes to seen_unchanged, where the
  // sweep after a full pass finds it seen.
  const std::string upsert = fmt::format(R"sql(
    WITH page AS MATERIALIZED (
      SELECT id::jsonb AS id, updated_at, record, record_text
      FROM unnest($5::text[], $6::text[], $7::text[], $8::text[]) AS p(id, updated_at, record, record_text)),
    before AS (
      SELECT p.id, o.same, o.deleted FROM page p CROSS JOIN LATERAL (
        SELECT t.record_text = p.record_text AS same, t.deleted_at IS NOT NULL AS deleted
        FROM "{0}" t WHERE t.connection = $1 AND t.id = p.id LIMIT 1) o),
    saved AS (
      INSERT INTO "{0}"(connection, id, updated_at, synced_at, deleted_at, seen_run, record, record_text)
      SELECT $1, p.id, p.updated_at, $2::timestamptz, NULL, $3::bigint, coalesce(p.record, p.record_text)::jsonb,
             p.record_text
      FROM page p WHERE NOT EXISTS (SELECT FROM before b WHERE b.id = p.id AND b.same AND NOT b.deleted)
      ON CONFLICT(connection, id) DO UPDATE SET
        updated_at = excluded.updated_at, synced_at = excluded.synced_at, deleted_at = NULL,
        seen_run = excluded.seen_run, record = excluded.record, record_text = excluded.record_text
      RETURNING 1),
    unchanged AS (
      INSERT INTO seen_unchanged(connection, table_name, run_id, id)
      SELECT $1, $4, $3::bigint, id FROM before WHERE same AND NOT deleted
      ON CONFLICT DO NOTHING
      RETURNING 1)
    SELECT (SELECT count(*) FROM page) - (SELECT count(*) FROM before),
           (SELECT count(*) FROM before WHERE deleted OR NOT same)
  )sql",
                                         state.table);
  pg::TextArray ids, updated, compatible_records, texts;
  for (std::size_t i : last_copies(records)) {
    const auto& record = records[i];
    ids.push(id_param(record.id));
    updated.push(record.updated_at);
    // jsonb refuses \u0000 and lone surrogates that JSON text allows: only a record holding one
    // is sent twice, its jsonb form beside its exact text (NULL: the server reads the text).
    std::optional<std::string> compatible;
    if (record.json.find("\\u") != std::string::npos) compatible = jsonb_compatible(record.json);
    if (compatible == record.json) compatible.reset();
    compatible_records.push(compatible);
    texts.push(record.json);
  }
  auto transaction = pg::Transaction::begin(m_connection, doing);
  if (!transaction) return std::unexpected(transaction.error());
  // A page's commit does not wait for the disk to flush (4 ms of a page's 15 ms when measured):
  // should the server crash, the last pages are lost together with the position after them, and
  // the next sync reads them again. finish_run's commit waits, and with it every page before it.
  if (auto relaxed = m_connection.exec(doing, "SET LOCAL synchronous_commit = off"); !relaxed)
    return std::unexpected(relaxed.error());
  // Planned anew for each page: a plan cached while the table was small would scan it whole.
  auto saved = m_connection.exec_arrays(doing, upsert,
                                        {state.connection, now_text(), std::to_string(state.run_id), state.table},
                                        {&ids, &updated, &compatible_records, &texts});
  if (!saved) return std::unexpected(saved.error());
  PageCounts counts{std::stol(saved->text(0, 0)), std::stol(saved->text(0, 1))};
  auto next = advanced(state, next_position, page_high_water);
  if (auto kept = save_run(next, doing); !kept) return std::unexpected(kept.error());
  if (auto committed = transaction->commit(doing); !committed) return std::unexpected(committed.error());
  state = std::move(next);
  return counts;
}

Result<long> PostgresMirror::mark_deleted(TypeState& state, std::span<const RecordId> ids) {
  constexpr std::string_view doing = "mark deleted records";
  std::string listed = "[";
  for (const auto& id : ids) listed += (listed.size() > 1 ? "," : "") + id_param(id);
  listed += "]";
  auto rows = m_connection.exec(doing,
                                fmt::format(R"(UPDATE "{}" SET deleted_at = $1::timestamptz, synced_at = $1::timestamptz )"
                                            R"(WHERE connection = $2 AND deleted_at IS NULL AND id IN )"
                                            R"((SELECT jsonb_array_elements($3::jsonb)))",
                                            state.table),
                                {now_text(), state.connection, listed});
  if (!rows) return std::unexpected(rows.error());
  return rows->affected();
}

Result<long> PostgresMirror::finish_run(TypeState& state, bool swept) {
  constexpr std::string_view doing = "finish the run";
  auto transaction = pg::Transaction::begin(m_connection, doing);
  if (!transaction) return std::unexpected(transaction.error());
  long deleted = 0;
  const std::string at = now_text();
  if (swept) {
    // The sweep's anti-join is planned from seen_unchanged's size; autovacuum may not have looked
    // at it since the pages filled it, and a plan for an empty table would compare every row with
    // every id. (A role that does not own the table gets a notice and the old statistics.)
    if (auto analyzed = m_connection.exec(doing, "ANALYZE seen_unchanged"); !analyzed)
      return std::unexpected(analyzed.error());
    // Every live record this run did not see (the run id survives a resume) has gone upstream.
    auto rows = m_connection.exec(
        doing,
        fmt::format(R"(UPDATE "{}" t SET deleted_at = $1::timestamptz, synced_at = $1::timestamptz )"
                    R"(WHERE connection = $2 AND deleted_at IS NULL AND seen_run <> $3::bigint AND NOT EXISTS )"
                    R"((SELECT FROM seen_unchanged s WHERE s.connection = $2 AND s.table_name = $4 )"
                    R"(AND s.run_id = $3::bigint AND s.id = t.id))",
                    state.table),
        {at, state.connection, std::to_string(state.run_id), state.table});
    if (!rows) return std::unexpected(rows.error());
    deleted = rows->affected();
  }
  if (auto forgotten = forget_unchanged(state, doing); !forgotten) return std::unexpected(forgotten.error());
  auto next = ended(state, swept, at);
  if (auto saved = save_run(next, doing); !saved) return std::unexpected(saved.error());
  auto complete = m_connection.exec(
      doing, "UPDATE sync_state SET last_complete_at = $1::timestamptz WHERE connection = $2 AND type = $3",
      {at, state.connection, state.type});
  if (!complete) return std::unexpected(complete.error());
  if (auto committed = transaction->commit(doing); !committed) return std::unexpected(committed.error());
  state = std::move(next);
  return deleted;
}

}  // namespace crmexport::mirror
