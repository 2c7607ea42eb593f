#pragma once
// The cursor printed when an export stops early, and read back by --cursor. It is the paging
// strategy's position, plus a count of records to skip when the run stopped inside a page
// (--max-records), written "skip:K:POSITION". A position alone is a plain cursor.
#include <string>
#include <string_view>

#include "lib/core/error.hpp"

namespace crmexport::engine {

struct ResumePoint {
  std::string position;  // "" = the first page
  long skip = 0;         // records of that page already exported
};

std::string format_resume(const ResumePoint& point);
Result<ResumePoint> parse_resume(std::string_view cursor);

}  // namespace crmexport::engine
