#include <catch2/catch.hpp>

#include "lib/json/fields.hpp"
#include "lib/json/member.hpp"
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

TEST_CASE("records at a nested path, at the root, or null where an empty list is null", "[page]") {
  std::vector<std::string> nested{"result", "items"};
  auto page = json::parse_page(R"({"result":{"items":[{"a":1}],"more":false},"items":[{"ignored":1}]})", nested);
  REQUIRE(page);
  CHECK(page->records == std::vector<std::string>{R"({"a":1})"});

  auto root = json::parse_page(R"([{"a":1},{"a":2}])", {});
  REQUIRE(root);
  CHECK(root->records.size() == 2);

  std::vector<std::string> data{"data"};
  // Pipedrive v1 answers an empty list with "data": null; only types that declare it may.
  auto null_data =
      json::parse_page(R"({"data":null,"additional_data":{}})", data, json::RecordsMember::null_when_empty);
  REQUIRE(null_data);
  CHECK(null_data->records.empty());
}

TEST_CASE("a records member that is missing or not an array is malformed, never an empty page", "[page]") {
  std::vector<std::string> data{"data"};
  auto message = [&](std::string_view body) {
    auto page = json::parse_page(body, data);
    REQUIRE_FALSE(page);
    CHECK(page.error().kind == ErrorKind::provider);
    return page.error().message;
  };
  CHECK(message(R"({"other":[{"a":1}]})") == "malformed response: no 'data' array of records");
  CHECK(message(R"({"data":{"id":1}})") == "malformed response: 'data' is an object, not an array of records");
  CHECK(message(R"({"data":"none"})") == "malformed response: 'data' is a string or number, not an array of records");
  CHECK(message(R"({"data":null})") == "malformed response: 'data' is null, not an array of records");
  CHECK(message(R"({"data":7})") == "malformed response: 'data' is a string or number, not an array of records");
  CHECK(message(R"({"data":true})") == "malformed response: 'data' is a boolean, not an array of records");
  std::vector<std::string> nested{"result", "items"};
  auto inner = json::parse_page(R"({"result":[]})", nested);
  REQUIRE_FALSE(inner);
  CHECK(inner.error().message == "malformed response: no 'result.items' array of records");
  auto root = json::parse_page(R"({"data":[]})", {});
  REQUIRE_FALSE(root);
  CHECK(root.error().message == "malformed response: 'the body' is an object, not an array of records");
}

TEST_CASE("nesting deeper than the cap is malformed, at any depth of the page, without exhausting the stack",
          "[page]") {
  std::vector<std::string> data{"data"};
  auto nested = [](std::string_view open, std::string_view close, int levels) {
    std::string text;
    for (int i = 0; i < levels; ++i) text += open;
    text += "1";
    for (int i = 0; i < levels; ++i) text += close;
    return text;
  };
  const std::string deep_arrays = nested("[", "]", 200'000);
  const std::string deep_objects = nested("{\"a\":", "}", 200'000);
  for (const auto& body : {R"({"data":[{"x":)" + deep_arrays + "}]}", R"({"data":[{"x":)" + deep_objects + "}]}",
                           R"({"data":[],"meta":)" + deep_arrays + "}", deep_objects}) {
    auto page = json::parse_page(body, data);
    REQUIRE_FALSE(page);
    CHECK(page.error().kind == ErrorKind::provider);
    CHECK(page.error().message == "malformed response: nesting deeper than 512 levels");
  }
  // The cap counts every level from the root (object, data, record, then 509 arrays): 512 is accepted.
  auto object_at_cap = json::parse_page(R"({"data":[{"x":)" + nested("[", "]", 509) + "}]}", data);
  REQUIRE(object_at_cap);
  CHECK(object_at_cap->records.size() == 1);
  auto past_cap = json::parse_page(R"({"data":[{"x":)" + nested("[", "]", 510) + "}]}", data);
  REQUIRE_FALSE(past_cap);
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

TEST_CASE("numbers beyond a double's range are valid JSON and come out as written", "[page]") {
  std::vector<std::string> data{"data"};
  const std::string long_integer = "-" + std::string(400, '9');
  const std::string body = R"({"data":[{"a":1e309,"s":"1e309 \"","b":)" + long_integer +
                           R"(,"c":[2E+400,0.5e-999]}],"meta":{"total":1e400}})";
  auto page = json::parse_page(body, data);
  REQUIRE(page);
  REQUIRE(page->records.size() == 1);
  CHECK(page->records[0] == R"({"a":1e309,"s":"1e309 \"","b":)" + long_integer + R"(,"c":[2E+400,0.5e-999]})");
  CHECK(json::text_at(page->envelope, "/meta/total") == "1e400");
  auto member = json::member_text(page->records[0], "c");
  REQUIRE(member);
  CHECK(*member == "[2E+400,0.5e-999]");
}

TEST_CASE("a record is written as RapidJSON writes it, whether copied from the source or written again",
          "[page]") {
  // Each source spelling and what the record becomes: copied when already so, else written again.
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"({"a":"x\"y\\z\n\t\r\b\f"})", R"({"a":"x\"y\\z\n\t\r\b\f"})"},  // escapes as RapidJSON writes them
      {R"({"a":"http:\/\/x"})", R"({"a":"http://x"})"},
      {R"({"a":"caf\u00e9","\u0062":1})", R"({"a":"café","b":1})"},
      {R"({"a":"\u001f\u001F\u0000"})", R"({"a":"\u001F\u001F\u0000"})"},  // upper case, as written
      {R"({"a":"\u000a"})", R"({"a":"\n"})"},
      {R"({ "a" : [ 1 , {"b":true} ] , "c":null })", R"({"a":[1,{"b":true}],"c":null})"},
      {"{\"a\":\"\xC3\x28\"}", "{\"a\":\"\xEF\xBF\xBD(\"}"},  // not UTF-8
      {R"({"a":"Zoë","b":-0.0,"c":1e3,"d":[],"e":{},"f":false})", R"({"a":"Zoë","b":-0.0,"c":1e3,"d":[],"e":{},"f":false})"},
      {R"({"a":"12345678\"12345678\\abcdefgh"})", R"({"a":"12345678\"12345678\\abcdefgh"})"},
      {R"({"a":"q\"", "b":"\\"})", R"({"a":"q\"","b":"\\"})"},  // a space beside escapes
      {R"({"a":"\\u0041\\/"})", R"({"a":"\\u0041\\/"})"},   // escaped backslashes before u and /
  };
  // A compact array of records is split at its commas (each record validated by simdjson); a
  // space between records sends the whole page through the SAX pass. Both give the same records.
  for (const std::string separator : {",", ", "}) {
    std::string body = R"({"data":[)";
    for (size_t i = 0; i < cases.size(); ++i) body += (i ? separator : "") + cases[i].first;
    body += "]}";
    INFO("separator '" << separator << "'");
    auto page = json::parse_page(body, std::vector<std::string>{"data"});
    REQUIRE(page);
    REQUIRE(page->records.size() == cases.size());
    for (size_t i = 0; i < cases.size(); ++i) {
      INFO(cases[i].first);
      CHECK(page->records[i] == cases[i].second);
    }
  }
}

TEST_CASE("a page split at its commas is the page the SAX pass reads or else is left to it", "[page]") {
  const std::vector<std::string> data{"data"};
  // Each body compact, then with a space after the records' opening bracket (the SAX pass).
  // `splits`: whether the compact body is cut at its commas; only a compact array of records,
  // in the one place records are, each a value simdjson takes, is.
  struct Case {
    std::string compact;
    std::vector<std::string> records;
    bool splits;
  };
  const std::vector<Case> cases{
      {R"({"data":[{"a":"x,y]"},{"b":[1,{"c":2}],"d":{"e":[]}}],"more":true})",
       {R"({"a":"x,y]"})", R"({"b":[1,{"c":2}],"d":{"e":[]}})"},
       true},
      // The records key twice: the SAX pass takes both arrays' records.
      {R"({"data":[{"a":1}],"data":[{"b":2}]})", {R"({"a":1})", R"({"b":2})"}, false},
      {R"([{"a":1},{"a":2}])", {R"({"a":1})", R"({"a":2})"}, true},
      // Numbers beyond 64-bit integers and doubles: simdjson refuses them, the SAX pass keeps them.
      {R"({"data":[{"n":123456789012345678901234567890,"m":1e400}]})",
       {R"({"n":123456789012345678901234567890,"m":1e400})"},
       false},
  };
  for (const auto& [compact, records, splits] : cases) {
    for (const std::string& body : {compact, std::string(compact).insert(compact.find('[') + 1, " ")}) {
      INFO(body);
      auto page = json::parse_page(body, body.front() == '[' ? std::vector<std::string>{} : data);
      REQUIRE(page);
      CHECK(page->records == records);
      CHECK(page->split_at_commas == (splits && body == compact));
    }
  }
  // What the SAX pass refuses, the split does not accept: the same error either way.
  const std::vector<std::pair<std::string, std::string>> refused{
      {R"({"data":[{"a":1},2]})", "malformed response: a record is not a JSON object"},
      {R"({"data":[{"a":1}x,{"b":2}]})", "malformed response: Missing a comma or ']' after an array element. at byte 16 of 27"},
      {R"({"data":[{"a":1},,{"b":2}]})", "malformed response: Invalid value. at byte 17 of 27"},
      {R"({"data":[{"a":tru}]})", "malformed response: Invalid value. at byte 17 of 20"},
      {"{\"data\":[{\"a\":\"\x01\"}]}", "malformed response: Invalid escape character in string. at byte 15 of 20"},
  };
  for (const auto& [body, message] : refused) {
    INFO(body);
    auto page = json::parse_page(body, data);
    REQUIRE_FALSE(page);
    CHECK(page.error().message == message);
  }
}
