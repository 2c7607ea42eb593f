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

// Whether a view's cell holds the readable record's `value`: as text, or as a typed column holds
// it (a number, an instant in UTC to the millisecond, a boolean as 1/0 or t/f, money as its
// amount); arrays and objects as their JSON.
bool view_cell_holds(const rapidjson::Value& value, const std::string& cell);

// `expected` maps each record's id (as text) to its readable record; every row must be there.
// `names` are the columns to check: all the readable names the type has.
void check_labeled_view(SQLite::Database& database, const std::string& view, const std::string& connection,
                        const std::map<std::string, rapidjson::Document>& expected, const std::string& container,
                        const std::vector<std::string>& names);
// The same on either backend. A typed column's cell matches the record's text as the column holds
// it: "1234.50" as the number 1234.5, an ISO 8601 instant in UTC, a boolean as 1/0 or t/f.
void check_labeled_view(const MirrorDb& db, const std::string& view, const std::string& connection,
                        const std::map<std::string, rapidjson::Document>& expected, const std::string& container,
                        const std::vector<std::string>& names);

}  // namespace crmexport::testing
