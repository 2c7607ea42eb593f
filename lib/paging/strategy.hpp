#pragma once
// A paging strategy turns a position into query parameters and a page's envelope into the next
// position. Positions are text so they can be printed for --cursor and stored by sync; the empty
// position is the first page. Strategies do no I/O and keep no state between pages.
#include <rapidjson/document.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/http/url.hpp"
#include "lib/json/page.hpp"

namespace crmexport::paging {

using Query = http::Query;

class Strategy {
 public:
  virtual ~Strategy() = default;
  // Appends the parameters that ask for the page at `position` with `page_size` records.
  virtual Result<void> add_params(std::string_view position, int page_size, Query& query) const = 0;
  // The position of the page after `page` (which was asked for at `position`), or nullopt
  // when it was the last. Most strategies read the envelope; keyset paging reads the records.
  virtual Result<std::optional<std::string>> next(const json::Page& page, std::string_view position,
                                                  int page_size) const = 0;
  // The query parameters this strategy owns, on any page (a user may not set them).
  virtual std::vector<std::string> param_names() const = 0;
  // Whether next() reads the records themselves, not only the envelope and how many records there
  // are. Those that do not can name the next position from a skim of the page (json/skim.hpp),
  // before it is parsed.
  virtual bool reads_records() const { return false; }
};

// offset/limit: the position is the offset. Ends on an empty page, on reaching `total_at` when
// the provider reports a total, else on a short page (the page size must then be within the
// provider's cap, or a capped page would look short).
struct OffsetLimit {
  std::string offset_param = "offset";
  std::string limit_param = "limit";
  std::string total_at;  // JSON pointer to the total count; empty when the provider gives none
};

// page number: the position is the page number, counted from `first_page`.
struct PageNumber {
  std::string page_param = "page";
  std::string size_param = "per_page";
  int first_page = 1;
  std::string total_pages_at;  // JSON pointer; empty when absent
};

// start/next_start (Pipedrive v1): continues while `more_at` is true, from `next_start_at`.
struct StartNextStart {
  std::string start_param = "start";
  std::string limit_param = "limit";
  std::string more_at = "/additional_data/pagination/more_items_in_collection";
  std::string next_start_at = "/additional_data/pagination/next_start";
};

// Opaque cursor (Pipedrive v2 next_cursor, HubSpot paging.next.after, Keap next_page_token):
// continues while the cursor at `next_at` is present and not empty.
struct Cursor {
  std::string cursor_param;
  std::string limit_param;  // empty: the endpoint takes no page size (HubSpot's properties)
  std::string next_at;
};

// has-more + offset (HubSpot legacy): continues while `has_more_at` is true, from `offset_at`,
// whose value is opaque (HubSpot's vid-offset is an id, not a count).
struct HasMoreOffset {
  std::string offset_param;
  std::string limit_param;
  std::string has_more_at;
  std::string offset_at;
};

// Keyset paging by id (ActiveCampaign contacts: orders[id]=ASC with id_greater): the position is
// the id of the last record read, taken from the page's records, and each page asks for the
// records after it in ascending id order. Unlike an offset, that position does not move when
// records before it are deleted or records are added, so none is skipped or repeated. Ends on an
// empty page, when `total_at` (the count of records after the position) is covered, else on a
// short page.
struct IdKeyset {
  std::string after_param = "id_greater";
  std::string limit_param = "limit";
  std::string order_param;  // e.g. "orders[id]", sent with order_value on every page; empty: none
  std::string order_value = "ASC";
  std::string id_field = "id";
  std::string total_at;  // JSON pointer; empty when the provider gives none
};

std::shared_ptr<const Strategy> make(OffsetLimit config);
std::shared_ptr<const Strategy> make(IdKeyset config);
std::shared_ptr<const Strategy> make(PageNumber config);
std::shared_ptr<const Strategy> make(StartNextStart config);
std::shared_ptr<const Strategy> make(Cursor config);
std::shared_ptr<const Strategy> make(HasMoreOffset config);

}  // namespace crmexport::paging
