#include <catch2/catch.hpp>

#include "lib/core/suggest.hpp"

using namespace crmexport;

TEST_CASE("edit distance counts an adjacent swap as one edit and ignores case", "[suggest]") {
  CHECK(edit_distance("exprot", "export") == 1);
  CHECK(edit_distance("pipdrive", "pipedrive") == 1);
  CHECK(edit_distance("NMAE", "name") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("same", "same") == 0);
}

TEST_CASE("did you mean names the close candidates, closest first, and nothing far", "[suggest]") {
  const std::vector<std::string> commands{"auth", "export", "sync", "providers", "fields"};
  CHECK(did_you_mean("exprot", commands) == ": did you mean 'export'?");
  CHECK(did_you_mean("snyc", commands) == ": did you mean 'sync'?");
  CHECK(did_you_mean("prov", commands) == ": did you mean 'providers'?");
  CHECK(did_you_mean("zzzzzz", commands).empty());

  const std::vector<std::string> providers{"pipedrive", "hubspot", "keap", "activecampaign"};
  CHECK(closest_names("pipdrive", providers) == std::vector<std::string>{"pipedrive"});
  CHECK(closest_names("kaep", providers) == std::vector<std::string>{"keap"});

  const std::vector<std::string> fields{"name", "names", "email", "mane"};
  CHECK(did_you_mean("nmae", fields) == ": did you mean 'name'?");
  CHECK(did_you_mean("nam", fields) == ": did you mean 'name' or 'names'?");
}
