// Resumable file exports: FILE.partial and its state (checkpoints, cutting back after a failure,
// refusing other options), and writers continuing a partial file byte for byte.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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
// and writes the rest. `spooled`: the partial file holds the records (CSV with every column).
std::string interrupted_then_resumed(output::Format format, output::WriterOptions options, bool spooled,
                                     const TempDir& dir) {
  const fs::path target = dir / "out";
  std::FILE* document = nullptr;
  {
    auto partial = output::PartialFile::start(target);
    auto first_options = options;
    if (spooled) first_options.spool = partial.stream();
    std::FILE* out = spooled ? std::fopen((dir / "unused").c_str(), "w") : partial.stream();
    auto writer = output::make_writer(format, out, first_options);
    writer->write(k_records[0]);
    writer->write(k_records[1]);
    writer->end_page();
    partial.checkpoint({k_made_by, "pipedrive.v2.persons:c1", false, 2, 1, 1, 0, 0.5, std::nullopt, "t", 0});
    writer->write(k_records[2]);  // a page the failure cut short
    std::fflush(partial.stream());
    if (spooled) std::fclose(out);
  }  // not committed: kept, and cut back to the checkpoint
  auto resumed = output::PartialFile::resume(target, k_made_by);
  REQUIRE(resumed);
  REQUIRE(*resumed);
  auto& partial = **resumed;
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
    partial.checkpoint({k_made_by, "pipedrive.v2.persons:c1", false, 1, 1, 1, 0, 0.25, 7, "2026-11-30T10:00:00Z", 0});
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
    partial.checkpoint({k_made_by, "c", false, 0, 1, 1, 0, 0, std::nullopt, "", 0});
  }
  std::ofstream(dir / "persons.ndjson.partial.state") << "{\"crmexport_partial\":1";
  auto broken = output::PartialFile::resume(target, k_made_by);
  REQUIRE_FALSE(broken);
  CHECK(broken.error().message == "cannot read " + (dir / "persons.ndjson.partial.state") +
                                      " (not the JSON crmexport writes); export again without --resume to start "
                                      "over");
}
