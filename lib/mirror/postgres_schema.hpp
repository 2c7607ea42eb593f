#pragma once
// The PostgreSQL mirror's schema: the logical schema of schema.hpp in PostgreSQL's types
// (jsonb records and ids, timestamptz times), versioned in a schema_version table. Every DDL
// statement runs under one transaction-scoped advisory lock, so processes on several hosts
// starting at once never race to create the same table.
#include <string_view>

#include "lib/core/error.hpp"
#include "lib/pg/connection.hpp"

namespace crmexport::mirror {

// Brings the database to the latest schema version; returns it. A database written by a newer
// crmexport is refused rather than guessed at.
Result<int> migrate_postgres(pg::Connection& connection, std::string_view location);
int latest_postgres_schema_version();

// Creates the table for a provider type if missing and records it in mirror_tables.
Result<void> ensure_postgres_type_table(pg::Connection& connection, std::string_view provider, std::string_view type);

// The advisory lock every schema change takes (its transaction's end releases it).
inline constexpr std::string_view k_schema_lock_sql = "SELECT pg_advisory_xact_lock(7305142036284331569)";

}  // namespace crmexport::mirror
