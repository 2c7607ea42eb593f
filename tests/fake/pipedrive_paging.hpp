#pragma once
// Which ids make up one page, for Pipedrive's two paging styles: v2 keyset cursors and v1
// start/limit offsets. Pure functions of the dataset and the request.

#include "tests/fake/pipedrive_dataset.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace crm_fake::pipedrive {

// The last record served: paging resumes strictly after (key, id) in the requested order.
struct CursorPosition {
  std::int64_t key = 0;
  std::int64_t id = 0;
};

struct PageRequest {
  RecordType type = RecordType::person;
  SortField sort = SortField::id;
  bool descending = false;
  std::int64_t limit = 100;
  std::optional<CursorPosition> after;
  std::optional<EpochSeconds> updated_since;  // update_time >= this
  std::optional<EpochSeconds> updated_until;  // update_time < this
  bool deleted_only = false;                  // deals' status=deleted: the deleted ones instead
};

struct CursorPage {
  std::vector<std::int64_t> ids;
  // Absent when nothing follows, including when the page is exactly full.
  std::optional<CursorPosition> next;
};

CursorPage select_cursor_page(const Dataset& dataset, const PageRequest& request);

struct OffsetPage {
  std::vector<std::int64_t> ids;
  bool more_items = false;
};

// Ids in ascending order, skipping `start` matches.
OffsetPage select_offset_page(const Dataset& dataset, RecordType type, std::int64_t start, std::int64_t limit,
                              std::optional<EpochSeconds> updated_since);

}  // namespace crm_fake::pipedrive
