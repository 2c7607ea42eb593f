#pragma once
// Provider pages written by hand for the engine's unit tests.
#include <fmt/format.h>

#include <initializer_list>
#include <string>

namespace crmexport::testing {

// A Pipedrive API v2 list page of records {"id":N}; `next_cursor` is JSON ("null" on the last).
inline std::string v2_page(std::initializer_list<int> ids, const char* next_cursor) {
  std::string data;
  for (int id : ids) data += (data.empty() ? "" : ",") + fmt::format(R"({{"id":{}}})", id);
  return fmt::format(R"({{"success":true,"data":[{}],"additional_data":{{"next_cursor":{}}}}})", data, next_cursor);
}

}  // namespace crmexport::testing
