// What a person at a terminal sees while crmexport reads: the real binary on a pseudo-terminal
// against crm-fake's ActiveCampaign (which reports meta.total), slowed by --latency-ms so pages
// take long enough for status lines to be drawn. Records are compared with the dumped dataset.
#include <fmt/format.h>
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <map>
#include <regex>

#include "support/fake_server.hpp"
#include "support/terminal.hpp"

using namespace crmexport::testing;

namespace {

struct Setup {
  FakeServer server{{"--records", "60", "--latency-ms", "100"}};
  TempDir home;
  Setup() { REQUIRE(add_connection(home, server, "activecampaign", "ac").exit_code == 0); }
  TerminalRun run(std::vector<std::string> args, TerminalOptions options = {}) {
    args.insert(args.begin(), {CRMEXPORT_BIN, "--store", home / "store.db"});
    options.env.emplace("TERM", "xterm");
    options.env.emplace("NO_COLOR", "");
    return run_in_terminal(args, options);
  }
};

bool contains(const std::string& screen, const std::string& text) { return screen.find(text) != std::string::npos; }

// Every CSI sequence (ESC [ parameters final-byte) written, with how often.
std::map<std::string, int> control_sequences(const std::string& screen) {
  std::map<std::string, int> found;
  static const std::regex csi("\033\\[[0-9;?]*[@-~]");
  for (auto it = std::sregex_iterator(screen.begin(), screen.end(), csi); it != std::sregex_iterator(); ++it)
    ++found[it->str()];
  return found;
}

std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '\033' ? std::string("\\e") : std::string(1, c);
  return out;
}

// A type's summary line. The request count is left out: `auth add` has just spent one of
// ActiveCampaign's five requests a second, so a 429 and its retry can add one.
void check_summary(const std::string& line, const std::string& type, const std::string& file = "") {
  CHECK_THAT(line, Catch::StartsWith("crmexport: " + type + ": 60 records in 3 pages, "));
  CHECK_THAT(line, Catch::EndsWith(file.empty() ? " requests\r" : " requests -> " + file + "\r"));
}

// A line of `type` with the provider's total of 60 was drawn (which pages depends on how the
// concurrent types' redraws fell within a tenth of a second).
bool shows_total(const std::string& screen, const std::string& type) {
  for (const char* counts : {"20/60 records (33%)", "40/60 records (66%)", "60/60 records (100%)"})
    if (contains(screen, type + ": " + counts)) return true;
  return false;
}

}  // namespace

TEST_CASE("on a terminal, each type read at once has its own status line with the total, percentage and ETA",
          "[e2e][progress]") {
  Setup s;
  auto out = s.home / "out/";
  auto run = s.run({"export", "ac", "contacts", "deals", "-o", out, "--page-size", "20", "--jobs", "2"});
  INFO(run.screen);
  REQUIRE(run.exit_code == 0);
  CHECK(lines_of(read_file(out + "contacts.ndjson")) == s.server.dataset("activecampaign", "contacts"));
  CHECK(lines_of(read_file(out + "deals.ndjson")) == s.server.dataset("activecampaign", "deals"));
  // Drawn before the first page, so the screen is never blank.
  CHECK(contains(run.screen, "contacts: connecting…"));
  CHECK(contains(run.screen, "deals: connecting…"));
  // meta.total read from the first page: count, percentage and time left on each type's line.
  CHECK(shows_total(run.screen, "contacts"));
  CHECK(shows_total(run.screen, "deals"));
  CHECK(contains(run.screen, "records/s, ETA "));
  // Two lines, redrawn in place: up one line and erase it, twice.
  CHECK(contains(run.screen, "\r\033[A\033[2K\033[A\033[2K"));
  // Only the block's own lines are touched: every control sequence drawn is "up one line" or
  // "erase this line", never an erase of the screen (or of all below) nor a move to its home.
  auto controls = control_sequences(run.screen);
  CHECK_FALSE(controls.empty());
  for (const auto& [sequence, count] : controls) {
    INFO(escaped(sequence) << " written " << count << " times");
    CHECK((sequence == "\033[A" || sequence == "\033[2K"));
  }
  // Messages go above the block, which is gone at the end: the summaries are the last lines.
  auto last_erase = run.screen.rfind("\033[2K");
  REQUIRE(last_erase != std::string::npos);
  auto after = lines_of(run.screen.substr(last_erase + 3));
  REQUIRE(after.size() >= 1);
  CHECK_FALSE(contains(run.screen.substr(last_erase), "records/s"));
  for (const char* type : {"contacts", "deals"}) {
    auto at = run.screen.find(std::string("crmexport: ") + type + ": 60 records");
    REQUIRE(at != std::string::npos);
    check_summary(lines_of(run.screen.substr(at)).front(), type, out + type + ".ndjson");
  }
}

TEST_CASE("records going to stdout on the same terminal as stderr get no status line, only the summary",
          "[e2e][progress]") {
  Setup s;
  auto run = s.run({"export", "ac", "contacts", "--page-size", "20"});
  INFO(run.screen);
  REQUIRE(run.exit_code == 0);
  CHECK_FALSE(contains(run.screen, "\033["));
  CHECK_FALSE(contains(run.screen, "connecting"));
  CHECK_FALSE(contains(run.screen, "records/s"));
  auto lines = lines_of(run.screen);
  REQUIRE(lines.size() == 61);  // each record, then the summary
  check_summary(lines.back(), "contacts");
  auto expected = s.server.dataset("activecampaign", "contacts");
  for (size_t i = 0; i < expected.size(); ++i) CHECK(lines[i] == expected[i] + "\r");

  SECTION("stdout elsewhere: the status line is drawn on stderr") {
    auto records = s.home / "records.ndjson";
    TerminalOptions options;
    options.stdout_path = records;
    auto piped = s.run({"export", "ac", "contacts", "--page-size", "20"}, options);
    REQUIRE(piped.exit_code == 0);
    CHECK(lines_of(read_file(records)) == expected);
    CHECK(contains(piped.screen, "contacts: 20/60 records (33%), 1 page, "));
  }
}

TEST_CASE("TERM=dumb and -q draw no status lines on a terminal", "[e2e][progress]") {
  Setup s;
  auto out = s.home / "out/";
  TerminalOptions dumb;
  dumb.env["TERM"] = "dumb";
  auto plain = s.run({"export", "ac", "deals", "-o", out, "--page-size", "20"}, dumb);
  REQUIRE(plain.exit_code == 0);
  auto lines = lines_of(plain.screen);
  REQUIRE(lines.size() == 1);
  check_summary(lines[0], "deals", out + "deals.ndjson");
  CHECK_FALSE(contains(plain.screen, "\033"));

  auto quiet = s.run({"-q", "export", "ac", "deals", "-o", out, "--page-size", "20"});
  REQUIRE(quiet.exit_code == 0);
  CHECK(quiet.screen.empty());
  CHECK(lines_of(read_file(out + "deals.ndjson")) == s.server.dataset("activecampaign", "deals"));
}

TEST_CASE("sync shows the same status line with the provider's total", "[e2e][progress]") {
  Setup s;
  auto db = s.home / "mirror.db";
  auto run = s.run({"sync", "ac", "deals", "--db", db, "--page-size", "20"});
  INFO(run.screen);
  REQUIRE(run.exit_code == 0);
  CHECK(contains(run.screen, "deals: connecting…"));
  CHECK(contains(run.screen, "deals: 20/60 records (33%), 1 page, "));
  CHECK(contains(run.screen, "crmexport: deals: full, fetched 60, inserted 60, updated 0, deleted 0"));

  // --json reports the same total.
  auto full = run_crmexport(s.home, {"-q", "sync", "ac", "deals", "--db", s.home / "other.db", "--json"});
  REQUIRE(full.exit_code == 0);
  rapidjson::Document summary;
  summary.Parse(full.out.c_str());
  REQUIRE(summary.IsObject());
  CHECK(summary["types"]["deals"]["provider_total"].GetInt64() == 60);
  CHECK(summary["types"]["deals"]["fetched"].GetInt64() == 60);
}

TEST_CASE("HubSpot's search total reaches the status line through the planned pages", "[e2e][progress]") {
  FakeServer server{{"--records", "60", "--latency-ms", "100"}};
  TempDir home;
  REQUIRE(add_connection(home, server, "hubspot", "hs").exit_code == 0);
  auto out = home / "out/";
  TerminalOptions options;
  options.env.emplace("TERM", "xterm");
  auto run = run_in_terminal({CRMEXPORT_BIN, "--store", home / "store.db", "export", "hs", "companies", "--since",
                              "2000-01-01", "-o", out, "--page-size", "20"},
                             options);
  INFO(run.screen);
  REQUIRE(run.exit_code == 0);
  CHECK(lines_of(read_file(out + "companies.ndjson")).size() == 60);
  CHECK(contains(run.screen, "companies: 20/60 records (33%), 1 page, "));
}

TEST_CASE("a type's status line says when it retries, and why", "[e2e][progress]") {
  FakeServer server{{"--records", "60", "--latency-ms", "100", "--inject-500-every", "3"}};
  TempDir home;
  REQUIRE(add_connection(home, server, "activecampaign", "ac").exit_code == 0);
  auto out = home / "out/";
  TerminalOptions options;
  options.env.emplace("TERM", "xterm");
  auto run = run_in_terminal(
      {CRMEXPORT_BIN, "--store", home / "store.db", "export", "ac", "deals", "-o", out, "--page-size", "20"}, options);
  INFO(run.screen);
  REQUIRE(run.exit_code == 0);
  CHECK(lines_of(read_file(out + "deals.ndjson")) == server.dataset("activecampaign", "deals"));
  CHECK(contains(run.screen, " s after HTTP 500"));
  CHECK(std::regex_search(run.screen, std::regex(R"(deals: (connecting…|\d+/60 records \(\d+%\).*;) retrying in \d+ s after HTTP 500)")));
}

TEST_CASE("a resumed export's status line keeps the provider's total and counts the records already kept",
          "[e2e][progress][resume]") {
  // The connection's check and the first page pass; then every request fails until healed.
  FakeServer server{{"--records", "60", "--latency-ms", "100", "--fail-after-requests", "2"}};
  TempDir home;
  REQUIRE(add_connection(home, server, "activecampaign", "ac").exit_code == 0);
  const std::string target = home / "deals.ndjson";
  std::vector<std::string> args = {CRMEXPORT_BIN, "--store", home / "store.db", "--max-retries", "1", "export", "ac",
                                   "deals", "-o", target, "--page-size", "20"};
  auto failed = run_crmexport(home, std::vector<std::string>(args.begin() + 3, args.end()));
  REQUIRE(failed.exit_code == 5);
  server.post("/_admin/heal");
  args.push_back("--resume");
  TerminalOptions options;
  options.env.emplace("TERM", "xterm");
  auto run = run_in_terminal(args, options);
  INFO(run.screen);
  REQUIRE(run.exit_code == 0);
  CHECK(lines_of(read_file(target)) == server.dataset("activecampaign", "deals"));
  // The first page of this run is the file's second: 40 of the 60 the first run's first page reported.
  CHECK(contains(run.screen, "deals: 40/60 records (66%), 2 pages, "));
  CHECK(contains(run.screen, "crmexport: deals: 60 records (40 this run) in 3 pages, "));
}

TEST_CASE("the phases before the records have their own status lines: field metadata, then custom values with the total",
          "[e2e][progress]") {
  Setup s;
  auto out = s.home / "deals.csv";
  auto run = s.run({"export", "ac", "deals", "-o", out});
  INFO(run.screen);
  REQUIRE(run.exit_code == 0);
  // Counts from the fake's dump: the deals' field definitions, and their values collection read
  // in pages of 100 (ActiveCampaign's largest) with its meta.total.
  const auto definitions = s.server.dataset("activecampaign", "fields/deals").size();
  const auto values = s.server.dataset("activecampaign", "fields/deal_values").size();
  REQUIRE(values > 100);
  CHECK(contains(run.screen, "deals field metadata: connecting…"));
  CHECK(contains(run.screen, fmt::format("deals field metadata: {} records, 1 page, ", definitions)));
  CHECK(contains(run.screen, "deals custom values: connecting…"));
  CHECK(contains(run.screen, fmt::format("deals custom values: 100/{} records ({}%), 1 page, ", values, 100 * 100 / values)));
  CHECK(contains(run.screen, "deals: connecting…"));
  CHECK(run.screen.find("deals custom values: connecting…") > run.screen.find("deals field metadata: connecting…"));
  CHECK(run.screen.find("deals: connecting…") > run.screen.find("deals custom values: connecting…"));
}
