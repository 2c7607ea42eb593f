#pragma once
// Checks a mirror's PROVIDER_TYPE_labeled view against the records export --labels writes,
// computed by the test itself: every column named like a member of the record's `container`
// (custom_fields, or HubSpot's properties) holds that member's value, a missing one NULL.
#include <SQLiteCpp/SQLiteCpp.h>
#include <rapidjson/document.h>

#include <map>
#include <string>
#include <vector>

#include "support/mirror_db.hpp"

namespace crmexport::testing {

// `expected` maps each record's id (as text) to its readable record; every row must be there.
// `names` are the columns to check: all the readable names the type has.
void check_labeled_view(SQLite::Database& database, const std::string& view, const std::string& connection,
                        const std::map<std::string, rapidjson::Document>& expected, const std::string& container,
                        const std::vector<std::string>& names);
// The same on either backend (PostgreSQL's view columns are text: numbers and booleans compare as
// their JSON text there).
void check_labeled_view(const MirrorDb& db, const std::string& view, const std::string& connection,
                        const std::map<std::string, rapidjson::Document>& expected, const std::string& container,
                        const std::vector<std::string>& names);

}  // namespace crmexport::testing
