// Ctrl-C, SIGTERM and kill -9 against a running export: a signal ends the run at the next page
// boundary with 130/143, keeps the pages written in FILE.partial and prints where to resume, and
// that cursor (or --resume) gives exactly the rest; temporary files a dead run left behind never
// block the next run and are removed.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/fake_server.hpp"
#include "support/stopped_runs.hpp"

using namespace crmexport::testing;
namespace fs = std::filesystem;

namespace {

struct Setup {
  FakeServer server;
  TempDir home;
  // 30 pages of 20 persons, each answered after 60 ms: a run of about 2 s to interrupt.
  Setup() : server({"--records", "600", "--latency-ms", "60", "--burst", "100000"}) {
    REQUIRE(add_connection(home, server, "pipedrive", "pd").exit_code == 0);
  }
  std::vector<std::string> argv(std::vector<std::string> args) const {
    std::vector<std::string> all = {CRMEXPORT_BIN, "--store", home / "store.db", "-q", "export", "pd"};
    all.insert(all.end(), args.begin(), args.end());
    return all;
  }
};


std::vector<std::string> temporaries_in(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().filename().string().find(".tmp-") != std::string::npos)
      names.push_back(entry.path().filename().string());
  return names;
}


// A pid that no process has: a child that has already been reaped.
pid_t dead_pid() {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  waitpid(pid, nullptr, 0);
  return pid;
}

void make_old(const std::string& path) {
  std::ofstream(path) << "{\"partial\":";
  utimbuf an_hour_ago{time(nullptr) - 3600, time(nullptr) - 3600};
  REQUIRE(utime(path.c_str(), &an_hour_ago) == 0);
}

}  // namespace

TEST_CASE("SIGINT and SIGTERM stop an export to stdout at a page boundary, the cursor gives exactly the rest",
          "[e2e][interrupt]") {
  Setup s;
  for (const auto& [signal_number, code, name] : {std::tuple{SIGINT, 130, "SIGINT"}, {SIGTERM, 143, "SIGTERM"}}) {
    INFO(name);
    TempDir scratch;
    const std::string out = scratch / "out", err = scratch / "err";
    int pid = spawn(s.argv({"persons", "--page-size", "20"}), out, err);
    wait_until([&] { return fs::exists(out) && fs::file_size(out) > 0; });  // a page is out
    kill(pid, signal_number);
    REQUIRE(wait_for_exit(pid) == code);

    const auto message = untimed(read_file(err));
    auto head = lines_of(read_file(out));
    INFO(message);
    CHECK_THAT(message, Catch::StartsWith(std::string("crmexport: error: persons: interrupted by ") + name +
                                          " before the end; " + std::to_string(head.size()) +
                                          " records of it went to stdout; resume with --cursor 'pipedrive.v2.persons:"));
    CHECK(std::ranges::count(message, '\n') == 1);
    CHECK(head.size() % 20 == 0);  // whole pages only
    CHECK(head.size() < 600);      // stopped before the end

    auto rest = run_crmexport(s.home, {"-q", "export", "pd", "persons", "--page-size", "20", "--cursor",
                                       cursor_in(message)});
    REQUIRE(rest.exit_code == 0);
    auto tail = lines_of(rest.out);
    head.insert(head.end(), tail.begin(), tail.end());
    CHECK(head == s.server.dataset("pipedrive", "persons"));
  }
}

TEST_CASE("SIGTERM during an export to files keeps the pages written for --resume and keeps finished types",
          "[e2e][interrupt]") {
  Setup s;
  TempDir out_dir;
  const std::string folder = out_dir.path() + "/";
  TempDir scratch;
  // One type at a time: stages finishes first; persons is then interrupted part-way.
  int pid = spawn(s.argv({"stages", "persons", "--page-size", "20", "--jobs", "1", "-o", folder}), scratch / "out",
                  scratch / "err");
  wait_until([&] { return fs::exists(out_dir / "persons.ndjson.partial.state"); });
  kill(pid, SIGTERM);
  REQUIRE(wait_for_exit(pid) == 143);
  const auto message = untimed(read_file(scratch / "err"));
  const auto kept = lines_of(read_file(out_dir / "persons.ndjson.partial"));
  CHECK(message == fmt::format("crmexport: error: persons: interrupted by SIGTERM before the end; {} records are kept "
                               "in {}persons.ndjson.partial; finish it with the same command and --resume (it goes "
                               "on at --cursor '{}') (stages was written completely)\n",
                               kept.size(), folder, cursor_in(message)));
  CHECK(temporaries_in(out_dir.path()).empty());
  CHECK_FALSE(fs::exists(out_dir / "persons.ndjson"));
  const auto persons = s.server.dataset("pipedrive", "persons");
  CHECK(kept == std::vector(persons.begin(), persons.begin() + static_cast<long>(kept.size())));
  CHECK(lines_of(read_file(out_dir / "stages.ndjson")) == s.server.dataset("pipedrive", "stages"));
  CHECK(read_file(scratch / "out").empty());
}

TEST_CASE("temporary files of dead runs neither block nor stay, a live run's file is left alone",
          "[e2e][interrupt]") {
  Setup s;
  TempDir out_dir;
  const std::string dead = std::to_string(dead_pid());
  const std::string live = std::to_string(getpid());  // this test process: alive
  const std::vector<std::string> stale = {".persons.ndjson.tmp-" + dead, ".persons.ndjson.tmp-" + dead + "-0badf00d",
                                          ".deals.csv.tmp-" + dead + "-12ab"};
  for (const auto& name : stale) make_old(out_dir / name);
  make_old(out_dir / (".persons.ndjson.tmp-" + live + "-1234abcd"));
  make_old(out_dir / "notes.tmp-1");                     // not crmexport's pattern
  make_old(out_dir / (".bashrc.tmp-" + dead));           // nor this: not a file crmexport writes
  make_old(out_dir / (".persons.ndjson.tmp-" + dead + "-xyz"));  // not crmexport's pattern either

  auto result = run_crmexport(s.home, {"export", "pd", "persons", "-o", out_dir.path() + "/"});
  REQUIRE(result.exit_code == 0);
  CHECK(lines_of(read_file(out_dir / "persons.ndjson")) == s.server.dataset("pipedrive", "persons"));
  for (const auto& name : stale) {
    CHECK_FALSE(fs::exists(out_dir / name));
    CHECK_THAT(result.err, Catch::Contains("removed " + out_dir.path() + "/" + name +
                                           ", left by an earlier crmexport run (process " + dead + " is gone)"));
  }
  CHECK(fs::exists(out_dir / (".persons.ndjson.tmp-" + live + "-1234abcd")));
  CHECK(fs::exists(out_dir / "notes.tmp-1"));
  CHECK(fs::exists(out_dir / (".bashrc.tmp-" + dead)));
  CHECK(fs::exists(out_dir / (".persons.ndjson.tmp-" + dead + "-xyz")));
}

TEST_CASE("after kill -9 mid-export, --resume finishes the file from the pages saved, byte-identical",
          "[e2e][interrupt]") {
  Setup s;
  // Killed once the first state is saved, and twelve pages (of 60 ms each) in, when the state,
  // saved at most every 250 ms, is some pages behind the file.
  for (const long lines_before_kill : {0, 240}) {
    INFO(lines_before_kill);
    TempDir out_dir;
    TempDir scratch;
    const std::string target = out_dir / "persons.ndjson";
    int pid = spawn(s.argv({"persons", "--page-size", "20", "-o", target}), scratch / "out", scratch / "err");
    wait_until([&] {
      return fs::exists(target + ".partial.state") &&
             static_cast<long>(lines_of(read_file(target + ".partial")).size()) >= lines_before_kill;
    });
    kill(pid, SIGKILL);
    REQUIRE(wait_for_exit(pid) == 128 + SIGKILL);
    CHECK(fs::exists(target + ".partial"));  // what kill -9 leaves: the pages and their state
    CHECK_FALSE(fs::exists(target));
    const auto written = static_cast<long>(lines_of(read_file(target + ".partial")).size());

    auto again = run_crmexport(s.home, {"export", "pd", "persons", "--page-size", "20", "-o", target, "--resume"});
    REQUIRE(again.exit_code == 0);
    const std::string continuing = "persons: continuing " + target + ".partial after ";
    const auto at = again.err.find(continuing);
    REQUIRE(at != std::string::npos);
    const long saved = std::stol(again.err.substr(at + continuing.size()));
    CHECK(saved % 20 == 0);  // a page boundary
    CHECK(saved >= 20);
    CHECK(saved <= written);
    CHECK(lines_of(read_file(target)) == s.server.dataset("pipedrive", "persons"));
    CHECK_FALSE(fs::exists(target + ".partial"));
    CHECK_FALSE(fs::exists(target + ".partial.state"));
    CHECK(temporaries_in(out_dir.path()).empty());
  }
}
