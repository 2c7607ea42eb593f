// Resuming a file export that stopped before the end (a provider failing for good after some
// pages, SIGTERM), the manifest of an export to a folder, --summary-json and --strict. Every
// resumed file must be byte-identical to the file of an uninterrupted run.
#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <chrono>
#include <filesystem>
#include <thread>

#include "lib/json/parse.hpp"
#include "support/fake_server.hpp"
#include "support/stopped_runs.hpp"

using namespace crmexport::testing;
namespace fs = std::filesystem;

namespace {

// 300 persons in pages of 20: 15 pages, and a provider that fails for good after `fail_after`
// requests until it is healed.
struct Setup {
  FakeServer server;
  TempDir home;
  explicit Setup(std::vector<std::string> flags) : server(std::move(flags)) {
    REQUIRE(add_connection(home, server, "pipedrive", "pd").exit_code == 0);
  }
  // --max-retries 1: the failure is persistent, so more retries would only take longer.
  RunResult exporting(std::vector<std::string> args) const {
    std::vector<std::string> all = {"--max-retries", "1", "export", "pd"};
    all.insert(all.end(), args.begin(), args.end());
    return run_crmexport(home, all);
  }
  RunResult resuming(std::vector<std::string> args) const {
    args.push_back("--resume");
    return exporting(std::move(args));
  }
  std::vector<std::string> argv(std::vector<std::string> args) const {
    std::vector<std::string> all = {CRMEXPORT_BIN, "--store", home / "store.db", "-q", "export", "pd"};
    all.insert(all.end(), args.begin(), args.end());
    return all;
  }
};

std::vector<std::string> failing_flags(int fail_after) {
  return {"--records", "300", "--burst", "100000", "--fail-after-requests", std::to_string(fail_after)};
}

std::string sha256sum(const std::string& path) {
  auto result = run({"/usr/bin/sha256sum", path});
  REQUIRE(result.exit_code == 0);
  return result.out.substr(0, 64);
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document document;
  REQUIRE(crmexport::json::parse_dom(document, text) == crmexport::json::Parsed::ok);
  return document;
}

}  // namespace

TEST_CASE("a provider failing for good keeps FILE.partial, and --resume after it recovers gives the same bytes",
          "[e2e][resume]") {
  // The connection's check is the first request, 5 pages follow; CSV is readable by default, so
  // its field metadata takes one more request: one page fewer.
  for (const auto& [extension, flags, records] : {std::tuple{std::string("ndjson"), std::vector<std::string>{}, 100},
                                                  {"json", {}, 100},
                                                  {"csv", {}, 80},
                                                  {"csv", {"--fields", "id,name,emails"}, 80}}) {
    INFO(extension << " " << flags.size());
    Setup s(failing_flags(6));
    TempDir out;
    const std::string target = out / ("persons." + extension);
    std::vector<std::string> args = {"persons", "--page-size", "20", "-o", target};
    args.insert(args.end(), flags.begin(), flags.end());

    auto failed = s.exporting(args);
    CHECK(failed.exit_code == 5);
    const std::string err = untimed(failed.err);
    const std::string kept = fmt::format(
        "; stopped before the end; {} records are kept in {}.partial; finish it with "
        "the same command and --resume (it goes on at --cursor '",
        records, target);
    CHECK(err.find(kept) != std::string::npos);
    // The one retry (--max-retries 1) is said, then the error.
    CHECK(err.starts_with("crmexport: retrying in "));
    CHECK(err.find("(attempt 2 of 2): GET ") != std::string::npos);
    CHECK(err.find("\ncrmexport: error: persons: ") != std::string::npos);
    CHECK(cursor_in(err).starts_with("pipedrive.v2.persons:"));
    CHECK_FALSE(fs::exists(target));
    REQUIRE(fs::exists(target + ".partial"));
    struct stat info {};
    REQUIRE(stat((target + ".partial.state").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    if (extension == "ndjson") {
      const auto dataset = s.server.dataset("pipedrive", "persons");
      CHECK(lines_of(read_file(target + ".partial")) == std::vector(dataset.begin(), dataset.begin() + records));
    }

    s.server.post("/_admin/heal");
    auto resumed = s.resuming(args);
    INFO(resumed.err);
    REQUIRE(resumed.exit_code == 0);
    CHECK(
        untimed(resumed.err).find(fmt::format("persons: continuing {}.partial after {} records\n", target, records)) !=
        std::string::npos);
    // The summary counts the file's records (the dataset's 300 in 15 pages of 20), and this run's share.
    CHECK(untimed(resumed.err).find(fmt::format("crmexport: persons: 300 records ({} this run) in 15 pages, ",
                                                300 - records)) != std::string::npos);
    CHECK_FALSE(fs::exists(target + ".partial"));
    CHECK_FALSE(fs::exists(target + ".partial.state"));

    const std::string reference = out / ("reference." + extension);
    std::vector<std::string> whole = {"persons", "--page-size", "20", "-o", reference};
    whole.insert(whole.end(), flags.begin(), flags.end());
    REQUIRE(s.exporting(whole).exit_code == 0);
    CHECK(read_file(target) == read_file(reference));
    if (extension == "ndjson") CHECK(lines_of(read_file(target)) == s.server.dataset("pipedrive", "persons"));
  }
}

TEST_CASE("SIGTERM mid-export keeps FILE.partial, and --resume finishes it byte-identical", "[e2e][resume]") {
  // 15 pages, each answered after 60 ms: a run of about a second to interrupt.
  Setup s({"--records", "300", "--latency-ms", "60", "--burst", "100000"});
  TempDir out, scratch;
  const std::string target = out / "persons.json";
  int pid = spawn(s.argv({"persons", "--page-size", "20", "-o", target}), scratch / "out", scratch / "err");
  wait_until([&] { return fs::exists(target + ".partial.state"); });
  kill(pid, SIGTERM);
  REQUIRE(wait_for_exit(pid) == 143);
  const std::string err = untimed(read_file(scratch / "err"));
  CHECK(err.starts_with("crmexport: error: persons: interrupted by SIGTERM before the end; "));
  CHECK(err.find(" records are kept in " + target + ".partial; finish it with the same command and --resume") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(target));

  auto resumed = run_crmexport(s.home, {"export", "pd", "persons", "--page-size", "20", "-o", target, "--resume"});
  REQUIRE(resumed.exit_code == 0);
  auto whole = run_crmexport(s.home, {"-q", "export", "pd", "persons", "--page-size", "20", "-f", "json"});
  REQUIRE(whole.exit_code == 0);
  CHECK(read_file(target) == whole.out);
}

TEST_CASE(
    "a folder export with one type failing: --resume leaves the finished type, completes the other, starts the third, "
    "the manifest "
    "matches the files",
    "[e2e][resume]") {
  // The connection's check, stages' 15 pages, then 3 pages of persons before the failure; one
  // type at a time, so deals never starts.
  Setup s(failing_flags(19));
  TempDir out;
  const std::string folder = out.path() + "/";
  const std::vector<std::string> args = {"stages", "persons", "deals", "--page-size", "20",
                                         "--jobs", "1",       "-o",    folder};
  auto failed = s.exporting(args);
  CHECK(failed.exit_code == 5);
  CHECK(untimed(failed.err)
            .ends_with("(it goes on at --cursor '" + cursor_in(untimed(failed.err)) +
                       "') (stages was written completely); not started: deals\n"));
  auto manifest = parse(read_file(out / "manifest.json"));
  CHECK(std::string(manifest["types"][0]["status"].GetString()) == "complete");
  CHECK(std::string(manifest["types"][1]["status"].GetString()) == "unfinished");
  CHECK(manifest["types"][1]["records"].GetInt() == 60);
  CHECK(manifest["types"][1]["sha256"].IsNull());
  CHECK(std::string(manifest["types"][1]["resume_cursor"].GetString()) == cursor_in(untimed(failed.err)));
  CHECK(std::string(manifest["types"][2]["status"].GetString()) == "not started");
  CHECK_FALSE(fs::exists(out / "deals.ndjson.partial"));
  const auto stages_before = fs::last_write_time(out / "stages.ndjson");

  s.server.post("/_admin/heal");
  auto resumed = s.resuming(args);
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(untimed(resumed.err)
            .find("stages: " + folder +
                  "stages.ndjson was finished by an earlier run; left as it "
                  "is\n") != std::string::npos);
  CHECK(fs::last_write_time(out / "stages.ndjson") == stages_before);
  CHECK(lines_of(read_file(out / "persons.ndjson")) == s.server.dataset("pipedrive", "persons"));
  CHECK(lines_of(read_file(out / "stages.ndjson")) == s.server.dataset("pipedrive", "stages"));
  CHECK(lines_of(read_file(out / "deals.ndjson")) == s.server.dataset("pipedrive", "deals"));
  CHECK_THAT(untimed(resumed.err), Catch::Contains("--resume: no " + folder +
                                                   "deals.ndjson.partial to continue; "
                                                   "exporting from the first page\n"));

  manifest = parse(read_file(out / "manifest.json"));
  CHECK(std::string(manifest["connection"]["name"].GetString()) == "pd");
  CHECK(std::string(manifest["connection"]["provider"].GetString()) == "pipedrive");
  CHECK(manifest["connection"].MemberCount() == 2);
  CHECK(std::string(manifest["api_version"].GetString()) == "v2");
  const auto& types = manifest["types"];
  REQUIRE(types.Size() == 3);
  for (const auto& [index, name, records, pages] :
       {std::tuple{0, "stages", 300, 15}, {1, "persons", 300, 15}, {2, "deals", 300, 15}}) {
    const auto& type = types[index];
    INFO(name);
    const std::string file = std::string(name) + ".ndjson";
    CHECK(std::string(type["type"].GetString()) == name);
    CHECK(std::string(type["status"].GetString()) == "complete");
    CHECK(std::string(type["file"].GetString()) == file);
    CHECK(std::string(type["format"].GetString()) == "ndjson");
    CHECK(type["records"].GetInt64() == static_cast<int64_t>(lines_of(read_file(out / file)).size()));
    CHECK(type["records"].GetInt() == records);
    CHECK(type["pages"].GetInt() == pages);
    CHECK(type["provider_total"].IsNull());
    CHECK(type["count_matches"].IsNull());
    CHECK(std::string(type["sha256"].GetString()) == sha256sum(out / file));
    CHECK(std::string(type["next_since"].GetString()).ends_with("Z"));
  }
}

TEST_CASE(
    "resume without a partial file starts afresh, without --resume a partial is replaced, other "
    "options are refused",
    "[e2e][resume]") {
  Setup s(failing_flags(3));
  TempDir out;
  const std::string target = out / "persons.ndjson";
  REQUIRE(s.exporting({"persons", "--page-size", "20", "-o", target}).exit_code == 5);
  REQUIRE(fs::exists(target + ".partial"));

  auto other = s.exporting({"persons", "--page-size", "50", "-o", target, "--resume"});
  CHECK(other.exit_code == 2);
  CHECK(untimed(other.err) == "crmexport: error: " + target +
                                  ".partial was written with --page-size 20, not 50: "
                                  "resume with the options it was written with, or export again without --resume "
                                  "to start over\n");
  auto both = s.exporting({"persons", "-o", target, "--resume", "--cursor", "pipedrive.v2.persons:x"});
  CHECK(both.exit_code == 2);

  s.server.post("/_admin/heal");
  auto fresh = s.exporting({"persons", "--page-size", "20", "-o", target});
  CHECK(fresh.exit_code == 0);
  CHECK(untimed(fresh.err).starts_with("crmexport: replacing " + target +
                                       ".partial left by an earlier run (pass --resume to "
                                       "continue it instead)\n"));
  CHECK(lines_of(read_file(target)) == s.server.dataset("pipedrive", "persons"));

  const std::string second = out / "second.ndjson";
  auto nothing = s.exporting({"persons", "-o", second, "--resume"});
  CHECK(nothing.exit_code == 0);
  CHECK(untimed(nothing.err)
            .starts_with("crmexport: --resume: no " + second +
                         ".partial to continue; exporting from the first "
                         "page\n"));
  CHECK(read_file(second) == read_file(target));
}

TEST_CASE("summary JSON goes to stdout when records go to files, to stderr when they go to stdout", "[e2e][resume]") {
  Setup s({"--records", "50", "--burst", "100000"});
  TempDir out;
  auto to_file = run_crmexport(s.home, {"-q", "export", "pd", "persons", "-o", out / "p.csv", "--summary-json"});
  REQUIRE(to_file.exit_code == 0);
  auto summary = parse(to_file.out);
  CHECK(std::string(summary["crmexport_version"].GetString()).size() > 0);
  CHECK(std::string(summary["types"][0]["file"].GetString()) == out / "p.csv");
  CHECK(std::string(summary["types"][0]["format"].GetString()) == "csv");
  CHECK(summary["types"][0]["records"].GetInt() == 50);
  CHECK(std::string(summary["types"][0]["sha256"].GetString()) == sha256sum(out / "p.csv"));
  CHECK_FALSE(fs::exists(out / "manifest.json"));  // only -o DIR/ writes one

  auto to_stdout = run_crmexport(s.home, {"-q", "export", "pd", "persons", "--summary-json"});
  REQUIRE(to_stdout.exit_code == 0);
  CHECK(lines_of(to_stdout.out) == s.server.dataset("pipedrive", "persons"));
  summary = parse(to_stdout.err);
  CHECK(summary["types"][0]["file"].IsNull());
  CHECK(summary["types"][0]["sha256"].IsNull());
  CHECK(summary["types"][0]["records"].GetInt() == 50);
  CHECK(std::string(summary["types"][0]["status"].GetString()) == "complete");
}

TEST_CASE("strict: exit 6 when the count differs from the provider total, and the manifest says so", "[e2e][resume]") {
  FakeServer server({"--records", "30", "--activecampaign-total-offset", "1"});
  TempDir home, out;
  REQUIRE(add_connection(home, server, "activecampaign", "ac").exit_code == 0);
  const std::string folder = out.path() + "/";
  auto lenient = run_crmexport(home, {"-q", "export", "ac", "deals", "-o", folder});
  CHECK(lenient.exit_code == 0);
  auto manifest = parse(read_file(out / "manifest.json"));
  CHECK(manifest["types"][0]["records"].GetInt() == 30);
  CHECK(manifest["types"][0]["provider_total"].GetInt() == 31);
  CHECK(manifest["types"][0]["count_matches"].GetBool() == false);

  auto strict = run_crmexport(home, {"-q", "export", "ac", "deals", "-o", folder, "--strict"});
  CHECK(strict.exit_code == 6);
  CHECK(untimed(strict.err)
            .ends_with("crmexport: error: deals has 30 records but ActiveCampaign reported 31 "
                       "(--strict); records were added or deleted during the export: export again, "
                       "or drop --strict to accept the files as read\n"));
  CHECK(lines_of(read_file(out / "deals.ndjson")) == server.dataset("activecampaign", "deals"));

  FakeServer honest({"--records", "30"});
  TempDir honest_home;
  REQUIRE(add_connection(honest_home, honest, "activecampaign", "ac").exit_code == 0);
  auto matching = run_crmexport(honest_home, {"-q", "export", "ac", "deals", "-o", folder, "--strict"});
  CHECK(matching.exit_code == 0);
  manifest = parse(read_file(out / "manifest.json"));
  CHECK(manifest["types"][0]["provider_total"].GetInt() == 30);
  CHECK(manifest["types"][0]["count_matches"].GetBool() == true);
}

TEST_CASE("a rate limit not recovered (HubSpot's daily limit, exit 4) keeps FILE.partial and prints the cursor",
          "[e2e][resume]") {
  // auth add spends 1 request; the export the properties and 3 pages of 20, then is refused.
  FakeServer server({"--records", "120", "--hubspot-daily-limit", "5"});
  TempDir home, out;
  REQUIRE(add_connection(home, server, "hubspot", "hs").exit_code == 0);
  const std::string target = out / "contacts.ndjson";
  auto result = run_crmexport(home, {"export", "hs", "contacts", "--page-size", "20", "-o", target});
  CHECK(result.exit_code == 4);
  const std::string err = untimed(result.err);
  CHECK_THAT(err, Catch::Contains("daily HubSpot API limit is spent"));
  CHECK_THAT(err, Catch::Contains("; stopped before the end; 60 records are kept in " + target +
                                  ".partial; finish it with the same command and --resume (it goes on at --cursor "
                                  "'hubspot.v3.contacts:"));
  const auto dataset = server.dataset("hubspot", "contacts");
  CHECK(lines_of(read_file(target + ".partial")) == std::vector(dataset.begin(), dataset.begin() + 60));
  CHECK_FALSE(fs::exists(target));
}
