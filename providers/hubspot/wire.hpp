#pragma once
// HubSpot's wire details that are not a table: error bodies, the 429 policies, record ids and
// times, and the JSON bodies of search and batch/read.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/http/message.hpp"

namespace crmexport::providers::hubspot {

// HubSpot's own words from an error body; for a DAILY 429 also what it means and when it ends.
std::string error_message(const http::Response& response);
// A 429 whose policyName is DAILY: no wait within a run cures it (FACTS HubSpot §4).
bool is_daily_limit(const http::Response& response);

// The record's "id" (a string in CRM v3) and one of its properties, read from record text.
std::optional<std::string> record_id(std::string_view record);
std::optional<std::string> record_property(std::string_view record, std::string_view name);
// "2024-03-05T10:11:12.345Z" (or without the fraction) as milliseconds since the epoch.
std::optional<int64_t> parse_iso_millis(std::string_view text);

// One search filter: propertyName, operator, value.
struct Filter {
  std::string property;
  std::string op;
  std::string value;
};
// The body of POST /crm/v3/objects/{type}/search (FACTS HubSpot §3, §5).
std::string search_body(const std::vector<Filter>& filters, std::string_view sort_property,
                        const std::vector<std::string>& properties, int limit, std::string_view after);
// The body of POST /crm/v3/objects/{type}/batch/read.
std::string batch_read_body(const std::vector<std::string>& properties, const std::vector<std::string>& ids);

}  // namespace crmexport::providers::hubspot
