// The one check that what an export writes under -o DIR/ stays inside DIR (output::path_inside),
// as tar and git refuse the names they unpack: absolute parts, '..', '.' and empty parts, checked
// again after lexical normalisation.
#include <catch2/catch.hpp>

#include <string>

#include "lib/output/path_inside.hpp"

using namespace crmexport;

TEST_CASE("path_inside joins plain relative names and refuses anything that could leave the folder",
          "[output][names]") {
  struct Accepted {
    const char* dir;
    std::string relative;
    const char* joined;
  };
  const Accepted accepted[] = {
      {"OUT/", "persons.ndjson", "OUT/persons.ndjson"},
      {"OUT/", "pd", "OUT/pd"},
      {"OUT", "pd/persons.ndjson.partial.state", "OUT/pd/persons.ndjson.partial.state"},
      {"/tmp/out/", "..partial", "/tmp/out/..partial"},
      {"./", "x", "./x"},
      {"../up/", "x", "../up/x"},  // the folder itself is the user's to choose
      {"OUT/", "a..b", "OUT/a..b"},
  };
  for (const auto& c : accepted) {
    INFO(c.dir << " + " << c.relative);
    auto joined = output::path_inside(c.dir, c.relative);
    REQUIRE(joined.has_value());
    CHECK(joined->string() == c.joined);
  }
  const std::string refused[] = {"..",   "../evil", ".",   "",      "/abs", "/",     "a/../../x",
                                 "a//b", "a/",      "./x", "a/./b", "a/..", "..//x", std::string("a\0b", 3)};
  for (const auto& relative : refused) {
    INFO(relative);
    auto joined = output::path_inside("OUT/", relative);
    REQUIRE_FALSE(joined.has_value());
    CHECK(joined.error().kind == ErrorKind::usage);
  }
  CHECK(output::path_inside("OUT/", "../evil").error().message ==
        "'../evil' would not be inside 'OUT/': what crmexport writes there is named by parts that are neither empty, "
        "'.' nor '..', without a leading '/'; nothing was written there");
  CHECK(output::path_inside("OUT/", "a\nb/../..").error().message.starts_with("'a\\u000ab/../..' would not be inside"));
}
