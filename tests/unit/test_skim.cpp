// The skim the page loop reads the next position from before a page is parsed: it must find the
// same envelope and the same number of records as the parse, or nothing.
#include <catch2/catch.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "lib/json/fields.hpp"
#include "lib/json/page.hpp"
#include "lib/json/skim.hpp"

using namespace crmexport;

namespace {

std::string envelope_text(const rapidjson::Value& envelope) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  envelope.Accept(writer);
  return buffer.GetString();
}

// The skim agrees with the parse: the same envelope, one (empty) record per parsed record.
void check_agrees(std::string_view body, const std::vector<std::string>& at, size_t records,
                  json::RecordsMember rule = json::RecordsMember::array) {
  INFO(body);
  auto parsed = json::parse_page(body, at, rule);
  REQUIRE(parsed);
  REQUIRE(parsed->records.size() == records);
  auto skim = json::skim_page(body, at, rule);
  REQUIRE(skim);
  CHECK(skim->records == std::vector<std::string>(records));
  CHECK(envelope_text(skim->envelope) == envelope_text(parsed->envelope));
}

}  // namespace

TEST_CASE("a skim finds the envelope and the number of records the parse finds", "[page][skim]") {
  const std::vector<std::string> data{"data"};
  // Pipedrive v2's shape: the cursor after the records.
  check_agrees(R"({"success":true,"data":[{"id":1},{"id":2},{"id":3}],"additional_data":{"next_cursor":"c1"}})",
               data, 3);
  // Strings that hold what the scan must not take for structure: quotes, escaped backslashes
  // before a closing quote, brackets, commas, a key named like the records.
  check_agrees(R"({"data":[{"n":"a \"b\", [c] {d}","e":"\\","f":"\\\"]"},{"data":[1,2],"g":["x,y",{"h":"}"}]}],)"
               R"("additional_data":{"next_cursor":"c,2]"}})",
               data, 2);
  // Whitespace, pretty-printed, before and after every token, and members before the records.
  check_agrees("{\n  \"additional_data\" : { \"next_cursor\" : \"z\" } ,\n  \"data\" : [\n    { \"id\" : 1 } ,\n"
               "    { \"id\" : 2 }\n  ]\n}\n",
               data, 2);
  check_agrees(R"({"data":[],"additional_data":{"next_cursor":null}})", data, 0);
  check_agrees(R"({"data":[ ],"more":false})", data, 0);
  check_agrees(R"({"result":{"meta":{"total":"7"},"items":[{"a":[[]]},{"b":{}}]}})", {"result", "items"}, 2);
  check_agrees(R"([{"a":1},{"a":2},{"a":3},{"a":4}])", {}, 4);
  check_agrees(R"({"data":null,"additional_data":{"pagination":{"more_items_in_collection":false}}})", data, 0,
               json::RecordsMember::null_when_empty);
  // Numbers keep their text in the envelope, as the parse keeps them.
  check_agrees(R"({"data":[{"id":1}],"total":9007199254740993,"x":1.50})", data, 1);
}

TEST_CASE("a skim that cannot find the records gives nothing, and the parse tells what is wrong", "[page][skim]") {
  const std::vector<std::string> data{"data"};
  for (const char* body : {R"({"success":true,"items":[{"id":1}]})",    // no records member
                           R"({"success":true,"data":[{"id":1},{"id":2})",  // cut short
                           R"({"data":[{"id":"1}]})",                      // a string never closed
                           R"({"data":[{"id":1}],"next":"x)",              // the envelope cut short
                           R"({"d\u0061ta":[{"id":1}]})",                  // an escaped name: left to the parse
                           R"(["data"])", ""}) {
    INFO(body);
    CHECK_FALSE(json::skim_page(body, data));
  }
  // A records member that is not an array is left in the envelope, for the parse to refuse.
  CHECK_FALSE(json::skim_page(R"({"data":{"id":1}})", data));
  CHECK_FALSE(json::skim_page(R"({"data":"1"})", data));
}

TEST_CASE("a skim does not validate the records: the parse does", "[page][skim]") {
  const std::vector<std::string> data{"data"};
  const std::string body = R"({"data":[{"id":1},{"id":2,}],"additional_data":{"next_cursor":"c1"}})";
  auto skim = json::skim_page(body, data);
  REQUIRE(skim);
  CHECK(skim->records.size() == 2);
  CHECK(json::text_at(skim->envelope, "/additional_data/next_cursor") == "c1");
  CHECK_FALSE(json::parse_page(body, data));
}

TEST_CASE("a skim reads 64 bytes at a time yet follows strings across every boundary", "[page][skim]") {
  // Escapes, quotes, brackets and commas at each offset around the 64- and 128-byte boundaries,
  // so that a backslash ends a block, its escaped quote starts the next, and so on.
  const std::vector<std::string> data{"data"};
  for (size_t pad = 0; pad < 140; ++pad) {
    const std::string filler(pad, 'x');
    check_agrees(R"({"data":[{"a":")" + filler + R"(\"],{\\","b":[1,{"c":"\\\\"}]},{"d":")" + filler +
                     R"(\\"},{}],"additional_data":{"next_cursor":")" + filler + R"(\""}})",
                 data, 3);
  }
}
