// Argument handling that needs no network: where records go, and what CLI11 refuses.
#include <catch2/catch.hpp>
#include <filesystem>

#include "cmd/commands.hpp"
#include "cmd/output_plan.hpp"
#include "support/process.hpp"

using namespace crmexport;
using crmexport::testing::TempDir;

namespace {

ErrorKind kind_of_failure(const std::vector<std::string>& types, const std::string& output, const std::string& format) {
  try {
    cmd::plan_output(types, output, format);
  } catch (const Fatal& e) {
    return e.error().kind;
  }
  FAIL("plan_output accepted what it should refuse");
  return ErrorKind::runtime;
}

}  // namespace

TEST_CASE("one type goes to stdout as NDJSON unless -f says otherwise", "[cli]") {
  auto plan = cmd::plan_output({"persons"}, "", "");
  CHECK(plan.format == output::Format::ndjson);
  REQUIRE(plan.destinations.size() == 1);
  CHECK_FALSE(plan.destinations[0].path.has_value());
  CHECK(cmd::plan_output({"persons"}, "-", "csv").format == output::Format::csv);
  CHECK(kind_of_failure({"persons", "deals"}, "", "") == ErrorKind::usage);
  CHECK(kind_of_failure({"persons"}, "", "xml") == ErrorKind::usage);
}

TEST_CASE("an output FILE takes its format from the extension, -f overrides it", "[cli]") {
  CHECK(cmd::plan_output({"deals"}, "out.csv", "").format == output::Format::csv);
  CHECK(cmd::plan_output({"deals"}, "out.JSONL", "").format == output::Format::ndjson);
  CHECK(cmd::plan_output({"deals"}, "out.json", "").format == output::Format::json);
  CHECK(cmd::plan_output({"deals"}, "out.txt", "csv").format == output::Format::csv);
  CHECK(cmd::plan_output({"deals"}, "out.txt", "CSV").format == output::Format::csv);  // in any case
  const auto folder = std::filesystem::temp_directory_path().string();
  auto plan = cmd::plan_output({"deals"}, folder + "/b.ndjson", "");
  CHECK(plan.destinations[0].path == folder + "/b.ndjson");
  CHECK(kind_of_failure({"deals"}, "no-such-folder/b.ndjson", "") == ErrorKind::usage);
  CHECK(kind_of_failure({"deals"}, "out.txt", "") == ErrorKind::usage);
  CHECK(kind_of_failure({"deals", "persons"}, "out.json", "") == ErrorKind::usage);
}

TEST_CASE("an output DIR/ writes TYPE.EXT per type and creates the folder", "[cli]") {
  TempDir home;
  auto folder = home / "exports/nested/";
  auto plan = cmd::plan_output({"persons", "deals"}, folder, "csv");
  CHECK(std::filesystem::is_directory(folder));
  REQUIRE(plan.destinations.size() == 2);
  CHECK(plan.destinations[0].path == folder + "persons.csv");
  CHECK(plan.destinations[1].path == folder + "deals.csv");
  // An existing folder works without the trailing slash.
  auto existing = cmd::plan_output({"notes"}, home.path(), "");
  CHECK(existing.destinations[0].path == home / "notes.ndjson");
}

TEST_CASE("CLI11 refuses bad numbers and missing arguments before anything runs", "[cli]") {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"export", "pd", "persons", "--page-size", "0"},
           {"export", "pd", "persons", "--max-pages", "-1"},
           {"export", "pd"},
           {"auth", "add"},
           {"auth", "add", "pipedrive", "--token", "secret"},
       }) {
    CLI::App app;
    app.require_subcommand(1);
    cmd::Context context;
    cmd::register_auth_command(app, context);
    cmd::register_export_command(app, context);
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    INFO(args[0] << " ... " << args.back());
    CHECK_THROWS_AS(app.parse(reversed), CLI::ParseError);
  }
}

TEST_CASE("counts below 1 say \"must be at least 1\", whichever command and flag", "[cli]") {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"export", "pd", "persons", "--page-size", "0"},
           {"export", "pd", "persons", "--page-size", "-1"},
           {"export", "pd", "persons", "--max-records", "0"},
           {"export", "pd", "persons", "--max-pages", "-1"},
           {"sync", "pd", "--db", "x.db", "--page-size", "0"},
           {"sync", "pd", "--db", "x.db", "--page-size", "-1"},
       }) {
    CLI::App app;
    app.require_subcommand(1);
    cmd::Context context;
    cmd::register_export_command(app, context);
    cmd::register_sync_command(app, context);
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    INFO(args[0] << " " << args[args.size() - 2] << " " << args.back());
    try {
      app.parse(reversed);
      FAIL("accepted");
    } catch (const CLI::ParseError& e) {
      CHECK(std::string(e.what()) == args[args.size() - 2] + ": must be at least 1, not " + args.back());
    }
  }
}
