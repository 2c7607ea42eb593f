// The real crmexport against crm-fake's Pipedrive, compared record by record with the dataset
// the fake dumped.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "support/csv_reader.hpp"
#include "support/fake_server.hpp"
#include "support/small_disk.hpp"

using namespace crmexport::testing;

namespace {

const std::vector<std::string> k_v2_types = {"persons",   "organizations", "deals", "activities",
                                             "pipelines", "stages",        "notes", "users"};
const std::vector<std::string> k_v1_types = {"persons", "organizations", "deals", "notes", "pipelines", "stages"};

struct Setup {
  FakeServer server;
  TempDir home;
  explicit Setup(std::vector<std::string> flags = {"--records", "120"}) : server(std::move(flags)) {
    auto added = add_connection(home, server, "pipedrive", "pd");
    REQUIRE(added.exit_code == 0);
  }
  RunResult exportt(std::vector<std::string> args) {
    args.insert(args.begin(), {"-q", "export", "pd"});
    return run_crmexport(home, args);
  }
};

// The resume cursor crmexport printed on stderr.
std::string cursor_in(const std::string& err) {
  auto at = err.find("--cursor '");
  REQUIRE(at != std::string::npos);
  auto start = at + 10;
  return err.substr(start, err.find('\'', start) - start);
}

}  // namespace

TEST_CASE("every Pipedrive type exports to NDJSON exactly as the dataset", "[e2e][pipedrive]") {
  Setup s;
  for (const auto& type : k_v2_types) {
    INFO(type);
    auto result = s.exportt({type});
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    auto expected = s.server.dataset("pipedrive", type);
    REQUIRE(expected.size() == 120);
    CHECK(lines_of(result.out) == expected);
  }
}

TEST_CASE("the v1 API exports the seed's six types exactly as the v1 dataset", "[e2e][pipedrive]") {
  Setup s;
  for (const auto& type : k_v1_types) {
    INFO(type);
    auto result = s.exportt({type, "--api-version", "v1", "--page-size", "50"});
    REQUIRE(result.exit_code == 0);
    CHECK(lines_of(result.out) == s.server.dataset("pipedrive", "v1/" + type));
  }
}

TEST_CASE("export -o DIR/ writes one file per type, JSON arrays hold the same records", "[e2e][pipedrive]") {
  Setup s;
  auto out = s.home / "out/";
  auto result = s.exportt({"persons", "deals", "notes", "-f", "json", "-o", out});
  REQUIRE(result.exit_code == 0);
  for (const std::string type : {"persons", "deals", "notes"}) {
    auto text = read_file(out + type + ".json");
    REQUIRE(text.starts_with("[\n"));
    REQUIRE(text.ends_with("\n]\n"));
    auto lines = lines_of(text.substr(2, text.size() - 5));
    for (auto& line : lines)
      if (line.ends_with(',')) line.pop_back();
    CHECK(lines == s.server.dataset("pipedrive", type));
    rapidjson::Document parsed;
    parsed.Parse(text.c_str());
    CHECK_FALSE(parsed.HasParseError());
  }
  // Nothing but the finished files and the manifest: no temporary or partial file left behind.
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(out)) files.insert(entry.path().filename().string());
  CHECK(files == std::set<std::string>{"deals.json", "manifest.json", "notes.json", "persons.json"});
}

TEST_CASE("CSV --raw cells hold each dataset value, flattened by dot path", "[e2e][pipedrive]") {
  Setup s;
  auto path = s.home / "persons.csv";
  auto result = s.exportt({"persons", "-o", path, "--raw"});
  REQUIRE(result.exit_code == 0);
  auto rows = parse_csv(read_file(path));
  auto expected = s.server.dataset("pipedrive", "persons");
  REQUIRE(rows.size() == expected.size() + 1);
  const auto& header = rows.front();
  auto column = [&](const std::string& name) {
    auto it = std::find(header.begin(), header.end(), name);
    REQUIRE(it != header.end());
    return static_cast<size_t>(it - header.begin());
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO(expected[i]);
    REQUIRE(rows[i + 1].size() == header.size());
    // Numbers as text, so each cell is compared with the provider's exact characters.
    rapidjson::Document record;
    record.Parse<rapidjson::kParseNumbersAsStringsFlag>(expected[i].c_str());
    for (auto& member : record.GetObject()) {
      std::string name = member.name.GetString();
      const auto& value = member.value;
      if (value.IsObject()) {
        for (auto& inner : value.GetObject()) {
          if (inner.value.IsString())
            CHECK(rows[i + 1][column(name + "." + inner.name.GetString())] == inner.value.GetString());
          else if (inner.value.IsNull())
            CHECK(rows[i + 1][column(name + "." + inner.name.GetString())].empty());
        }
      } else if (value.IsString()) {
        CHECK(rows[i + 1][column(name)] == value.GetString());
      } else if (value.IsNull()) {
        CHECK(rows[i + 1][column(name)].empty());
      } else if (value.IsBool()) {
        CHECK(rows[i + 1][column(name)] == (value.GetBool() ? "true" : "false"));
      } else if (value.IsArray()) {
        rapidjson::Document cell;
        cell.Parse<rapidjson::kParseNumbersAsStringsFlag>(rows[i + 1][column(name)].c_str());
        CHECK(cell == value);
      }
    }
  }
}

TEST_CASE("export --max-pages then --cursor gives exactly the rest, v2 cursor and v1 offsets", "[e2e][pipedrive]") {
  Setup s;
  for (const std::string version : {"v2", "v1"}) {
    INFO(version);
    auto first = s.exportt({"deals", "--api-version", version, "--page-size", "25", "--max-pages", "2"});
    REQUIRE(first.exit_code == 0);
    auto head = lines_of(first.out);
    CHECK(head.size() == 50);
    auto rest = s.exportt({"deals", "--api-version", version, "--page-size", "25", "--cursor", cursor_in(first.err)});
    REQUIRE(rest.exit_code == 0);
    auto tail = lines_of(rest.out);
    head.insert(head.end(), tail.begin(), tail.end());
    CHECK(head == s.server.dataset("pipedrive", version == "v2" ? "deals" : "v1/deals"));
  }
}

TEST_CASE("export --max-records stops inside a page and the cursor skips what was written", "[e2e][pipedrive]") {
  Setup s;
  auto first = s.exportt({"persons", "--page-size", "40", "--max-records", "55"});
  REQUIRE(first.exit_code == 0);
  auto head = lines_of(first.out);
  REQUIRE(head.size() == 55);
  auto cursor = cursor_in(first.err);
  CHECK(cursor.starts_with("pipedrive.v2.persons:skip:15:"));
  auto rest = s.exportt({"persons", "--page-size", "40", "--cursor", cursor});
  REQUIRE(rest.exit_code == 0);
  auto tail = lines_of(rest.out);
  head.insert(head.end(), tail.begin(), tail.end());
  CHECK(head == s.server.dataset("pipedrive", "persons"));
}

TEST_CASE("429s and 5xx are retried and nothing is lost or repeated", "[e2e][pipedrive]") {
  Setup s({"--records", "300", "--inject-429-every", "4", "--inject-500-every", "7"});
  auto result = s.exportt({"organizations", "--page-size", "20"});
  REQUIRE(result.exit_code == 0);
  CHECK(lines_of(result.out) == s.server.dataset("pipedrive", "organizations"));
  CHECK(s.server.stats().find("\"injected\":0") == std::string::npos);
}

TEST_CASE("a burst limit is paced from the rate-limit headers, not run into", "[e2e][pipedrive]") {
  Setup s({"--records", "200", "--burst", "4"});
  auto result = s.exportt({"stages", "--page-size", "10"});
  REQUIRE(result.exit_code == 0);
  CHECK(lines_of(result.out) == s.server.dataset("pipedrive", "stages"));
}

TEST_CASE("a malformed page is asked for again", "[e2e][pipedrive]") {
  Setup s({"--records", "100", "--inject-malformed-every", "3"});
  auto result = s.exportt({"persons", "--page-size", "10"});
  REQUIRE(result.exit_code == 0);
  CHECK(lines_of(result.out) == s.server.dataset("pipedrive", "persons"));
}

TEST_CASE("export --since sends updated_since, and types without a filter say so and export everything",
          "[e2e][pipedrive]") {
  Setup s;
  const std::string since = "2024-06-01T00:00:00Z";
  auto result = s.exportt({"deals", "--since", since});
  REQUIRE(result.exit_code == 0);
  std::vector<std::string> expected;
  for (const auto& line : s.server.dataset("pipedrive", "deals")) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    if (std::string(d["update_time"].GetString()) >= since) expected.push_back(line);
  }
  REQUIRE_FALSE(expected.empty());
  REQUIRE(expected.size() < 120);
  CHECK(lines_of(result.out) == expected);

  auto stages = run_crmexport(s.home, {"export", "pd", "stages", "--since", since});
  REQUIRE(stages.exit_code == 0);
  CHECK(lines_of(stages.out) == s.server.dataset("pipedrive", "stages"));
  CHECK_THAT(stages.err, Catch::Contains("no change filter"));
}

TEST_CASE("a rejected token exits 3, says to re-authenticate, and leaves no file", "[e2e][pipedrive]") {
  FakeServer server({"--records", "10"});
  TempDir home;
  REQUIRE(add_connection(home, server, "pipedrive", "pd", "wrong-token", {"--no-verify"}).exit_code == 0);
  auto out = home / "out/";
  std::filesystem::create_directories(out);
  auto result = run_crmexport(home, {"export", "pd", "persons", "-o", out + "persons.ndjson"});
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.err, Catch::Contains("unauthorized access"));
  CHECK_THAT(result.err, Catch::Contains("crmexport auth add pipedrive --name pd --force --token-stdin"));
  CHECK(result.err.find("wrong-token") == std::string::npos);
  CHECK(result.out.empty());
  CHECK_FALSE(std::filesystem::exists(out + "persons.ndjson"));
  CHECK(std::filesystem::is_empty(out));
}

TEST_CASE("usage errors exit 2 and list what is allowed", "[e2e][pipedrive]") {
  Setup s({"--records", "5"});
  auto unknown_type = s.exportt({"contacts"});
  CHECK(unknown_type.exit_code == 2);
  CHECK_THAT(unknown_type.err, Catch::Contains("no type 'contacts'"));
  CHECK_THAT(unknown_type.err,
             Catch::Contains("persons, organizations, deals, activities, pipelines, stages, notes, users"));
  auto unknown_version = s.exportt({"persons", "--api-version", "v9"});
  CHECK(unknown_version.exit_code == 2);
  CHECK_THAT(unknown_version.err, Catch::Contains("versions: v2, v1"));
  auto two_to_stdout = s.exportt({"persons", "deals"});
  CHECK(two_to_stdout.exit_code == 2);
  CHECK_THAT(two_to_stdout.err, Catch::Contains("-o DIR/"));
  auto bad_format = s.exportt({"persons", "-f", "xml"});
  CHECK(bad_format.exit_code == 2);
  for (const std::string reserved : {"cursor", "limit", "updated_since"}) {
    auto bad_param = s.exportt({"persons", "--param", reserved + "=1"});
    CHECK(bad_param.exit_code == 2);
    CHECK_THAT(bad_param.err, Catch::Contains("--param " + reserved));
  }
  auto no_equals = s.exportt({"persons", "--param", "status"});
  CHECK(no_equals.exit_code == 2);
  CHECK_THAT(no_equals.err, Catch::Contains("not KEY=VALUE"));
  auto unknown_provider = run_crmexport(s.home, {"auth", "add", "salesforce", "--token-stdin"}, {{}, "t\n"});
  CHECK(unknown_provider.exit_code == 2);
  CHECK_THAT(unknown_provider.err, Catch::Contains("providers: pipedrive"));
  auto bad_flag = run_crmexport(s.home, {"export", "pd", "persons", "--frobnicate"});
  CHECK(bad_flag.exit_code == 2);
}

TEST_CASE("a closed pipe ends the run quietly", "[e2e][pipedrive]") {
  Setup s({"--records", "2000"});
  auto result = run({"/bin/bash", "-c",
                     "set -o pipefail; '" CRMEXPORT_BIN "' --store '" + s.home / "store.db" +
                         "' export pd persons --page-size 100 | head -n 3"});
  CHECK(result.exit_code == 0);
  CHECK(lines_of(result.out).size() == 3);
  CHECK(result.err.empty());
}

TEST_CASE("a cursor printed for another type or API version is refused with exit 2 before any request",
          "[e2e][pipedrive]") {
  Setup s;
  auto first = s.exportt({"deals", "--page-size", "25", "--max-pages", "1"});
  REQUIRE(first.exit_code == 0);
  const auto cursor = cursor_in(first.err);
  CHECK(cursor.starts_with("pipedrive.v2.deals:"));
  const auto before = s.server.stats();
  auto other_type = s.exportt({"persons", "--cursor", cursor});
  CHECK(other_type.exit_code == 2);
  CHECK(untimed(other_type.err) == "crmexport: error: cursor '" + cursor +
                              "' was printed for pipedrive.v2.deals, not pipedrive.v2.persons: use it with that "
                              "provider, API version and type, or export pipedrive.v2.persons again without --cursor\n");
  auto other_version = s.exportt({"deals", "--api-version", "v1", "--cursor", cursor});
  CHECK(other_version.exit_code == 2);
  CHECK_THAT(other_version.err, Catch::Contains("not pipedrive.v1.deals"));
  auto bare = s.exportt({"deals", "--cursor", "50"});
  CHECK(bare.exit_code == 2);
  CHECK_THAT(bare.err, Catch::Contains("does not say which type it belongs to"));
  CHECK(other_type.out.empty());
  CHECK(s.server.stats() == before);
}

TEST_CASE("a full disk under -o FILE: exit 1, a message naming the file, the pages written kept for --resume",
          "[e2e][pipedrive][disk]") {
  SmallDisk disk("256k");
  if (!disk.mounted()) {
    WARN("skipped: " << disk.why_not());
    return;
  }
  Setup s({"--records", "2000"});  // about 2 MB of persons
  const std::string target = disk / "persons.ndjson";
  // Pages of 50 persons (about 50 kB): a few fit before the disk is full.
  auto result = s.exportt({"persons", "--page-size", "50", "-o", target});
  CHECK(result.exit_code == 1);
  const std::string err = untimed(result.err);
  CHECK_THAT(err, Catch::StartsWith("crmexport: error: cannot write " + target));
  CHECK_THAT(err, Catch::Contains(": No space left on device; "));
  CHECK_THAT(err, Catch::Contains(" records are kept in " + target + ".partial; finish it with the same command and "
                                  "--resume"));
  CHECK_FALSE(std::filesystem::exists(target));
  // What was kept is a clean prefix (cut back to the last page written), and --resume where
  // there is room finishes it.
  const auto kept = lines_of(read_file(target + ".partial"));
  const auto dataset = s.server.dataset("pipedrive", "persons");
  REQUIRE(kept.size() < dataset.size());
  CHECK(kept == std::vector(dataset.begin(), dataset.begin() + static_cast<long>(kept.size())));
  CHECK_THAT(err, Catch::Contains(std::to_string(kept.size()) + " records are kept"));
  // Every page written before the disk filled is kept, not only the first: the pages come faster
  // than the state is saved while they come, and the stop saves the newest.
  CHECK(kept.size() > 50);
  TempDir roomy;
  std::filesystem::copy_file(target + ".partial", roomy / "persons.ndjson.partial");
  std::filesystem::copy_file(target + ".partial.state", roomy / "persons.ndjson.partial.state");
  auto resumed = s.exportt({"persons", "--page-size", "50", "-o", roomy / "persons.ndjson", "--resume"});
  CHECK(resumed.exit_code == 0);
  CHECK(lines_of(read_file(roomy / "persons.ndjson")) == dataset);
}
