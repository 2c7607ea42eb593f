#include <catch2/catch.hpp>

#include "tests/fake/activecampaign_types.hpp"
#include "tests/fake/object_store.hpp"

#include <fmt/format.h>

// crm-fake's object table: each paging kind, the limit rules, filters, orders and the store, over
// a small row of seven "widgets". The fake's answers are what the end-to-end tests trust, so its
// machinery is checked exactly here, without a server.

using namespace crm_fake;
using table::ListQuery;
using table::ObjectType;
using table::PagingKind;

namespace {

// Widget N: updated on 2024-01-0N (a given time replaces it), rank 10 for N = 7 else N % 3
// (ties, and "10" after "2" only when compared as numbers), colour red for odd ids, size 8 - N.
table::Record widget(const table::Generation& generation, std::int64_t id) {
  table::Record record;
  record.id = id;
  const EpochSeconds updated = generation.updated_at.value_or(epoch_from_civil(2024, 1, static_cast<int>(id)));
  // clang-format off
  record.fields = {{"id", std::to_string(id), ""},
                   {"rank", std::to_string(id == 7 ? 10 : id % 3), ""},
                   {"colour", id % 2 ? "red" : "blue", ""},
                   {"updated", format_iso_utc(updated), ""},
                   {"box", std::nullopt, R"({"w":1})"},
                   {"owner", std::to_string(id % 2 + 1), ""},
                   {"size", std::nullopt, std::to_string(8 - id)}};  // a JSON number: 7 down to 1
  // clang-format on
  return record;
}

ObjectType widgets(PagingKind paging) {
  ObjectType row;
  row.name = "widgets";
  row.paths = {{"v1", "widgets"}};
  row.envelope.records_key = "widgets";
  row.envelope.next_link_base = "https://api.example.com";
  row.paging = paging;
  row.limits = {.default_size = 4, .min_size = 1, .max_size = 5, .out_of_range = table::OverLimit::cap};
  row.filters = {{"updated_since", "updated", table::Compare::at_or_after},
                 {"updated_until", "updated", table::Compare::before},
                 {"id_greater", "id", table::Compare::greater},
                 {"hue", "colour", table::Compare::equals},
                 {"size_over", "size", table::Compare::greater}};
  row.sort_keys = {{"rank", "rank"}, {"update_time", "updated"}, {"id", "id"}, {"size", "size"}};
  row.generate = widget;
  return row;
}

std::vector<table::Record> seven() {
  std::vector<table::Record> records;
  for (std::int64_t id = 1; id <= 7; ++id) records.push_back(widget({}, id));
  return records;
}

std::vector<std::int64_t> ids(const table::Page& page) {
  std::vector<std::int64_t> out;
  for (const auto& record : page.records) out.push_back(record.id);
  return out;
}

table::Page list(const ObjectType& row, const ListQuery& query) {
  auto page = table::list_page(row, query, seven());
  REQUIRE(page.has_value());
  return *page;
}

ListQuery at(std::int64_t offset, std::optional<std::int64_t> limit) {
  ListQuery query;
  query.offset = offset;
  query.limit = limit;
  return query;
}

// The paging metadata alone, as the row's kind writes it, in an object of its own.
std::string paging(const ObjectType& row, const table::Page& page) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  table::write_paging(w, row, page, "/v1/widgets");
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

using Ids = std::vector<std::int64_t>;

}  // namespace

TEST_CASE("offset_total: first, middle and last page, meta.total as a string, the limit echoed", "[fake-table]") {
  const auto row = widgets(PagingKind::offset_total);
  auto first = list(row, at(0, 3));
  CHECK(ids(first) == Ids{1, 2, 3});
  CHECK(paging(row, first) == R"({"meta":{"total":"7","page_input":{"limit":3,"offset":0}}})");
  CHECK(ids(list(row, at(3, 3))) == Ids{4, 5, 6});
  auto last = list(row, at(6, 3));
  CHECK(ids(last) == Ids{7});
  CHECK_FALSE(last.next_offset);
  CHECK(ids(list(row, at(7, 3))).empty());
  // Over the maximum: capped at 5, yet page_input says what was asked, as ActiveCampaign does.
  auto capped = list(row, at(0, 500));
  CHECK(ids(capped) == Ids{1, 2, 3, 4, 5});
  CHECK(paging(row, capped) == R"({"meta":{"total":"7","page_input":{"limit":500,"offset":0}}})");
  CHECK(ids(list(row, at(0, std::nullopt))) == Ids{1, 2, 3, 4});  // the default
  CHECK(ids(list(row, at(0, 0))) == Ids{1});                      // under the minimum: capped up
}

TEST_CASE("start_more: next_start only while more items follow", "[fake-table]") {
  const auto row = widgets(PagingKind::start_more);
  CHECK(paging(row, list(row, at(0, 3))) ==
        R"({"additional_data":{"pagination":{"start":0,"limit":3,"more_items_in_collection":true,"next_start":3}}})");
  CHECK(paging(row, list(row, at(3, 3))) ==
        R"({"additional_data":{"pagination":{"start":3,"limit":3,"more_items_in_collection":true,"next_start":6}}})");
  CHECK(paging(row, list(row, at(6, 3))) ==
        R"({"additional_data":{"pagination":{"start":6,"limit":3,"more_items_in_collection":false}}})");
  // Exactly full: nothing follows, so no more items.
  CHECK(paging(row, list(row, at(2, 5))) ==
        R"({"additional_data":{"pagination":{"start":2,"limit":5,"more_items_in_collection":false}}})");
}

TEST_CASE("a refused limit is an error naming it, and zero may mean the default", "[fake-table]") {
  auto row = widgets(PagingKind::page_token);
  row.limits.out_of_range = table::OverLimit::refuse;
  auto over = table::list_page(row, at(0, 6), seven());
  REQUIRE_FALSE(over.has_value());
  CHECK(over.error().kind == table::ListError::Kind::limit_out_of_range);
  CHECK(over.error().param == "page_size");
  CHECK(over.error().value == "6");
  CHECK_FALSE(table::list_page(row, at(0, 0), seven()).has_value());
  row.limits.zero_is_default = true;
  CHECK(ids(list(row, at(0, 0))) == Ids{1, 2, 3, 4});
  CHECK(ids(list(row, at(0, 5))) == Ids{1, 2, 3, 4, 5});
}

TEST_CASE("after_offset, page_token and offset_count write their next position, and none on the last page",
          "[fake-table]") {
  const auto hubspot = widgets(PagingKind::after_offset);
  CHECK(paging(hubspot, list(hubspot, at(2, 3))) ==
        R"({"paging":{"next":{"after":"5","link":"https://api.example.com/v1/widgets?after=5"}}})");
  CHECK(paging(hubspot, list(hubspot, at(5, 3))) == "{}");

  const auto keap = widgets(PagingKind::page_token);
  CHECK(paging(keap, list(keap, at(0, 3))) == fmt::format(R"({{"next_page_token":"{}"}})", base64url_encode("o:3")));
  CHECK(paging(keap, list(keap, at(6, 3))) == R"({"next_page_token":""})");

  const auto keap_v1 = widgets(PagingKind::offset_count);
  CHECK(paging(keap_v1, list(keap_v1, at(0, 3))) ==
        R"({"count":7,"next":"/v1/widgets?limit=3&offset=3","previous":"/v1/widgets?limit=3&offset=0"})");
  CHECK(paging(keap_v1, list(keap_v1, at(3, 3))) ==
        R"({"count":7,"next":"/v1/widgets?limit=3&offset=6","previous":"/v1/widgets?limit=3&offset=0"})");
  CHECK(paging(keap_v1, list(keap_v1, at(6, 3))) ==
        R"({"count":7,"next":"/v1/widgets?limit=3&offset=7","previous":"/v1/widgets?limit=3&offset=3"})");
}

TEST_CASE("keyset_cursor: pages in sort order, resuming after the last record even when it was deleted",
          "[fake-table]") {
  const auto row = widgets(PagingKind::keyset_cursor);
  ListQuery query = at(0, 3);
  query.orders = {{"rank", false}};  // rank descending, ties by id: 7 (10), 2 5 (2), 1 4 (1), 3 6 (0)
  auto first = list(row, query);
  CHECK(ids(first) == Ids{7, 2, 5});
  REQUIRE(first.next_cursor);
  CHECK(*first.next_cursor == table::encode_cursor("rank", "2", false, true, 5));
  CHECK(base64_decode(*first.next_cursor) == R"({"field":"rank","fieldValue":"2","sortDirection":"desc","id":5})");

  // Record 5, the last one served, is deleted before the next page is asked for.
  query.cursor = first.next_cursor;
  auto records = seven();
  std::erase_if(records, [](const table::Record& r) { return r.id == 5; });
  auto second = table::list_page(row, query, records);
  REQUIRE(second.has_value());
  CHECK(ids(*second) == Ids{1, 4, 3});
  query.cursor = second->next_cursor;
  auto last = table::list_page(row, query, records);
  REQUIRE(last.has_value());
  CHECK(ids(*last) == Ids{6});
  CHECK(paging(row, *last) == R"({"additional_data":{"next_cursor":null}})");

  // A cursor made for another order, or not a cursor at all, is refused.
  query.orders = {{"update_time", true}};
  auto other_order = table::list_page(row, query, seven());
  REQUIRE_FALSE(other_order.has_value());
  CHECK(other_order.error().kind == table::ListError::Kind::bad_cursor);
  query.orders = {{"rank", true}};  // the same field the other way
  CHECK_FALSE(table::list_page(row, query, seven()).has_value());
  query.cursor = "not a cursor";
  CHECK_FALSE(table::list_page(row, query, seven()).has_value());

  // A number's cursor holds a number, as Pipedrive's ids and order_nr.
  ListQuery by_size = at(0, 2);
  by_size.orders = {{"size", true}};
  auto smallest = list(row, by_size);
  CHECK(ids(smallest) == Ids{7, 6});
  REQUIRE(smallest.next_cursor);
  CHECK(base64_decode(*smallest.next_cursor) == R"({"field":"size","fieldValue":2,"sortDirection":"asc","id":6})");
  by_size.cursor = smallest.next_cursor;
  CHECK(ids(list(row, by_size)) == Ids{5, 4});
}

TEST_CASE("filters compare their fields, unknown ones are ignored, bad values refused", "[fake-table]") {
  auto row = widgets(PagingKind::offset_total);
  ListQuery query = at(0, 5);
  query.filters = {{"updated_since", "2024-01-03T00:00:00Z"}, {"updated_until", "2024-01-06"}};
  CHECK(ids(list(row, query)) == Ids{3, 4, 5});  // >= since, < until
  query.filters = {{"hue", "red"}, {"id_greater", "2"}, {"nosuch", "x"}};
  CHECK(ids(list(row, query)) == Ids{3, 5, 7});
  query.filters = {{"size_over", "5"}};  // a JSON number compares as one
  CHECK(ids(list(row, query)) == Ids{1, 2});

  // Equality on any field by name, when the row allows it; a field the records lack, or one
  // holding an object, does not narrow the list.
  query.filters = {{"filters[owner]", "1"}};
  CHECK(ids(list(row, query)).size() == 5);  // not an allowed filter yet: ignored (limit 5)
  row.any_field_filter_prefix = "filters[";
  CHECK(ids(list(row, query)) == Ids{2, 4, 6});
  query.filters = {{"filters[owner]", "1"}, {"filters[box]", "x"}, {"filters[missing]", "x"}};
  CHECK(ids(list(row, query)) == Ids{2, 4, 6});

  query.filters = {{"hue", "red"}, {"updated_since", "last week"}};
  auto bad = table::list_page(row, query, {});  // refused even with no record to compare
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().kind == table::ListError::Kind::bad_time);
  CHECK(bad.error().param == "updated_since");
  CHECK(bad.error().value == "last week");
  query.filters = {{"id_greater", "two"}};
  CHECK(table::list_page(row, query, {}).error().kind == table::ListError::Kind::bad_integer);
}

TEST_CASE("orders: numbers as numbers, in the order given, ties by id, unknown names ignored", "[fake-table]") {
  auto row = widgets(PagingKind::offset_total);
  ListQuery query = at(0, 5);
  query.limit = 5;
  query.orders = {{"rank", true}};
  CHECK(ids(list(row, query)) == Ids{3, 6, 1, 4, 2});  // 0 0 1 1 2, then 2 (5) and 10 (7)
  query.orders = {{"nosuch", false}, {"rank", false}, {"id", false}};
  CHECK(ids(list(row, query)) == Ids{7, 5, 2, 4, 1});
  // A field that is no sort key is ignored unless the row orders by any field.
  query.orders = {{"colour", true}};
  CHECK(ids(list(row, query)) == Ids{1, 2, 3, 4, 5});
  row.any_field_order = true;
  CHECK(ids(list(row, query)) == Ids{2, 4, 6, 1, 3});
}

TEST_CASE("the store: add, modify and delete by the row's rules, side-loads and the change log", "[fake-table]") {
  std::vector<ObjectType> rows{widgets(PagingKind::offset_total), widgets(PagingKind::offset_total)};
  rows[1].name = "parts";
  rows[1].deletion = table::Deletion::archived_list;
  rows[0].envelope.side_loads = {{"parts", false, "parts", "owner"}, {"scores", true, "", ""}};
  table::Store store(rows, 1, 3);
  const ObjectType& widget_row = *store.row("widgets");
  const ObjectType& part_row = *store.row("parts");
  CHECK(store.row_at("v1", "widgets") == &widget_row);
  CHECK(store.row_at("v2", "widgets") == nullptr);

  const EpochSeconds now = epoch_from_civil(2026, 12, 7);
  CHECK(store.add(widget_row, now) == 4);
  CHECK(store.modify(widget_row, 2, now));
  CHECK_FALSE(store.modify(widget_row, 9, now));
  CHECK(store.remove(widget_row, 1));
  CHECK_FALSE(store.remove(widget_row, 1));
  ListQuery query = at(0, 5);
  query.filters = {{"updated_since", "2026-01-01"}};
  auto changed = store.list(widget_row, query);
  REQUIRE(changed.has_value());
  CHECK(ids(*changed) == Ids{2, 4});
  CHECK(store.ids(widget_row) == Ids{2, 3, 4});
  CHECK(store.changes(widget_row).inserted == Ids{4});
  CHECK(store.changes(widget_row).deleted == Ids{1});

  // A hard delete is gone; an archived one is listed when archived records are asked for.
  CHECK(store.remove(part_row, 2));
  ListQuery archived = at(0, 5);
  archived.archived = true;
  CHECK(ids(*store.list(part_row, archived)) == Ids{2});
  CHECK(ids(*store.list(widget_row, archived)).empty());

  // Parts whose owner is a listed widget, in the page's order; an always-empty one before.
  auto page = store.list(widget_row, at(0, 5));
  REQUIRE(page.has_value());
  const auto [before, after] = store.side_loads(widget_row, *page);
  REQUIRE(before.size() == 1);
  CHECK(before[0].key == "scores");
  CHECK(before[0].records.empty());
  REQUIRE(after.size() == 1);
  std::vector<std::int64_t> parts;
  for (const auto& part : after[0].records) parts.push_back(part.id);
  CHECK(parts == Ids{1, 3});  // owner 2 = widget 2; widgets 3 and 4 own none
  CHECK(table::write_list_answer(part_row, *store.list(part_row, at(0, 1)), {}, {}, "") ==
        R"({"widgets":[{"id":"1","rank":"1","colour":"red","updated":"2024-01-01T00:00:00Z","box":{"w":1},"owner":"2",)"
        R"("size":7}],)"
        R"("meta":{"total":"2","page_input":{"limit":1,"offset":0}}})");
}

TEST_CASE("row_problems names each mistake in a table, and ActiveCampaign's rows have none", "[fake-table]") {
  CHECK(table::row_problems(activecampaign::object_types()) == std::vector<std::string>{});

  std::vector<ObjectType> rows{widgets(PagingKind::offset_total), widgets(PagingKind::offset_total)};
  CHECK(table::row_problems(rows) == std::vector<std::string>{"widgets: the name is used twice"});
  rows[1].name = "parts";
  rows[1].filters.push_back({"updated_after", "udate", table::Compare::at_or_after});
  rows[1].sort_keys.push_back({"name", "title"});
  rows[1].links = {{"owner", "people"}, {"maker", "widgets"}};
  rows[1].envelope.side_loads = {{"extras", false, "extras", "part"}, {"kin", false, "widgets", "part"}};
  rows.push_back(widgets(PagingKind::offset_total));
  rows[2].name = "gadgets";
  rows[2].generate = nullptr;
  CHECK(table::row_problems(rows) ==
        std::vector<std::string>{
            "parts: updated_after names udate, which its records lack",
            "parts: name names title, which its records lack", "parts: owner links to people, no such type",
            "parts: a link names maker, which its records lack", "parts: extras side-loads extras, no such type",
            "parts: kin side-loads widgets by part, which its records lack",
            "gadgets: a path, a records key and a generator are required"});
  // The store refuses such a table rather than serve it.
  CHECK_THROWS_AS(table::Store(rows, 1, 1), std::invalid_argument);
}
