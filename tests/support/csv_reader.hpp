#pragma once
// A small RFC 4180 reader for checking CSV output independently of the writer that made it.
#include <string>
#include <vector>

namespace crmexport::testing {

std::vector<std::vector<std::string>> parse_csv(const std::string& text);

}  // namespace crmexport::testing
