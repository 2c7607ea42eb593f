#pragma once
// Object types as rows: what the fake needs to serve one object type of one CRM, as data, so that
// adding a type is one row and not a handler. The machinery here is written once for every row:
// filters, orders, the limit rules and one implementation per paging kind (which records a page
// holds, and the metadata its envelope carries). A provider keeps as code only what its API
// really does differently: auth, rate limits, error shapes, special endpoints, side-loads that
// depend on the request. Pure functions, no I/O: tests/unit/test_fake_table.cpp checks them.

#include "tests/fake/json_util.hpp"
#include "tests/fake/time_format.hpp"

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crm_fake::table {

enum class Provider { pipedrive, hubspot, activecampaign, keap };
std::string_view provider_name(Provider provider);  // the URL prefix and dump folder: "activecampaign"

// One field of a record, in the order the API sends them. `raw` holds JSON written as it is
// (numbers, booleans, arrays, objects); otherwise `text` is a string, or null when absent.
struct Field {
  std::string key;
  std::optional<std::string> text;
  std::string raw;
};

struct Record {
  std::int64_t id = 0;
  std::vector<Field> fields;
  const Field* field(std::string_view key) const;
  Field* field(std::string_view key);
};

// The record's JSON, the same bytes for an answer and the dump.
std::string record_json(const Record& record);

// Which position a list request names and where its answer says the next one. Every row of a
// kind shares the one implementation in object_table.cpp.
enum class PagingKind {
  // ActiveCampaign: limit + offset; {KEY: [...], "meta": {"total": "N", "page_input": {limit, offset}}}.
  offset_total,
  // Pipedrive v1: start + limit; "additional_data": {"pagination": {start, limit,
  // more_items_in_collection, next_start (only when more)}}.
  start_more,
  // Pipedrive v2: cursor naming the last record served (its sort value and id), so records
  // added or deleted meanwhile shift nothing; "additional_data": {"next_cursor": "..." | null}.
  // The text is Pipedrive's: base64url of {"field","fieldValue","sortDirection","id"}.
  keyset_cursor,
  // HubSpot v3: after (an offset, as HubSpot's own cursors look); "paging": {"next": {"after",
  // "link"}} left out on the last page.
  after_offset,
  // Keap v2: page_token (opaque: base64url of "o:OFFSET"); "next_page_token": "" on the last page.
  page_token,
  // Keap v1: offset + limit; "count" (all matching), "next" and "previous" URLs, both always
  // (next past the end on the last page, previous clamped at offset 0); the path given is absolute.
  offset_count,
};

// What a limit outside min..max does: capped silently (ActiveCampaign, Pipedrive v1, Keap v1) or
// refused with the provider's 400 (Pipedrive v2, HubSpot, Keap v2).
enum class OverLimit { cap, refuse };

struct Limits {
  std::int64_t default_size = 100;
  std::int64_t min_size = 1;
  std::int64_t max_size = 100;
  OverLimit out_of_range = OverLimit::refuse;
  bool zero_is_default = false;  // Keap v2: page_size 0 means the default
};

enum class Compare {
  equals,        // text equality; a record without the field is kept (the filter does not apply)
  at_or_after,   // times: >=
  at_or_before,  // times: <=
  before,        // times: < (Pipedrive's updated_until)
  greater,       // integers: > (ActiveCampaign's id_greater)
};

// A query parameter that narrows the list, and the record field it compares.
struct Filter {
  std::string param;  // the whole query key: "filters[updated_after]", "updated_since", "id_greater"
  std::string field;  // "udate"; times are read as RFC3339 (any offset), integers as decimal text
  Compare compare = Compare::equals;
};

// A name a client may sort by (Pipedrive's sort_by, Keap's order_by) and the field behind it.
struct SortKey {
  std::string name;
  std::string field;
};

// A field of this type holding the id of a record of another type (a deal's contact).
struct Link {
  std::string field;
  std::string type;  // the other row's name
};

// Records of another type that come along beside the records (not records of this type).
struct SideLoad {
  std::string key;  // the member beside the records: "dealStages"
  bool before_records = false;
  std::string type;        // "" for a collection that is always empty (contacts' scoreValues)
  std::string link_field;  // that type's field holding a listed record's id: "group"
};

// Where the records and the paging metadata sit in a list answer.
struct Envelope {
  std::string records_key;  // "contacts", "results", "data"
  std::vector<SideLoad> side_loads;
  std::string next_link_base;  // after_offset's paging.next.link: base + path + "?after=N"
};

// What deleting a record (the admin route, churn) does to the lists.
enum class Deletion {
  hard,            // gone from every list (ActiveCampaign, Keap: no deleted-records endpoint)
  archived_list,   // listed again only when the query asks for archived records (HubSpot archived=true)
  status_deleted,  // kept with a status the query can ask for (Pipedrive deals' status=deleted)
};

// What a record generator is asked for. Times, when set, replace the generated ones (a record
// added or modified through the admin routes is changed "now"); the random draws stay the same.
struct Generation {
  std::uint64_t seed = 1;
  std::int64_t records = 0;  // records per type: links are drawn from 1..records
  std::optional<EpochSeconds> created_at;
  std::optional<EpochSeconds> updated_at;
};

// A record as a pure function of (dataset, id): deterministic from the seed.
using Generator = Record (*)(const Generation& generation, std::int64_t id);

// One object type of one CRM.
struct ObjectType {
  Provider provider = Provider::activecampaign;
  std::string name;  // crmexport's type name: the dump file and the admin routes' TYPE ("pipelines")
  // The list path per API version, below the provider's API root: {"3", "dealGroups"},
  // {"v2", "deals"}, {"v1", "deals"}.
  std::vector<std::pair<std::string, std::string>> paths;
  Envelope envelope;
  PagingKind paging = PagingKind::offset_total;
  Limits limits;
  std::vector<Filter> filters;
  // A filter any field answers to by name, equality only: ActiveCampaign's "filters[" FIELD "]".
  std::string any_field_filter_prefix;
  std::vector<SortKey> sort_keys;  // named orders
  bool any_field_order = false;    // ActiveCampaign: orders[FIELD] on every field
  Generator generate = nullptr;
  // How many records the type has for --records N; absent: N. HubSpot has at most 130 owners.
  std::int64_t (*count)(std::int64_t records) = nullptr;
  std::vector<Link> links;
  Deletion deletion = Deletion::hard;
  int token_cost = 0;  // Pipedrive charges per request (FACTS Pipedrive §4): v2 10 (pipelines 5), v1 20
};

// What is wrong with a provider's rows, one line each: names not unique, a row without a path,
// records key or generator, a filter, order, link or side-load naming a field its records lack
// or a row that does not exist. Checked against record 1 of each row. Empty when all is well.
std::vector<std::string> row_problems(std::span<const ObjectType> rows);

// A list request, already taken apart by the provider (each has its own query syntax).
struct ListQuery {
  std::vector<std::pair<std::string, std::string>> filters;  // (query key, value), in query order
  std::vector<std::pair<std::string, bool>> orders;          // (field or sort name, ascending)
  std::optional<std::int64_t> limit;                         // absent: the row's default
  std::int64_t offset = 0;                                   // every kind but keyset_cursor
  std::optional<std::string> cursor;                         // keyset_cursor: the last record served
  bool archived = false;                                     // archived_list rows: the archived ones
};

// Why a request was refused; the provider words it in its error shape.
struct ListError {
  enum class Kind { bad_time, bad_integer, limit_out_of_range, bad_cursor } kind;
  std::string param;
  std::string value;
};

// One page and what its envelope says about the rest.
struct Page {
  std::vector<Record> records;
  std::int64_t total = 0;                   // matching records, before the page was cut
  std::int64_t limit = 0;                   // the limit applied
  std::int64_t requested_limit = 0;         // as the query gave it (ActiveCampaign echoes it)
  std::int64_t offset = 0;                  // the position the page starts at
  std::optional<std::int64_t> next_offset;  // where the next page starts; absent on the last page
  std::optional<std::string> next_cursor;   // keyset_cursor: the last record served, encoded
};

// The effective limit for a requested one under the row's rules.
std::expected<std::int64_t, ListError> apply_limit(const Limits& limits, std::optional<std::int64_t> requested,
                                                   std::string_view param);

// The query's filters that apply to the row, their values read: a bad value refuses the request
// whether or not any record would have been compared. Unknown parameters are ignored, as the
// real APIs ignore them.
struct AppliedFilter {
  std::string field;
  Compare compare = Compare::equals;
  std::string text;         // equals
  std::int64_t number = 0;  // a time in epoch seconds, or an integer
};
std::expected<std::vector<AppliedFilter>, ListError> applicable_filters(const ObjectType& row, const ListQuery& query);
bool passes(const std::vector<AppliedFilter>& filters, const Record& record);

// Sorts in the query's orders (numbers as numbers, text otherwise, ties by id); orders the row
// does not allow are ignored, as the real APIs ignore unknown ones.
void sort_records(const ObjectType& row, const ListQuery& query, std::vector<Record>& records);

// Cuts one page from the matching records, already sorted, by the row's paging kind.
std::expected<Page, ListError> cut_page(const ObjectType& row, const ListQuery& query, std::vector<Record> sorted);

// Filters, sorts and cuts: the whole list request over one type's records.
std::expected<Page, ListError> list_page(const ObjectType& row, const ListQuery& query, std::vector<Record> records);

// A list answer's members, inside an object the caller opened. A provider writes them in its
// API's order, with what it side-loads for the request between them; write_list_answer is the
// whole answer of a row without such quirks.
struct SideLoaded {
  std::string key;
  std::vector<Record> records;  // an empty vector writes []
};
void write_side_loaded(JsonWriter& w, const SideLoaded& side_loaded);
void write_records(JsonWriter& w, const ObjectType& row, const Page& page);
// The paging metadata by the row's kind; `path` is the list's path, for the links some kinds carry.
void write_paging(JsonWriter& w, const ObjectType& row, const Page& page, std::string_view path);
std::string write_list_answer(const ObjectType& row, const Page& page, const std::vector<SideLoaded>& before,
                              const std::vector<SideLoaded>& after, std::string_view path);

// keyset_cursor's text: base64url of {"field","fieldValue","sortDirection","id"}, as Pipedrive's
// fake writes it; fieldValue is a number when the field is (`numeric`), else a string.
std::string encode_cursor(std::string_view field, std::string_view value, bool numeric, bool descending,
                          std::int64_t id);

}  // namespace crm_fake::table
