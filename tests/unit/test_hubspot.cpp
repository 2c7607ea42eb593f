// HubSpot's planner and wire helpers without a network: the requests it builds, how it merges
// answers, and the --since state across the search cap.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "lib/json/member.hpp"
#include "lib/json/page.hpp"
#include "providers/hubspot/hubspot.hpp"
#include "providers/hubspot/wire.hpp"

using namespace crmexport;

namespace {

json::Page page_of(const std::string& body) {
  auto page = json::parse_page(body, std::vector<std::string>{"results"});
  REQUIRE(page);
  return std::move(*page);
}

const providers::TypeSpec& contacts() {
  const auto* type = providers::hubspot::provider().default_version().type("contacts");
  REQUIRE(type);
  REQUIRE(type->planner);
  return *type;
}

std::string contact(int id, const std::string& modified) {
  return "{\"id\":\"" + std::to_string(id) + "\",\"properties\":{\"lastmodifieddate\":\"" + modified + "\"}}";
}

}  // namespace

TEST_CASE("member_text copies one member with its numbers as written", "[unit][hubspot]") {
  std::string record = R"({"a":1,"b":{"x":9007199254740993,"y":[1.50,"s",true]},"c":null})";
  auto b = json::member_text(record, "b");
  REQUIRE(b);
  CHECK(b->value() == R"({"x":9007199254740993,"y":[1.50,"s",true]})");
  CHECK(json::member_text(record, "a")->value() == "1");
  CHECK(json::member_text(record, "c")->value() == "null");
  CHECK(!json::member_text(record, "x")->has_value());  // nested keys are not members
  CHECK(!json::member_text("[1]", "a"));
  CHECK(json::with_member("{}", "k", "1") == R"({"k":1})");
  CHECK(json::with_member(R"({"a":1.10})", "k", R"("v")") == R"({"a":1.10,"k":"v"})");
}

TEST_CASE("a HubSpot v3 page is one GET with every property when the URL stays short", "[unit][hubspot]") {
  const auto& planner = *contacts().planner;
  providers::ReadAsk ask;
  ask.page_size = 200;
  ask.associations = {"companies"};
  auto prelude_requests = planner.prelude(ask);
  REQUIRE(prelude_requests.size() == 1);
  CHECK(prelude_requests[0].path == "/crm/v3/properties/contacts");
  std::vector<json::Page> prelude;
  prelude.push_back(page_of(R"({"results":[{"name":"email"},{"name":"custom_1"}]})"));

  std::vector<json::Page> answers;
  auto first = planner.requests(ask, prelude, "", answers);
  REQUIRE(first);
  REQUIRE(first->size() == 1);
  CHECK((*first)[0].method == "GET");
  CHECK((*first)[0].query ==
        http::Query{{"limit", "100"}, {"properties", "email,custom_1"}, {"associations", "companies"}});
  answers.push_back(page_of(
      R"({"results":[{"id":"1","properties":{"email":"a"},"associations":{"companies":{"results":[{"id":"9"}]}}},)"
      R"({"id":"2","properties":{}}],"paging":{"next":{"after":"2"}}})"));
  CHECK(planner.requests(ask, prelude, "", answers)->empty());
  auto page = planner.assemble(ask, prelude, "", answers);
  REQUIRE(page);
  CHECK(page->records ==
        std::vector<std::string>{
            R"({"id":"1","properties":{"email":"a"},"associations":{"companies":{"results":[{"id":"9"}]}}})",
            R"({"id":"2","properties":{}})"});
  CHECK(page->next == "2");
}

TEST_CASE("HubSpot property names past the safe URL length are listed, then read with batch/read",
          "[unit][hubspot]") {
  const auto& planner = *contacts().planner;
  providers::ReadAsk ask;
  ask.page_size = 200;
  ask.associations = {"companies"};
  // 300 names of 20 characters: about 6,900 bytes of query once the commas are encoded.
  std::string definitions = R"({"results":[{"name":"email"})";
  for (int i = 0; i < 300; ++i) definitions += fmt::format(R"(,{{"name":"custom_property_{:04}"}})", i);
  std::vector<json::Page> prelude;
  prelude.push_back(page_of(definitions + "]}"));

  std::vector<json::Page> answers;
  auto first = planner.requests(ask, prelude, "", answers);
  REQUIRE(first);
  REQUIRE(first->size() == 1);
  CHECK((*first)[0].query ==
        http::Query{{"limit", "100"}, {"properties", "hs_object_id"}, {"associations", "companies"}});

  answers.push_back(
      page_of(R"({"results":[{"id":"1","associations":{"companies":{"results":[{"id":"9","type":"x"}]}}},{"id":"2"}],)"
              R"("paging":{"next":{"after":"2"}}})"));
  auto batch = planner.requests(ask, prelude, "", answers);
  REQUIRE(batch);
  REQUIRE(batch->size() == 1);
  CHECK((*batch)[0].method == "POST");
  CHECK((*batch)[0].path == "/crm/v3/objects/contacts/batch/read");
  CHECK((*batch)[0].body.starts_with(R"({"properties":["email","custom_property_0000",)"));
  CHECK((*batch)[0].body.ends_with(R"("custom_property_0299"],"inputs":[{"id":"1"},{"id":"2"}]})"));

  answers.push_back(page_of(R"({"results":[{"id":"2","properties":{"n":"2"},"x":1.50},{"id":"1","properties":{}}]})"));
  CHECK(planner.requests(ask, prelude, "", answers)->empty());
  auto page = planner.assemble(ask, prelude, "", answers);
  REQUIRE(page);
  CHECK(page->records ==
        std::vector<std::string>{
            R"({"id":"1","properties":{},"associations":{"companies":{"results":[{"id":"9","type":"x"}]}}})",
            R"({"id":"2","properties":{"n":"2"},"x":1.50})"});
  CHECK(page->next == "2");
}

TEST_CASE("HubSpot --since finishes the cap's last timestamp by id, skipping what it wrote", "[unit][hubspot]") {
  const auto& planner = *contacts().planner;
  providers::ReadAsk ask;
  ask.page_size = 200;
  ask.properties = {"email"};
  ask.since = TimePoint(std::chrono::seconds(0));
  const std::string t1 = "2024-01-01T00:00:00.000Z", t2 = "2024-01-01T00:00:01.500Z";
  const int64_t t2_ms = *providers::hubspot::parse_iso_millis(t2);
  CHECK(t2_ms == 1704067201500);

  const int64_t t1_ms = *providers::hubspot::parse_iso_millis(t1);
  // A page of the window: 9,800 read before it, the last at t1 (id 7); then 3 at t1, 5 and 4 at t2.
  std::string position = "w;0;gte;9800;" + std::to_string(t1_ms) + ";7;9800";
  auto search = planner.requests(ask, {}, position, {});
  REQUIRE(search);
  CHECK((*search)[0].path == "/crm/v3/objects/contacts/search");
  CHECK((*search)[0].body.find(R"("limit":200,"after":"9800")") != std::string::npos);
  // Never past the cap: the last page of a window asks only for what the cap leaves.
  auto last = planner.requests(ask, {}, "w;0;gte;9900;1;7;9900", {});
  REQUIRE(last);
  CHECK((*last)[0].body.find(R"("limit":100,"after":"9900")") != std::string::npos);
  std::vector<json::Page> answers;
  answers.push_back(page_of(R"({"results":[)" + contact(3, t1) + "," + contact(5, t2) + "," + contact(4, t2) +
                            R"(],"paging":{"next":{"after":"10000"}}})"));
  auto page = planner.assemble(ask, {}, position, answers);
  REQUIRE(page);
  // 9,803 read is not yet the cap: the window goes on.
  CHECK(page->next == "w;0;gte;9803;" + std::to_string(t2_ms) + ";5,4;10000");

  position = "w;0;gte;9997;" + std::to_string(t1_ms) + ";7;9997";
  page = planner.assemble(ask, {}, position, answers);
  REQUIRE(page);
  auto ties = "t;" + std::to_string(t2_ms) + ";;5,4";
  CHECK(page->next == ties);

  auto by_id = planner.requests(ask, {}, ties, {});
  REQUIRE(by_id);
  CHECK((*by_id)[0].body ==
        R"({"filterGroups":[{"filters":[{"propertyName":"lastmodifieddate","operator":"EQ","value":")" +
            std::to_string(t2_ms) +
            R"("}]}],"sorts":[{"propertyName":"hs_object_id","direction":"ASCENDING"}],)"
            R"("properties":["lastmodifieddate"],"limit":200})");
  std::vector<json::Page> tie_answers;
  tie_answers.push_back(
      page_of(R"({"results":[)" + contact(4, t2) + "," + contact(5, t2) + "," + contact(6, t2) + R"(]})"));
  auto batch = planner.requests(ask, {}, ties, tie_answers);
  REQUIRE(batch);
  CHECK((*batch)[0].body == R"({"properties":["email"],"inputs":[{"id":"6"}]})");
  tie_answers.push_back(page_of(R"({"results":[{"id":"6","properties":{"email":"a"}}]})"));
  auto tie_page = planner.assemble(ask, {}, ties, tie_answers);
  REQUIRE(tie_page);
  CHECK(tie_page->records == std::vector<std::string>{R"({"id":"6","properties":{"email":"a"}})"});
  // No more ties: a new window strictly after the timestamp.
  CHECK(tie_page->next == "w;" + std::to_string(t2_ms) + ";gt;0;-1;;");
}

TEST_CASE("HubSpot's DAILY 429 is final and says when it resets, TEN_SECONDLY is not", "[unit][hubspot]") {
  http::Response daily{
      429, {}, R"({"status":"error","message":"You have reached your daily limit.","policyName":"DAILY"})"};
  http::Response burst{429, {}, R"({"status":"error","message":"x","policyName":"TEN_SECONDLY_ROLLING"})"};
  const auto& errors = providers::hubspot::provider().errors;
  CHECK(errors.rate_limit_is_final(daily));
  CHECK(!errors.rate_limit_is_final(burst));
  CHECK(errors.message(daily).find("resets at midnight in the account's time zone") != std::string::npos);
}
