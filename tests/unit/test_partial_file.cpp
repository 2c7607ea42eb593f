// Resumable file exports: FILE.partial and its state (checkpoints, cutting back after a failure,
// refusing other options), and writers continuing a partial file byte for byte.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lib/engine/manifest.hpp"
#include "lib/output/partial_file.hpp"
#include "lib/output/writer.hpp"
#include "support/process.hpp"

namespace output = crmexport::output;
using crmexport::ErrorKind;
using crmexport::testing::read_file;
using crmexport::testing::TempDir;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> k_records = {R"({"id":1,"a":"x"})", R"({"id":2,"b":{"c":"y, z"}})",
                                            R"({"id":3,"d":[1,2]})", R"({"id":4,"a":"w","e":null})"};

const output::MadeBy k_made_by = {{"type", "pipedrive.v2.persons"}, {"--format", "ndjson"}};
const std::chrono::steady_clock::time_point k_start{std::chrono::hours(1)};

// Writes every record in one run, as an uninterrupted export does.
std::string whole(output::Format format, const output::WriterOptions& options, const TempDir& dir) {
  const std::string path = dir / "whole";
  std::FILE* file = std::fopen(path.c_str(), "w");
  auto writer = output::make_writer(format, file, options);
  for (const auto& record : k_records) writer->write(record);
  writer->end_page();
  writer->finish();
  std::fclose(file);
  return read_file(path);
}

// Two records, a checkpoint, half a page more and a failure; then a second run resumes the file
// and writes the rest, hashing it as it goes (the SHA-256 must be the whole file's). `spooled`:
// the partial file holds the records (CSV with every column).
std::string interrupted_then_resumed(output::Format format, output::WriterOptions options, bool spooled,
                                     const TempDir& dir) {
  const fs::path target = dir / "out";
  std::FILE* document = nullptr;
  {
    auto partial = output::PartialFile::start(target);
    if (!spooled) partial.hash_bytes();
    auto first_options = options;
    if (spooled) first_options.spool = partial.stream();
    std::FILE* out = spooled ? std::fopen((dir / "unused").c_str(), "w") : partial.stream();
    auto writer = output::make_writer(format, out, first_options);
    writer->write(k_records[0]);
    writer->write(k_records[1]);
    writer->end_page();
    partial.checkpoint({k_made_by, "pipedrive.v2.persons:c1", false, 2, 1, 1, 0, 0.5, std::nullopt, "t", 0}, k_start);
    writer->write(k_records[2]);  // a page the failure cut short
    std::fflush(partial.stream());
    if (spooled) std::fclose(out);
  }  // not committed: kept, and cut back to the checkpoint
  auto resumed = output::PartialFile::resume(target, k_made_by);
  REQUIRE(resumed);
  REQUIRE(*resumed);
  auto& partial = **resumed;
  if (!spooled) partial.hash_bytes();  // the prefix once, then page by page
  CHECK(partial.state().records == 2);
  CHECK(partial.state().cursor == "pipedrive.v2.persons:c1");
  options.records_before = partial.state().records;
  if (spooled) {
    options.spool = partial.stream();
    document = std::fopen((dir / "document").c_str(), "w");
  }
  auto writer = output::make_writer(format, spooled ? document : partial.stream(), options);
  writer->write(k_records[2]);
  writer->write(k_records[3]);
  writer->end_page();
  writer->finish();
  if (!spooled) {
    partial.commit();
    CHECK_FALSE(fs::exists(output::state_path(target)));
    CHECK(partial.sha256() == crmexport::engine::sha256_of_file(target));
    return read_file(target);
  }
  std::fclose(document);
  partial.remove();
  return read_file(dir / "document");
}

}  // namespace

TEST_CASE("a resumed partial file is byte for byte the file of one run, in every format", "[partial]") {
  output::WriterOptions chosen;
  chosen.fields = {"id", "a", "b.c"};
  for (const auto& [name, format, options, spooled] :
       {std::tuple{"ndjson", output::Format::ndjson, output::WriterOptions{}, false},
        {"json", output::Format::json, output::WriterOptions{}, false},
        {"csv --fields", output::Format::csv, chosen, false},
        {"csv, every column", output::Format::csv, output::WriterOptions{}, true}}) {
    INFO(name);
    TempDir dir;
    const std::string expected = whole(format, options, dir);
    CHECK(interrupted_then_resumed(format, options, spooled, dir) == expected);
  }
  TempDir dir;
  CHECK(whole(output::Format::csv, {}, dir) ==
        "id,a,b.c,d,e\r\n1,x,,,\r\n2,,\"y, z\",,\r\n3,,,\"[1,2]\",\r\n4,w,,,\r\n");
}

TEST_CASE("a partial file's state is private, cut back on failure, and refuses other options", "[partial]") {
  TempDir dir;
  const fs::path target = dir / "persons.ndjson";
  {
    auto partial = output::PartialFile::start(target);
    std::fputs("one\n", partial.stream());
    std::fflush(partial.stream());
    partial.checkpoint({k_made_by, "pipedrive.v2.persons:c1", false, 1, 1, 1, 0, 0.25, 7, "2026-11-30T10:00:00Z", 0}, k_start);
    std::fputs("half a pa", partial.stream());
  }
  CHECK(read_file(dir / "persons.ndjson.partial") == "one\n");
  struct stat info {};
  REQUIRE(stat((dir / "persons.ndjson.partial.state").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);

  auto other = output::PartialFile::resume(target, {{"type", "pipedrive.v2.persons"}, {"--format", "csv"}});
  REQUIRE_FALSE(other);
  CHECK(other.error().kind == ErrorKind::usage);
  CHECK(other.error().message == (dir / "persons.ndjson.partial") +
                                     " was written with --format ndjson, not csv: resume with the options it was "
                                     "written with, or export again without --resume to start over");

  auto same = output::PartialFile::resume(target, k_made_by);
  REQUIRE(same);
  REQUIRE(*same);
  CHECK((*same)->state().provider_total == 7);
  CHECK((*same)->state().started_at == "2026-11-30T10:00:00Z");
  CHECK((*same)->state().bytes == 4);
  (*same)->remove();
  CHECK_FALSE(fs::exists(dir / "persons.ndjson.partial"));

  auto none = output::PartialFile::resume(target, k_made_by);
  REQUIRE(none);
  CHECK_FALSE(*none);

  {
    auto nothing_saved = output::PartialFile::start(target);
    std::fputs("half", nothing_saved.stream());
    CHECK_FALSE(nothing_saved.keep());  // no page saved: nothing to continue
  }
  CHECK_FALSE(fs::exists(dir / "persons.ndjson.partial"));

  {
    auto partial = output::PartialFile::start(target);
    partial.checkpoint({k_made_by, "c", false, 0, 1, 1, 0, 0, std::nullopt, "", 0}, k_start);
  }
  std::ofstream(dir / "persons.ndjson.partial.state") << "{\"crmexport_partial\":1";
  auto broken = output::PartialFile::resume(target, k_made_by);
  REQUIRE_FALSE(broken);
  CHECK(broken.error().message == "cannot read " + (dir / "persons.ndjson.partial.state") +
                                      " (not the JSON crmexport writes); export again without --resume to start "
                                      "over");
}

namespace {

using std::chrono::milliseconds;

// Page `n` of an export of one-line records "1\n", "2\n", ...: written, flushed and checkpointed at `at`.
void page(output::PartialFile& partial, long n, std::chrono::steady_clock::time_point at, bool last = false) {
  std::fputs((std::to_string(n) + "\n").c_str(), partial.stream());
  std::fflush(partial.stream());
  partial.checkpoint({k_made_by, "c" + std::to_string(n), last, n, n, n, 0, 0, std::nullopt, "", 0}, at);
}

std::string pages_up_to(long n) {
  std::string text;
  for (long i = 1; i <= n; ++i) text += std::to_string(i) + "\n";
  return text;
}

// What kill -9 would leave now (FILE.partial and its state, copied aside) resumed by a later run,
// which writes the pages after its state up to `pages`: the state it resumed from, and the file.
std::pair<output::PartialState, std::string> killed_then_resumed(const fs::path& target, long pages,
                                                                 const TempDir& aside) {
  const fs::path copy = aside / "copy.ndjson";
  fs::copy_file(output::partial_path(target), output::partial_path(copy), fs::copy_options::overwrite_existing);
  fs::copy_file(output::state_path(target), output::state_path(copy), fs::copy_options::overwrite_existing);
  auto resumed = output::PartialFile::resume(copy, k_made_by);
  REQUIRE(resumed);
  REQUIRE(*resumed);
  auto& partial = **resumed;
  const auto state = partial.state();
  for (long n = state.records + 1; n <= pages; ++n) std::fputs((std::to_string(n) + "\n").c_str(), partial.stream());
  partial.commit();
  return {state, read_file(copy)};
}

}  // namespace

TEST_CASE("the state is saved for the first page, then at most every 250 ms and for the last, and the newest on a stop",
          "[partial]") {
  TempDir dir, aside;
  const fs::path target = dir / "persons.ndjson";
  const auto state_file = output::state_path(target);
  REQUIRE(output::k_checkpoint_interval == milliseconds(250));
  {
    auto partial = output::PartialFile::start(target);
    page(partial, 1, k_start);  // the first: saved at once
    CHECK(partial.state().cursor == "c1");
    page(partial, 2, k_start + milliseconds(100));
    page(partial, 3, k_start + milliseconds(249));
    CHECK(partial.state().cursor == "c1");  // pages 2 and 3 are held

    // kill -9 now: the file has three pages, its state one; the resume reads pages 2 and 3 again.
    auto [killed, resumed] = killed_then_resumed(target, 6, aside);
    CHECK(killed.cursor == "c1");
    CHECK(killed.bytes == 2);
    CHECK(resumed == pages_up_to(6));

    page(partial, 4, k_start + milliseconds(250));  // 250 ms after the last save: saved
    CHECK(partial.state().cursor == "c4");
    auto [killed_later, resumed_later] = killed_then_resumed(target, 6, aside);
    CHECK(killed_later.cursor == "c4");
    CHECK(killed_later.bytes == 8);
    CHECK(resumed_later == pages_up_to(6));
    page(partial, 5, k_start + milliseconds(300));
    page(partial, 6, k_start + milliseconds(301), true);  // the last page: saved at once
    CHECK(partial.state().cursor == "c6");
    CHECK(partial.state().last);
    partial.remove();
  }
  {
    auto partial = output::PartialFile::start(target);
    page(partial, 1, k_start);
    page(partial, 2, k_start + milliseconds(10));
    page(partial, 3, k_start + milliseconds(20));
    std::fputs("4\nhalf a pa", partial.stream());  // the page a failure (or a signal) cut short
    CHECK(partial.keep());                         // a stop that runs code saves the newest
    CHECK(partial.state().cursor == "c3");
  }
  CHECK(read_file(output::partial_path(target)) == pages_up_to(3));
  auto resumed = output::PartialFile::resume(target, k_made_by);
  REQUIRE(resumed);
  REQUIRE(*resumed);
  CHECK((*resumed)->state().cursor == "c3");
  CHECK((*resumed)->state().bytes == 6);
  (*resumed)->remove();
  CHECK_FALSE(fs::exists(state_file));
}
