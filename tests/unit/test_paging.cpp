#include <catch2/catch.hpp>

#include "lib/json/page.hpp"
#include "lib/paging/strategy.hpp"

using namespace crmexport;

namespace {

// A page with `records` records and the given envelope.
json::Page page_of(const char* envelope, size_t records) {
  json::Page page;
  page.envelope.Parse<rapidjson::kParseNumbersAsStringsFlag>(envelope);  // as parse_page keeps numbers
  REQUIRE_FALSE(page.envelope.HasParseError());
  page.records.assign(records, "{}");
  return page;
}

std::string params(const paging::Strategy& s, std::string_view position, int size) {
  paging::Query q;
  REQUIRE(s.add_params(position, size, q));
  std::string out;
  for (auto& [k, v] : q) out += k + "=" + v + ";";
  return out;
}

}  // namespace

TEST_CASE("offset/limit stops on the total, else on a short page", "[paging]") {
  auto with_total = paging::make(paging::OffsetLimit{"offset", "limit", "/meta/total"});
  CHECK(params(*with_total, "", 100) == "offset=0;limit=100;");
  CHECK(params(*with_total, "200", 100) == "offset=200;limit=100;");
  // A page shorter than asked (the provider capped it) is not the end while the total says more.
  CHECK(with_total->next(page_of(R"({"meta":{"total":"250"}})", 50), "0", 100).value() == "50");
  CHECK(with_total->next(page_of(R"({"meta":{"total":250}})", 100), "150", 100).value() == std::nullopt);
  CHECK(with_total->next(page_of(R"({"meta":{"total":250}})", 0), "0", 100).value() == std::nullopt);

  auto no_total = paging::make(paging::OffsetLimit{"offset", "limit", ""});
  CHECK(no_total->next(page_of("{}", 100), "100", 100).value() == "200");
  CHECK(no_total->next(page_of("{}", 99), "100", 100).value() == std::nullopt);
  auto bad = no_total->add_params("abc", 10, *std::make_unique<paging::Query>());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::usage);
}

TEST_CASE("page number counts from the first page and honours total pages", "[paging]") {
  auto s = paging::make(paging::PageNumber{"page", "per_page", 1, "/total_pages"});
  CHECK(params(*s, "", 50) == "page=1;per_page=50;");
  CHECK(s->next(page_of(R"({"total_pages":3})", 50), "", 50).value() == "2");
  CHECK(s->next(page_of(R"({"total_pages":3})", 50), "3", 50).value() == std::nullopt);
  auto no_total = paging::make(paging::PageNumber{"page", "size", 0, ""});
  CHECK(params(*no_total, "", 10) == "page=0;size=10;");
  CHECK(no_total->next(page_of("{}", 10), "4", 10).value() == "5");
  CHECK(no_total->next(page_of("{}", 3), "4", 10).value() == std::nullopt);
}

TEST_CASE("start/next_start follows more_items_in_collection", "[paging]") {
  auto s = paging::make(paging::StartNextStart{});
  CHECK(params(*s, "", 500) == "start=0;limit=500;");
  CHECK(params(*s, "500", 500) == "start=500;limit=500;");
  auto more = std::string(
      R"({"additional_data":{"pagination":{"start":0,"limit":2,"more_items_in_collection":true,"next_start":2}}})");
  CHECK(s->next(page_of(more.c_str(), 2), "", 2).value() == "2");
  auto last =
      std::string(R"({"additional_data":{"pagination":{"start":2,"limit":2,"more_items_in_collection":false}}})");
  CHECK(s->next(page_of(last.c_str(), 2), "2", 2).value() == std::nullopt);
  auto broken = std::string(R"({"additional_data":{"pagination":{"more_items_in_collection":true}}})");
  auto next = s->next(page_of(broken.c_str(), 2), "", 2);
  REQUIRE_FALSE(next);
  CHECK(next.error().kind == ErrorKind::provider);
}

TEST_CASE("opaque cursors end when the next cursor is absent, null or empty", "[paging]") {
  auto s = paging::make(paging::Cursor{"cursor", "limit", "/additional_data/next_cursor"});
  CHECK(params(*s, "", 500) == "limit=500;");
  CHECK(params(*s, "eyJpZCI6N30", 500) == "cursor=eyJpZCI6N30;limit=500;");
  CHECK(s->next(page_of(R"({"additional_data":{"next_cursor":"eyJpZCI6N30"}})", 500), "", 500).value() ==
        "eyJpZCI6N30");
  CHECK(s->next(page_of(R"({"additional_data":{"next_cursor":null}})", 500), "", 500).value() == std::nullopt);
  CHECK(s->next(page_of(R"({"additional_data":{"next_cursor":""}})", 500), "", 500).value() == std::nullopt);
  CHECK(s->next(page_of(R"({"additional_data":{}})", 500), "", 500).value() == std::nullopt);
  // HubSpot's after is a number-like string, and a number must work the same.
  auto after = paging::make(paging::Cursor{"after", "limit", "/paging/next/after"});
  CHECK(after->next(page_of(R"({"paging":{"next":{"after":"105"}}})", 100), "", 100).value() == "105");
  CHECK(after->next(page_of(R"({"paging":{"next":{"after":105}}})", 100), "", 100).value() == "105");
}

TEST_CASE("a next cursor or offset that is an object, an array or a boolean is malformed, not the end",
          "[paging]") {
  auto cursor = paging::make(paging::Cursor{"after", "limit", "/paging/next/after"});
  auto offset = paging::make(paging::HasMoreOffset{"vidOffset", "count", "/has-more", "/vid-offset"});
  auto check = [](const Result<std::optional<std::string>>& next, const std::string& expected) {
    REQUIRE_FALSE(next);
    CHECK(next.error().kind == ErrorKind::provider);
    CHECK(next.error().message == expected);
  };
  check(cursor->next(page_of(R"({"paging":{"next":{"after":{"id":"105"}}}})", 100), "", 100),
        "malformed response: the next position /paging/next/after is an object, not a string or number");
  check(cursor->next(page_of(R"({"paging":{"next":{"after":["105"]}}})", 100), "", 100),
        "malformed response: the next position /paging/next/after is an array, not a string or number");
  check(cursor->next(page_of(R"({"paging":{"next":{"after":true}}})", 100), "", 100),
        "malformed response: the next position /paging/next/after is a boolean, not a string or number");
  check(offset->next(page_of(R"({"has-more":true,"vid-offset":{"v":1}})", 100), "", 100),
        "malformed response: the next position /vid-offset is an object, not a string or number");
}

TEST_CASE("has-more + offset passes the provider's offset through", "[paging]") {
  auto s = paging::make(paging::HasMoreOffset{"vidOffset", "count", "/has-more", "/vid-offset"});
  CHECK(params(*s, "", 100) == "count=100;");
  CHECK(params(*s, "3301", 100) == "vidOffset=3301;count=100;");
  CHECK(s->next(page_of(R"({"has-more":true,"vid-offset":3301})", 100), "", 100).value() == "3301");
  CHECK(s->next(page_of(R"({"has-more":false,"vid-offset":3401})", 100), "3301", 100).value() == std::nullopt);
}

TEST_CASE("id keyset pages after the last record's id, in ascending id order", "[paging]") {
  auto s = paging::make(paging::IdKeyset{"id_greater", "limit", "orders[id]", "ASC", "id", "/meta/total"});
  CHECK(params(*s, "", 100) == "orders[id]=ASC;limit=100;");
  CHECK(params(*s, "42", 100) == "orders[id]=ASC;id_greater=42;limit=100;");
  paging::Query q;
  CHECK(s->add_params("abc", 10, q).error().kind == ErrorKind::usage);

  auto page = [](const char* envelope, std::vector<std::string> records) {
    auto p = page_of(envelope, 0);
    p.records = std::move(records);
    return p;
  };
  // The id is read from the last record, as a string ("7") or a number (9).
  CHECK(s->next(page(R"({"meta":{"total":"5"}})", {R"({"id":"3"})", R"({"id":"7"})"}), "", 2).value() == "7");
  CHECK(s->next(page(R"({"meta":{"total":5}})", {R"({"id":"8"})", R"({"id":9})"}), "7", 2).value() == "9");
  // The total counts the records after the position: a page that holds them all is the last.
  CHECK(s->next(page(R"({"meta":{"total":"2"}})", {R"({"id":"10"})", R"({"id":"11"})"}), "9", 2).value() ==
        std::nullopt);
  // A page shorter than asked is not the end while the total says more (a server-side cap).
  CHECK(s->next(page(R"({"meta":{"total":"3"}})", {R"({"id":"12"})"}), "11", 2).value() == "12");
  CHECK(s->next(page(R"({"meta":{"total":"0"}})", {}), "12", 2).value() == std::nullopt);
  // Ids that do not grow mean the order was ignored; a record without an id cannot be paged from.
  CHECK(s->next(page(R"({"meta":{"total":"9"}})", {R"({"id":"5"})"}), "12", 1).error().kind == ErrorKind::provider);
  CHECK(s->next(page(R"({"meta":{"total":"9"}})", {R"({"name":"x"})"}), "", 1).error().kind == ErrorKind::provider);

  auto no_total = paging::make(paging::IdKeyset{"id_greater", "limit", "", "ASC", "id", ""});
  CHECK(params(*no_total, "4", 10) == "id_greater=4;limit=10;");
  CHECK(no_total->next(page("{}", {R"({"id":"5"})", R"({"id":"6"})"}), "4", 2).value() == "6");
  CHECK(no_total->next(page("{}", {R"({"id":"7"})"}), "6", 2).value() == std::nullopt);
  auto names = s->param_names();
  CHECK(std::find(names.begin(), names.end(), "orders[id]") != names.end());
  CHECK(std::find(names.begin(), names.end(), "id_greater") != names.end());
}
