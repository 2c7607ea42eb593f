#include <catch2/catch.hpp>

#include "lib/json/fields.hpp"
#include "lib/json/page.hpp"

using namespace crmexport;

TEST_CASE("records come out with the provider's exact number text", "[page]") {
  std::vector<std::string> at{"data"};
  auto page = json::parse_page(
      R"({"success":true,"data":[ {"id":9007199254740993, "value":1500.750,"e":1e3,"z":-0.0,"s":"Zoë \"q\"\n","n":null,"a":[1,{"b":true}]} ,{"id":2}],
          "additional_data":{"next_cursor":"abc","total":12}})",
      at);
  REQUIRE(page);
  REQUIRE(page->records.size() == 2);
  CHECK(page->records[0] ==
        R"({"id":9007199254740993,"value":1500.750,"e":1e3,"z":-0.0,"s":"Zoë \"q\"\n","n":null,"a":[1,{"b":true}]})");
  CHECK(page->records[1] == R"({"id":2})");
  CHECK(json::text_at(page->envelope, "/additional_data/next_cursor") == "abc");
  CHECK(json::int_at(page->envelope, "/additional_data/total") == 12);
  CHECK(json::find(page->envelope, "/data")->IsArray());
  CHECK(json::find(page->envelope, "/data")->Empty());
}

TEST_CASE("records at a nested path, at the root, absent or null", "[page]") {
  std::vector<std::string> nested{"result", "items"};
  auto page = json::parse_page(R"({"result":{"items":[{"a":1}],"more":false},"items":[{"ignored":1}]})", nested);
  REQUIRE(page);
  CHECK(page->records == std::vector<std::string>{R"({"a":1})"});

  auto root = json::parse_page(R"([{"a":1},{"a":2}])", {});
  REQUIRE(root);
  CHECK(root->records.size() == 2);

  std::vector<std::string> data{"data"};
  auto null_data = json::parse_page(R"({"data":null,"additional_data":{}})", data);
  REQUIRE(null_data);
  CHECK(null_data->records.empty());
  auto missing = json::parse_page(R"({"other":[{"a":1}]})", data);
  REQUIRE(missing);
  CHECK(missing->records.empty());
}

TEST_CASE("malformed pages are provider errors", "[page]") {
  std::vector<std::string> data{"data"};
  auto truncated = json::parse_page(R"({"data":[{"id":1},{"id")", data);
  REQUIRE_FALSE(truncated);
  CHECK(truncated.error().kind == ErrorKind::provider);
  CHECK_THAT(truncated.error().message, Catch::Contains("malformed response"));
  auto scalar = json::parse_page(R"({"data":[1,2]})", data);
  REQUIRE_FALSE(scalar);
  CHECK_THAT(scalar.error().message, Catch::Contains("not a JSON object"));
  auto html = json::parse_page("<html>Bad gateway</html>", data);
  REQUIRE_FALSE(html);
}
