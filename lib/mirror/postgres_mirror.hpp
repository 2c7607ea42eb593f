#pragma once
// The mirror in PostgreSQL, for several processes and hosts sharing one database: the logical
// schema of the SQLite mirror (postgres_schema.hpp), one connection for writes, and per synced
// connection a session-level advisory lock held on a connection of its own (claim), which the
// server drops when that session ends, however the process ends.
#include <memory>
#include <string>

#include "lib/pg/connection.hpp"
#include "lib/mirror/mirror.hpp"

namespace crmexport::mirror {

class PostgresMirror final : public Mirror {
 public:
  // Connects to `uri` (postgresql:// or postgres://; the PG* environment variables fill what it
  // leaves out) and migrates the schema. A password in the URI is refused (usage error).
  static Result<std::unique_ptr<PostgresMirror>> open(const std::string& uri);

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
  Result<std::unique_ptr<Mirror>> open_writer() override;
  const std::string& location() const override { return m_uri; }

 private:
  PostgresMirror(std::string uri, pg::Connection connection)
      : m_uri(std::move(uri)), m_connection(std::move(connection)) {}
  Result<void> save_run(const TypeState& state, std::string_view doing);
  // Empties `seen_unchanged` of this connection's type: a run starts or ends.
  Result<void> forget_unchanged(const TypeState& state, std::string_view doing);

  std::string m_uri;
  pg::Connection m_connection;  // every write of this mirror; open_writer gives another
};

// The advisory-lock key of a connection name: FNV-1a (64 bits) of a crmexport namespace and the
// name, the same on every host and PostgreSQL version.
std::int64_t claim_key(std::string_view connection);

// A record's JSON as jsonb accepts it: PostgreSQL refuses \u0000 and unpaired surrogate escapes
// in jsonb, so those become \ufffd there (record_text keeps them).
std::string jsonb_compatible(std::string_view json);

}  // namespace crmexport::mirror
