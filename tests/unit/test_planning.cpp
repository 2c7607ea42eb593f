// The helpers page planners share: what fits in a URL or a body, and batch reads.
#include <catch2/catch.hpp>

#include "lib/json/page.hpp"
#include "lib/paging/planning.hpp"

using namespace crmexport;

TEST_CASE("a field list stays on the request while the URL fits, else the fallback replaces it", "[paging][planning]") {
  http::Query query{{"limit", "100"}, {"properties", "a,b,c"}, {"archived", "true"}};
  const auto size = http::make_url("", "/x", query).size();  // the path and the encoded query
  REQUIRE(size > 40);
  auto fits = query;
  CHECK(paging::fit_list_param("/x", fits, "properties", "id", size));
  CHECK(fits == query);
  auto too_long = query;
  CHECK_FALSE(paging::fit_list_param("/x", too_long, "properties", "id", size - 1));
  CHECK(too_long == http::Query{{"limit", "100"}, {"properties", "id"}, {"archived", "true"}});
}

TEST_CASE("a body asks for every field under its cap, else for the fallback only", "[paging][planning]") {
  auto make = [](const std::vector<std::string>& fields) { return "{" + std::to_string(fields.size()) + "}"; };
  std::vector<std::string> every{"a", "b", "c"};
  auto whole = paging::fit_body(make, every, {"t"}, 3);
  CHECK(whole.body == "{3}");
  CHECK(whole.complete);
  auto small = paging::fit_body(make, every, {"t"}, 2);
  CHECK(small.body == "{1}");
  CHECK_FALSE(small.complete);
}

TEST_CASE("ids go to batch reads in order, at most the cap each, and come back by id", "[paging][planning]") {
  std::vector<std::string> ids{"1", "2", "3", "4", "5"};
  CHECK(paging::batches(ids, 2) == std::vector<std::vector<std::string>>{{"1", "2"}, {"3", "4"}, {"5"}});
  CHECK(paging::batches(ids, 5) == std::vector<std::vector<std::string>>{ids});
  CHECK(paging::batches({}, 5).empty());

  std::vector<json::Page> answers(2);
  answers[0].records = {"r1", "r2"};
  answers[1].records = {"r3", "no id"};
  auto id_of = [](std::string_view record) -> std::optional<std::string> {
    if (!record.starts_with("r")) return std::nullopt;
    return std::string(record.substr(1));
  };
  auto found = paging::by_id(answers, id_of);
  REQUIRE(found.size() == 3);
  CHECK(*found.at("1") == "r1");
  CHECK(*found.at("3") == "r3");
}

TEST_CASE("positions split at their separator, and empty text is no field", "[paging][planning]") {
  CHECK(paging::split("a;b;;c", ';') == std::vector<std::string>{"a", "b", "", "c"});
  CHECK(paging::split("", ',').empty());
  CHECK(paging::split("x", ',') == std::vector<std::string>{"x"});
}
