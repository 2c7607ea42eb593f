// The record writers, byte for byte: NDJSON, JSON, CSV (quoting, flattening, column order,
// spooling), write errors, and atomic output files.
#include <fcntl.h>
#include <rapidjson/document.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/output/atomic_file.hpp"
#include "lib/output/writer.hpp"

namespace output = crmexport::output;
using output::Format;

namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

std::string read_all(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[4096];
  size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, got);
  return text;
}

// Runs a whole export of `records` (one page) and returns every byte written.
std::string export_records(Format format, const std::vector<std::string>& records, output::WriterOptions options = {}) {
  FilePtr file(std::tmpfile());
  REQUIRE(file);
  auto writer = output::make_writer(format, file.get(), options);
  for (const std::string& record : records) writer->write(record);
  writer->end_page();
  writer->finish();
  return read_all(file.get());
}

std::string csv(const std::vector<std::string>& records, std::vector<std::string> fields = {}) {
  return export_records(Format::csv, records, output::WriterOptions{std::move(fields)});
}

// A pipe whose write end is a fully buffered FILE*, to see what a reader sees and when.
struct Pipe {
  Pipe() {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    read_fd = fds[0];
    REQUIRE(::fcntl(read_fd, F_SETFL, O_NONBLOCK) == 0);
    writer.reset(::fdopen(fds[1], "w"));
    REQUIRE(writer);
    // Larger than anything a test writes, so only an explicit flush reaches the pipe.
    std::setvbuf(writer.get(), nullptr, _IOFBF, 1 << 16);
  }
  ~Pipe() {
    if (read_fd >= 0) ::close(read_fd);
  }
  // What a reader can read right now, without waiting.
  std::string readable() const {
    std::string text;
    char buffer[4096];
    ssize_t got = 0;
    while ((got = ::read(read_fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(got));
    return text;
  }
  void close_read_end() {
    ::close(read_fd);
    read_fd = -1;
  }

  int read_fd = -1;
  FilePtr writer;
};

size_t count_of(const std::string& text, std::string_view needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end = text.find("\r\n"); end != std::string::npos; end = text.find("\r\n", start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

// A fresh folder under /tmp, removed with what is left in it.
struct TempFolder {
  TempFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "crmexport-writers-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempFolder() { std::filesystem::remove_all(path); }
  std::vector<std::string> names() const {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(path))
      found.push_back(entry.path().filename().string());
    std::sort(found.begin(), found.end());
    return found;
  }
  std::filesystem::path path;
};

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace

TEST_CASE("format names and extensions", "[writers]") {
  CHECK(output::parse_format("ndjson") == Format::ndjson);
  CHECK(output::parse_format("json") == Format::json);
  CHECK(output::parse_format("csv") == Format::csv);
  CHECK_FALSE(output::parse_format("xml"));
  CHECK_FALSE(output::parse_format(""));

  CHECK(output::format_from_path("deals.json") == Format::json);
  CHECK(output::format_from_path("out/deals.NDJSON") == Format::ndjson);
  CHECK(output::format_from_path("deals.jsonl") == Format::ndjson);
  CHECK(output::format_from_path("/tmp/a.b/Deals.Csv") == Format::csv);
  CHECK_FALSE(output::format_from_path("deals"));
  CHECK_FALSE(output::format_from_path("deals.txt"));
  CHECK_FALSE(output::format_from_path("dir.csv/deals"));
  CHECK_FALSE(output::format_from_path(".csv"));  // a dot file, not an extension

  CHECK(output::extension(Format::ndjson) == "ndjson");
  CHECK(output::extension(Format::json) == "json");
  CHECK(output::extension(Format::csv) == "csv");
}

TEST_CASE("NDJSON writes each record and a newline, as given", "[writers]") {
  CHECK(export_records(Format::ndjson, {}) == "");
  CHECK(export_records(Format::ndjson, {R"({"id":9007199254740993,"v":1500.750})", R"({"s":"a\nb"})"}) ==
        "{\"id\":9007199254740993,\"v\":1500.750}\n{\"s\":\"a\\nb\"}\n");
}

TEST_CASE("NDJSON end_page makes the records visible to the reader", "[writers]") {
  Pipe pipe;
  auto writer = output::make_writer(Format::ndjson, pipe.writer.get(), {});
  writer->write(R"({"id":1})");
  CHECK(pipe.readable() == "");
  writer->end_page();
  CHECK(pipe.readable() == "{\"id\":1}\n");
  writer->write(R"({"id":2})");
  writer->finish();
  CHECK(pipe.readable() == "{\"id\":2}\n");
}

TEST_CASE("JSON is one streamed array", "[writers]") {
  SECTION("no records") { CHECK(export_records(Format::json, {}) == "[]\n"); }
  SECTION("one record") { CHECK(export_records(Format::json, {R"({"id":1})"}) == "[\n{\"id\":1}\n]\n"); }
  SECTION("many records parse back as the same array") {
    const std::vector<std::string> records{R"({"id":1,"v":1500.750})", R"({"id":2,"tags":["a","b"],"o":{"x":null}})",
                                           R"({"id":3,"s":"quote \" and \\ and é"})"};
    const std::string text = export_records(Format::json, records);
    CHECK(text == "[\n" + records[0] + ",\n" + records[1] + ",\n" + records[2] + "\n]\n");

    rapidjson::Document document;
    document.Parse(text.c_str(), text.size());
    REQUIRE_FALSE(document.HasParseError());
    REQUIRE(document.IsArray());
    REQUIRE(document.Size() == records.size());
    for (rapidjson::SizeType i = 0; i < document.Size(); ++i) {
      rapidjson::Document record;
      record.Parse(records[i].c_str(), records[i].size());
      CHECK(document[i] == record);
    }
  }
}

TEST_CASE("JSON end_page makes the records visible to the reader", "[writers]") {
  Pipe pipe;
  auto writer = output::make_writer(Format::json, pipe.writer.get(), {});
  writer->write(R"({"id":1})");
  CHECK(pipe.readable() == "");
  writer->end_page();
  CHECK(pipe.readable() == "[\n{\"id\":1}");
  writer->finish();
  CHECK(pipe.readable() == "\n]\n");
}

TEST_CASE("CSV quotes commas, quotes, CR, LF and edge spaces, and leaves unicode alone", "[writers]") {
  const std::string record =
      R"({"comma":"a,b","quote":"say \"hi\"","cr":"x\ry","lf":"x\ny","lead":" x","trail":"x ","tab":"\tx",)"
      R"("inner":"a b","unicode":"Zoë, 東京 🚀","plain":"Zoë 東京 🚀","empty":""})";
  CHECK(csv({record}) ==
        "comma,quote,cr,lf,lead,trail,tab,inner,unicode,plain,empty\r\n"
        "\"a,b\",\"say \"\"hi\"\"\",\"x\ry\",\"x\ny\",\" x\",\"x \",\"\tx\",a b,\"Zoë, 東京 🚀\",Zoë 東京 🚀,\r\n");
}

TEST_CASE("CSV header names are quoted by the same rule", "[writers]") {
  CHECK(csv({R"({"a,b":1,"say \"x\"":2," c":3})"}) == "\"a,b\",\"say \"\"x\"\"\",\" c\"\r\n1,2,3\r\n");
}

TEST_CASE("CSV flattens nested objects to dot paths", "[writers]") {
  CHECK(
      csv({R"({"id":1,"address":{"city":"Oslo","geo":{"lat":59.91,"lng":10.75}},"org_id":{"value":5,"name":"Acme"}})"}) ==
      "id,address.city,address.geo.lat,address.geo.lng,org_id.value,org_id.name\r\n"
      "1,Oslo,59.91,10.75,5,Acme\r\n");
}

TEST_CASE("CSV gives an empty object one cell {} at its own path", "[writers]") {
  CHECK(csv({R"({"id":1,"custom":{},"deep":{"inner":{}}})"}) == "id,custom,deep.inner\r\n1,{},{}\r\n");
}

TEST_CASE("CSV writes an array as one cell of compact JSON, numbers verbatim", "[writers]") {
  CHECK(csv({R"({"email":[{"value":"a@b.c","primary":true}],"none":[],"nums":[1.50,9007199254740993,1e3,-0.0],)"
             R"("mixed":[[1,[2]],{"x":null,"y":{"z":"q"}},"s"],"id":7})"}) ==
        "email,none,nums,mixed,id\r\n"
        "\"[{\"\"value\"\":\"\"a@b.c\"\",\"\"primary\"\":true}]\",[],\"[1.50,9007199254740993,1e3,-0.0]\","
        "\"[[1,[2]],{\"\"x\"\":null,\"\"y\"\":{\"\"z\"\":\"\"q\"\"}},\"\"s\"\"]\",7\r\n");
}

TEST_CASE("CSV keeps null, booleans and numbers exactly", "[writers]") {
  CHECK(csv({R"({"n":null,"t":true,"f":false,"big":9007199254740993,"amount":1500.750,"negzero":-0.0,"exp":1e3,)"
             R"("neg":-12,"small":2.5E-3,"zero":0})"}) ==
        "n,t,f,big,amount,negzero,exp,neg,small,zero\r\n"
        ",true,false,9007199254740993,1500.750,-0.0,1e3,-12,2.5E-3,0\r\n");
}

TEST_CASE("CSV header is complete and stable when records differ", "[writers]") {
  SECTION("later records add columns or lack them") {
    CHECK(csv({R"({"id":1,"name":"a"})", R"({"id":2,"email":"x@y.z"})", R"({"name":"c","id":3,"phone":"555"})"}) ==
          "id,name,email,phone\r\n"
          "1,a,,\r\n"
          "2,,x@y.z,\r\n"
          "3,c,,555\r\n");
  }
  SECTION("a column first seen later goes after the known ones, even mid-record") {
    CHECK(csv({R"({"a":1,"c":3})", R"({"a":1,"b":2,"c":3})"}) == "a,c,b\r\n1,3,\r\n1,3,2\r\n");
  }
  SECTION("a name that is a leaf in one record and an object in another keeps both columns") {
    CHECK(csv({R"({"id":1,"org_id":null})", R"({"id":2,"org_id":{"value":5,"name":"Acme"}})",
               R"({"id":3,"org_id":7})"}) ==
          "id,org_id,org_id.value,org_id.name\r\n"
          "1,,,\r\n"
          "2,,5,Acme\r\n"
          "3,7,,\r\n");
  }
}

TEST_CASE("CSV with --fields gives exactly those columns in that order", "[writers]") {
  const std::string record =
      R"({"id":9007199254740993,"name":"Ann","address":{"city":"Oslo","zip":"0150"},"emails":[{"value":"a@b.c"}],"x":{}})";
  SECTION("order, missing paths, objects and arrays") {
    CHECK(
        csv({record, R"({"name":"Bob"})"}, {"name", "address.city", "missing.path", "address", "emails", "x", "id"}) ==
        "name,address.city,missing.path,address,emails,x,id\r\n"
        "Ann,Oslo,,\"{\"\"city\"\":\"\"Oslo\"\",\"\"zip\"\":\"\"0150\"\"}\",\"[{\"\"value\"\":\"\"a@b.c\"\"}]\",{},"
        "9007199254740993\r\n"
        "Bob,,,,,,\r\n");
  }
  SECTION("a field given twice is two columns") {
    CHECK(csv({record}, {"name", "name"}) == "name,name\r\nAnn,Ann\r\n");
  }
  SECTION("an object field holding objects and arrays, also asked for inside") {
    CHECK(csv({R"({"a":{"b":{"c":1.0},"list":[1,{"d":[]}],"e":null}})"}, {"a", "a.b", "a.b.c", "a.list", "a.e"}) ==
          "a,a.b,a.b.c,a.list,a.e\r\n"
          "\"{\"\"b\"\":{\"\"c\"\":1.0},\"\"list\"\":[1,{\"\"d\"\":[]}],\"\"e\"\":null}\",\"{\"\"c\"\":1.0}\",1.0,"
          "\"[1,{\"\"d\"\":[]}]\",\r\n");
  }
  SECTION("index paths reach into arrays; primary is the element marked so, else the first") {
    const std::string person =
        R"({"emails":[{"value":"w@x.y","primary":false},{"value":"p@x.y","primary":true,"n":1.50}],)"
        R"("phones":[{"value":"555"}],"tags":[["a","b"],[]],"org":{"ids":[7,9007199254740993]},"none":[]})";
    CHECK(csv({person, R"({"emails":"not a list"})"},
              {"emails.0.value", "emails.1.n", "emails.primary.value", "phones.primary.value", "emails.1",
               "emails.2.value", "tags.0.1", "tags.1", "org.ids.1", "none.0", "none.primary", "emails.x.value"}) ==
          "emails.0.value,emails.1.n,emails.primary.value,phones.primary.value,emails.1,emails.2.value,tags.0.1,"
          "tags.1,org.ids.1,none.0,none.primary,emails.x.value\r\n"
          "w@x.y,1.50,p@x.y,555,\"{\"\"value\"\":\"\"p@x.y\"\",\"\"primary\"\":true,\"\"n\"\":1.50}\",,b,[],"
          "9007199254740993,,,\r\n"
          ",,,,,,,,,,,\r\n");
  }
  SECTION("a field that is an object in one record and a leaf in another") {
    CHECK(csv({R"({"org":{"id":5}})", R"({"org":"none"})", R"({"org":null})"}, {"org", "org.id"}) ==
          "org,org.id\r\n\"{\"\"id\"\":5}\",5\r\nnone,\r\n,\r\n");
  }
}

TEST_CASE("CSV with --fields streams rows at end_page", "[writers]") {
  Pipe pipe;
  auto writer = output::make_writer(Format::csv, pipe.writer.get(), output::WriterOptions{{"id"}});
  writer->write(R"({"id":1})");
  CHECK(pipe.readable() == "");
  writer->end_page();
  CHECK(pipe.readable() == "id\r\n1\r\n");
  writer->write(R"({"id":2})");
  writer->finish();
  CHECK(pipe.readable() == "2\r\n");
}

TEST_CASE("CSV with no records", "[writers]") {
  CHECK(csv({}, {"id", "name"}) == "id,name\r\n");
  CHECK(csv({}) == "");
  CHECK(csv({"{}", "{}"}) == "");  // not one column to name
}

TEST_CASE("CSV spool keeps every row and the full header for many records", "[writers]") {
  constexpr int k_records = 10000;
  std::vector<std::string> records;
  std::string expected = "id,name,address.city,tags,amount,org_id,late\r\n";
  for (int i = 0; i < k_records; ++i) {
    const std::string id = std::to_string(i);
    switch (i % 4) {
      case 0:
        records.push_back(R"({"id":)" + id + R"(,"name":"n)" + id + R"("})");
        expected += id + ",n" + id + ",,,,,\r\n";
        break;
      case 1:
        records.push_back(R"({"id":)" + id + R"(,"address":{"city":"c)" + id + R"("}})");
        expected += id + ",,c" + id + ",,,,\r\n";
        break;
      case 2:
        records.push_back(R"({"id":)" + id + R"(,"tags":["a"],"amount":)" + id + ".50}");
        expected += id + ",,,\"[\"\"a\"\"]\"," + id + ".50,,\r\n";
        break;
      default:
        // The very last record brings a column no other record has.
        const bool last = i == k_records - 1;
        records.push_back(R"({"id":)" + id + R"(,"org_id":null)" + (last ? R"(,"late":true})" : "}"));
        expected += id + ",,,,,," + (last ? "true" : "") + "\r\n";
        break;
    }
  }

  FilePtr file(std::tmpfile());
  REQUIRE(file);
  auto writer = output::make_writer(Format::csv, file.get(), {});
  for (size_t i = 0; i < records.size(); ++i) {
    writer->write(records[i]);
    if (i % 100 == 99) writer->end_page();
  }
  // Nothing can be written before the header is known.
  CHECK(read_all(file.get()) == "");
  writer->finish();
  const std::string text = read_all(file.get());

  const std::vector<std::string> lines = split_lines(text);
  REQUIRE(lines.size() == k_records + 1);
  CHECK(lines.front() == "id,name,address.city,tags,amount,org_id,late");
  for (const std::string& line : lines) REQUIRE(count_of(line, ",") == 6);
  CHECK(text == expected);
}

TEST_CASE("CSV rejects a record that is not one JSON object", "[writers]") {
  for (const std::string bad : {"[1,2]", "5", R"({"a":)", R"({"a":1}{"b":2})", ""}) {
    INFO(bad);
    for (const bool with_fields : {false, true}) {
      FilePtr file(std::tmpfile());
      auto writer = output::make_writer(
          Format::csv, file.get(),
          output::WriterOptions{with_fields ? std::vector<std::string>{"a"} : std::vector<std::string>{}});
      CHECK_THROWS_AS(writer->write(bad), crmexport::Fatal);
    }
  }
}

TEST_CASE("writing to a closed pipe throws BrokenPipe", "[writers]") {
  const auto previous = std::signal(SIGPIPE, SIG_IGN);
  for (const Format format : {Format::ndjson, Format::json, Format::csv}) {
    Pipe pipe;
    pipe.close_read_end();
    auto writer = output::make_writer(format, pipe.writer.get(), output::WriterOptions{{"id"}});
    CHECK_THROWS_AS(
        [&] {
          for (int i = 0; i < 100000; ++i) {
            writer->write(R"({"id":1})");
            writer->end_page();
          }
          writer->finish();
        }(),
        output::BrokenPipe);
  }
  std::signal(SIGPIPE, previous);
}

TEST_CASE("other write failures are Fatal with the reason", "[writers]") {
  FilePtr full(std::fopen("/dev/full", "w"));
  REQUIRE(full);
  auto writer = output::make_writer(Format::ndjson, full.get(), {});
  writer->write(R"({"id":1})");
  try {
    writer->end_page();
    FAIL("no error");
  } catch (const crmexport::Fatal& error) {
    CHECK(error.error().kind == crmexport::ErrorKind::runtime);
    CHECK(std::string(error.what()) == "cannot write output: No space left on device");
  }
}

TEST_CASE("AtomicFile appears under its final name only on commit", "[writers]") {
  TempFolder folder;
  const std::filesystem::path final_path = folder.path / "deals.csv";
  const std::string temporary_name = ".deals.csv.tmp-" + std::to_string(::getpid());

  SECTION("commit renames the temporary file over the final name") {
    write_file(final_path, "old");
    auto file = output::AtomicFile::create(final_path);
    const std::string random_part = file.temporary_path().filename().string().substr(temporary_name.size());
    CHECK(random_part.size() == 9);  // "-" and 8 hex digits
    CHECK(random_part.find_first_not_of("0123456789abcdef", 1) == std::string::npos);
    const std::string temporary = temporary_name + random_part;
    CHECK(file.temporary_path() == folder.path / temporary);
    REQUIRE(std::fputs("new", file.stream()) >= 0);
    CHECK(folder.names() == std::vector<std::string>{temporary, "deals.csv"});
    CHECK(file_text(final_path) == "old");
    file.commit();
    CHECK(file.stream() == nullptr);
    CHECK(folder.names() == std::vector<std::string>{"deals.csv"});
    CHECK(file_text(final_path) == "new");
  }
  SECTION("without commit nothing is left, and an older final file is untouched") {
    {
      auto file = output::AtomicFile::create(final_path);
      REQUIRE(std::fputs("partial", file.stream()) >= 0);
    }
    CHECK(folder.names().empty());

    write_file(final_path, "complete");
    {
      auto file = output::AtomicFile::create(final_path);
      REQUIRE(std::fputs("partial", file.stream()) >= 0);
      std::fflush(file.stream());
    }
    CHECK(folder.names() == std::vector<std::string>{"deals.csv"});
    CHECK(file_text(final_path) == "complete");
  }
  SECTION("moving keeps one owner of the temporary file") {
    auto first = output::AtomicFile::create(final_path);
    output::AtomicFile second = std::move(first);
    REQUIRE(std::fputs("moved", second.stream()) >= 0);
    second.commit();
    CHECK(file_text(final_path) == "moved");
    CHECK(folder.names() == std::vector<std::string>{"deals.csv"});
  }
  SECTION("mode is 0644 under umask 022") {
    const mode_t previous = ::umask(022);
    auto file = output::AtomicFile::create(final_path);
    ::umask(previous);
    file.commit();
    struct stat info {};
    REQUIRE(::stat(final_path.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0644);
  }
  SECTION("a file under this process's pid that is not this run's neither blocks nor is overwritten") {
    // Written after this process started: it may belong to a run in progress, so it stays.
    write_file(folder.path / temporary_name, "someone else's");
    auto file = output::AtomicFile::create(final_path);
    CHECK(file.temporary_path() != folder.path / temporary_name);
    CHECK(file_text(folder.path / temporary_name) == "someone else's");
  }
  SECTION("a missing folder is a Fatal naming the path") {
    const std::filesystem::path missing = folder.path / "no-such-folder" / "deals.csv";
    try {
      output::AtomicFile::create(missing);
      FAIL("no error");
    } catch (const crmexport::Fatal& error) {
      CHECK(error.error().kind == crmexport::ErrorKind::runtime);
      CHECK(std::string(error.what()) ==
            "cannot create " + missing.string() +
                ": No such file or directory; check that the folder exists and is writable");
    }
  }
}
