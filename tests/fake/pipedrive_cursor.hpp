#pragma once
// Pipedrive v2's opaque cursor. Shaped like the real one (base64url of
// {"field":"id","fieldValue":7,"sortDirection":"asc","id":7}) so that a client which peeks
// inside sees what it would see in production, though it should not peek.

#include "tests/fake/pipedrive_paging.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace crm_fake::pipedrive {

std::string_view sort_field_name(SortField field);
std::optional<SortField> sort_field_from_name(std::string_view name);

std::string encode_cursor(SortField field, bool descending, const CursorPosition& position);

// Fails on text that is not a cursor, and on a cursor made for another sort order: resuming
// a different ordering would silently skip or repeat records.
std::optional<CursorPosition> decode_cursor(std::string_view text, SortField field, bool descending);

}  // namespace crm_fake::pipedrive
