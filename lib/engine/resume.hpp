#pragma once
// The cursor printed when an export stops early, and read back by --cursor. It is the paging
// strategy's position, plus a count of records to skip when the run stopped inside a page
// (--max-records), behind the name of what it belongs to:
// "pipedrive.v2.persons:POSITION" or "pipedrive.v2.persons:skip:K:POSITION". A position means
// nothing to another type (an offset of deals is not one of persons; a v1 offset is not a v2
// cursor), so a cursor is accepted only by the provider, API version and type it was printed for.
// Bare cursors (from crmexport before the name was added) are refused: their type cannot be checked.
#include <string>
#include <string_view>

#include "lib/core/error.hpp"

namespace crmexport::engine {

struct ResumePoint {
  std::string position;  // "" = the first page
  long skip = 0;         // records of that page already exported
};

// "provider.version.type": what a cursor belongs to.
std::string cursor_owner(std::string_view provider, std::string_view api_version, std::string_view type);
std::string format_resume(std::string_view owner, const ResumePoint& point);
// Usage error when the cursor is unreadable or belongs to another owner. "" is the first page.
Result<ResumePoint> parse_resume(std::string_view cursor, std::string_view owner);

}  // namespace crmexport::engine
