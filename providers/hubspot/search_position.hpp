#pragma once
// Where a HubSpot --since read stands, as printable text for --cursor.
//
// Why this state: search stops at 10,000 results per query (FACTS HubSpot §3, §5) and sorts by
// one property. So the export reads windows sorted by modification time; when a window reaches
// the cap, the records of its last timestamp T are finished by a keyset walk over hs_object_id
// (filter time == T and id > last, sorted by id) skipping the ids the window had already
// exported at T, then a new window starts at time > T. Nothing is lost or repeated however many
// records share a timestamp.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/error.hpp"
#include "providers/provider.hpp"

namespace crmexport::providers::hubspot {

inline constexpr int64_t k_search_cap = 10000;  // results per search query (FACTS §3)

struct SearchPosition {
  bool ties = false;
  int64_t bound = 0;             // window: lower bound in ms; ties: the shared timestamp
  bool strict = false;           // window: time > bound rather than >=
  int64_t read = 0;              // window: records read in it
  int64_t last_time = -1;        // window: latest time read in it
  std::string last_id;           // ties: go on after this id
  std::vector<std::string> ids;  // window: ids read at last_time; ties: ids already exported
  std::string after;             // window: HubSpot's cursor within the window

  std::string text() const;
};

// The empty position is the first window, from --since.
Result<SearchPosition> parse_search_position(std::string_view text, const ReadAsk& ask);

// A window's last page asks only for what the cap leaves: never a page reaching past 10,000.
int search_limit(const ReadAsk& ask, const SearchPosition& p);

// HubSpot's decimal ids (no leading zeros) in numeric order.
bool id_less(std::string_view a, std::string_view b);

}  // namespace crmexport::providers::hubspot
