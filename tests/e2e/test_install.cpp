// Installing crmexport: `cmake --install` into a scratch prefix, the man page rendered by man,
// the completion scripts loaded by each shell and completing from a real store, and the .deb
// built by CPack, extracted and run.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "support/process.hpp"

using namespace crmexport::testing;
namespace fs = std::filesystem;

namespace {

// A program on PATH, or "" (the process runner needs full paths).
std::string program(const std::string& name) {
  std::stringstream path(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
  for (std::string dir; std::getline(path, dir, ':');)
    if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return dir + "/" + name;
  return "";
}

std::string required_program(const std::string& name) {
  auto found = program(name);
  INFO(name << " is installed by scripts/setup.sh");
  REQUIRE_FALSE(found.empty());
  return found;
}

// Installs the build into a scratch prefix, once for the tests that read it.
const std::string& installed_prefix() {
  static TempDir prefix;
  static bool installed = [] {
    auto result = run({CMAKE_BIN, "--install", CRMEXPORT_BUILD_DIR, "--prefix", prefix.path()});
    INFO(result.out << result.err);
    REQUIRE(result.exit_code == 0);
    return true;
  }();
  (void)installed;
  return prefix.path();
}

std::vector<std::string> files_under(const std::string& root) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (!entry.is_directory()) files.push_back(fs::relative(entry.path(), root).string());
  std::sort(files.begin(), files.end());
  return files;
}

// The subcommands and flags that `crmexport [COMMAND...] --help` lists, for every command.
struct HelpListing {
  std::set<std::string> commands;  // "export", "auth add", ...
  std::set<std::string> flags;     // "--format", "-f", ...
};

void read_help(const std::vector<std::string>& path, HelpListing& listing) {
  std::vector<std::string> argv = {CRMEXPORT_BIN};
  argv.insert(argv.end(), path.begin(), path.end());
  argv.push_back("--help");
  auto help = run(argv);
  REQUIRE(help.exit_code == 0);
  std::string section;
  static const std::regex flag(R"((?:^|[\s,])(--?[A-Za-z][A-Za-z0-9-]*))");
  for (const auto& line : lines_of(help.out)) {
    if (!line.empty() && line.back() == ':' && line.front() != ' ') {
      section = line;
      continue;
    }
    if (line.size() < 3 || line[0] != ' ' || line[2] == ' ') continue;
    auto name = line.substr(2, line.find(' ', 2) - 2);
    if (section == "Subcommands:") {
      auto sub = path;
      sub.push_back(name);
      std::string joined;
      for (const auto& word : sub) joined += (joined.empty() ? "" : " ") + word;
      listing.commands.insert(joined);
      read_help(sub, listing);
    } else if (section == "Options:") {
      auto names = line.substr(0, line.find("  ", 2));
      for (std::sregex_iterator it(names.begin(), names.end(), flag), end; it != end; ++it)
        listing.flags.insert((*it)[1]);
    }
  }
}

// What the bash completion function offers for `crmexport WORD...` (the last word is being typed),
// with the store at `store`.
std::vector<std::string> bash_completions(const std::string& store, const std::vector<std::string>& words) {
  std::string script = "source <(\"$BIN\" completion bash)\nCOMP_WORDS=(\"$BIN\"";
  for (const auto& word : words) script += " '" + word + "'";
  script += ")\nCOMP_CWORD=" + std::to_string(words.size()) + "\n_crmexport\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
  auto result = run({required_program("bash"), "-c", script},
                    RunOptions{{{"BIN", CRMEXPORT_BIN}, {"CRMEXPORT_STORE", store}}, "", std::chrono::seconds(30)});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  auto lines = lines_of(result.out);
  std::erase(lines, "");
  return lines;
}

// A store with two Pipedrive connections and an ActiveCampaign one, made without a server.
std::string store_with_connections(const TempDir& home) {
  auto store = home / "store.db";
  for (const auto& [provider, name] : std::vector<std::pair<std::string, std::string>>{
           {"pipedrive", "work"}, {"pipedrive", "workshop"}, {"activecampaign", "newsletter"}}) {
    std::vector<std::string> argv = {CRMEXPORT_BIN, "--store", store, "auth", "add", provider, "--name", name,
                                     "--token-stdin", "--no-verify"};
    if (provider == "activecampaign") argv.insert(argv.end(), {"--base-url", "https://acme.api-us1.com"});
    auto added = run(argv, RunOptions{{}, "fake-token\n", std::chrono::seconds(30)});
    INFO(added.err);
    REQUIRE(added.exit_code == 0);
  }
  return store;
}

}  // namespace

TEST_CASE("cmake --install puts the binary, man page, completions and docs under the prefix, nothing else",
          "[install]") {
  const auto& prefix = installed_prefix();
  auto files = files_under(prefix);
  for (const auto* expected : {"bin/crmexport", "share/man/man1/crmexport.1.gz",
                               "share/bash-completion/completions/crmexport", "share/zsh/vendor-completions/_crmexport",
                               "share/fish/vendor_completions.d/crmexport.fish", "share/doc/crmexport/README.md",
                               "share/doc/crmexport/LICENSE", "share/doc/crmexport/docs/USAGE.md",
                               "share/doc/crmexport/docs/providers/pipedrive.md"}) {
    INFO(expected);
    CHECK(std::count(files.begin(), files.end(), expected) == 1);
  }
  // Only those: the fake server, the tests and the benchmarks stay in the build.
  for (const auto& file : files) {
    INFO(file);
    CHECK((file == "bin/crmexport" || file.starts_with("share/")));
    CHECK(file.find("crm-fake") == std::string::npos);
    CHECK(file.find("crmexport_tests") == std::string::npos);
  }
  auto version = run({prefix + "/bin/crmexport", "--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.starts_with("crmexport 0.1.0\nlibcurl "));

  // The installed scripts are what `crmexport completion SHELL` prints.
  for (const auto& [shell, file] : std::vector<std::pair<std::string, std::string>>{
           {"bash", "share/bash-completion/completions/crmexport"},
           {"zsh", "share/zsh/vendor-completions/_crmexport"},
           {"fish", "share/fish/vendor_completions.d/crmexport.fish"}}) {
    INFO(shell);
    auto printed = run({CRMEXPORT_BIN, "completion", shell});
    REQUIRE(printed.exit_code == 0);
    CHECK(read_file(prefix + "/" + file) == printed.out);
  }
}

TEST_CASE("the man page renders without warnings and names every command and flag --help lists", "[install]") {
  auto page = installed_prefix() + "/share/man/man1/crmexport.1.gz";
  auto rendered = run({required_program("man"), "--warnings", "-l", page},
                      RunOptions{{{"MANWIDTH", "100"}, {"LC_ALL", "C"}, {"MANPAGER", "cat"}, {"PAGER", "cat"}},
                                 "", std::chrono::seconds(60)});
  REQUIRE(rendered.exit_code == 0);
  CHECK(rendered.err.empty());
  for (const auto* section :
       {"NAME", "SYNOPSIS", "GLOBAL OPTIONS", "COMMANDS", "FORMATS", "EXIT STATUS", "ENVIRONMENT", "FILES"}) {
    INFO(section);
    CHECK(std::regex_search(rendered.out, std::regex(std::string("\n") + section + "\n")));
  }
  HelpListing listing;
  read_help({}, listing);
  // The listing must be complete for the check to mean anything.
  for (const auto* command : {"providers", "auth", "auth add", "auth login", "auth list", "auth test", "auth remove",
                              "auth rekey", "export", "sync", "completion"})
    CHECK(listing.commands.count(command) == 1);
  CHECK(listing.flags.count("--store") == 1);
  CHECK(listing.flags.count("--fields") == 1);
  CHECK(listing.flags.count("--db") == 1);
  for (const auto& command : listing.commands) {
    INFO(command);
    CHECK(rendered.out.find("crmexport " + command) != std::string::npos);
  }
  for (const auto& flag : listing.flags) {
    INFO(flag);
    CHECK(std::regex_search(rendered.out, std::regex("(^|[\\s,])" + flag + "([\\s,]|$)")));
  }
  CHECK(rendered.out.find("__man") == std::string::npos);  // hidden commands stay hidden
  CHECK(listing.commands.count("help") == 1);
  CHECK(listing.commands.count("auth status") == 1);

  // Every exit code and variable of the one table (cmd/reference.cpp), in the page as rendered
  // and in docs/USAGE.md, whose tables are written by hand.
  const auto section = [&](const std::string& name, const std::string& next) {
    auto start = rendered.out.find("\n" + name + "\n");
    REQUIRE(start != std::string::npos);
    return rendered.out.substr(start, rendered.out.find("\n" + next + "\n") - start);
  };
  const auto exit_status = section("EXIT STATUS", "ENVIRONMENT");
  const auto environment = section("ENVIRONMENT", "FILES");
  const auto usage = read_file(std::string(CRMEXPORT_SOURCE_DIR) + "/docs/USAGE.md");
  for (const auto* code : {"0", "1", "2", "3", "4", "5", "6", "7", "130", "143"}) {
    INFO("exit code " << code);
    CHECK(std::regex_search(exit_status, std::regex(std::string("\n {7}(\\S+, )*") + code + "[, \n]")));
    CHECK(usage.find(std::string("\n| ") + code + " |") != std::string::npos);
  }
  for (const auto* variable : {"CRMEXPORT_STORE", "XDG_CONFIG_HOME", "CRMEXPORT_STORE_KEY", "CRMEXPORT_STORE_KEY_FILE",
                               "CRMEXPORT_TOKEN", "CRMEXPORT_CLIENT_SECRET", "BROWSER", "TERM", "NO_COLOR"}) {
    INFO("variable " << variable);
    CHECK(std::regex_search(environment, std::regex(std::string("\n {7}(\\S+, )*") + variable + "[, \n]")));
    CHECK(usage.find(std::string("\n| `") + variable + "` |") != std::string::npos);
  }
}

TEST_CASE("the bash completion loads and completes commands, flags, connections and types", "[install]") {
  TempDir home;
  auto store = store_with_connections(home);
  auto loaded = run({required_program("bash"), "-c", "source <(\"$BIN\" completion bash); complete -p crmexport"},
                    RunOptions{{{"BIN", CRMEXPORT_BIN}}, "", std::chrono::seconds(30)});
  CHECK(loaded.exit_code == 0);
  CHECK(loaded.out == "complete -F _crmexport crmexport\n");

  CHECK(bash_completions(store, {"ex"}) == std::vector<std::string>{"export"});
  CHECK(bash_completions(store, {"auth", "re"}) == (std::vector<std::string>{"remove", "rekey"}));
  CHECK(bash_completions(store, {"export", "wo"}) == std::vector<std::string>{"work", "workshop"});
  CHECK(bash_completions(store, {"export", "n"}) == std::vector<std::string>{"newsletter"});
  CHECK(bash_completions(store, {"sync", "newsletter", "d"}) == std::vector<std::string>{"deals"});
  // Types of the connection's provider and API version, each offered once.
  CHECK(bash_completions(store, {"export", "work", "p"}) == std::vector<std::string>{"persons", "pipelines"});
  CHECK(bash_completions(store, {"export", "work", "persons", "p"}) == std::vector<std::string>{"pipelines"});
  CHECK(bash_completions(store, {"export", "work", "--api-version", "v1", "n"}) == std::vector<std::string>{"notes"});
  CHECK(bash_completions(store, {"export", "work", "deals", "--fo"}) == std::vector<std::string>{"--format"});
  CHECK(bash_completions(store, {"export", "work", "deals", "-f", ""}) ==
        std::vector<std::string>{"ndjson", "json", "csv"});
  // Global flags are offered after the subcommand too; a --store on the line is the one read.
  CHECK(bash_completions(store, {"export", "--qu"}) == std::vector<std::string>{"--quiet"});
  TempDir empty;
  CHECK(bash_completions(empty / "none.db", {"auth", "test", "--store", store, "w"}) ==
        std::vector<std::string>{"work", "workshop"});
  CHECK(bash_completions(empty / "none.db", {"auth", "test", "w"}).empty());
  CHECK_FALSE(std::filesystem::exists(empty / "none.db"));  // completing never creates a store
  CHECK(bash_completions(store, {"auth", "add", "pi"}) == std::vector<std::string>{"pipedrive"});
  CHECK(bash_completions(store, {"completion", ""}) == std::vector<std::string>{"bash", "zsh", "fish"});
}

TEST_CASE("the zsh and fish completions complete commands, connections and types in those shells", "[install]") {
  TempDir home;
  auto store = store_with_connections(home);
  auto zsh = required_program("zsh");
  auto fish = required_program("fish");
  TempDir scripts;
  for (const auto* shell : {"zsh", "fish"}) {
    auto printed = run({CRMEXPORT_BIN, "completion", shell});
    REQUIRE(printed.exit_code == 0);
    std::FILE* out = std::fopen((scripts / shell).c_str(), "w");
    std::fputs(printed.out.c_str(), out);
    std::fclose(out);
  }
  auto zsh_parsed = run({zsh, "-n", scripts / "zsh"});
  CHECK(zsh_parsed.exit_code == 0);
  CHECK(zsh_parsed.err.empty());
  // zsh completes only in its line editor: drive an interactive zsh in a pseudo-terminal (zpty),
  // with the script installed as _crmexport on its fpath, press Tab, and read the line back.
  std::filesystem::create_directories(scripts / "fpath");
  std::filesystem::copy_file(scripts / "zsh", scripts / "fpath/_crmexport");
  auto driver = scripts / "drive.zsh";
  std::FILE* file = std::fopen(driver.c_str(), "w");
  std::fputs(R"(zmodload zsh/zpty
zpty -b z 'zsh -f -i'
zpty -w z 'PS1="READY>"; fpath=($FPATH_DIR $fpath); autoload -U compinit; compinit -u -D'
zpty -n -w z "$1"$'\t'
local out all
for i in {1..100}; do
  if zpty -r -t z out; then all+=$out; else sleep 0.05; fi
  [[ ${all##*READY>} == *"$2"* ]] && { zpty -d z; exit 0 }
done
zpty -d z
print -r -- "${all##*READY>}"
exit 1
)",
             file);
  std::fclose(file);
  auto bin_dir = fs::path(CRMEXPORT_BIN).parent_path().string();
  RunOptions zsh_env{{{"PATH", bin_dir + ":/usr/bin:/bin"}, {"CRMEXPORT_STORE", store}, {"FPATH_DIR", scripts / "fpath"}},
                     "",
                     std::chrono::seconds(30)};
  for (const auto& [typed, completed] : std::vector<std::pair<std::string, std::string>>{
           {"crmexport exp", "crmexport export"},
           {"crmexport export wor", "crmexport export work"},
           {"crmexport export work dea", "crmexport export work deals"}}) {
    auto driven = run({zsh, "-f", driver, typed, completed}, zsh_env);
    INFO(typed << " gave " << driven.out << driven.err);
    CHECK(driven.exit_code == 0);
  }
  // fish answers `complete -C` without a terminal: the real completion, end to end.
  auto completed = run({fish, "--no-config", "-c", "source " + scripts / "fish" + "; complete -C 'crmexport export wo'"},
                       RunOptions{{{"PATH", bin_dir + ":/usr/bin:/bin"}, {"CRMEXPORT_STORE", store}},
                                  "",
                                  std::chrono::seconds(30)});
  INFO(completed.err);
  CHECK(completed.exit_code == 0);
  CHECK(completed.out == "work\nworkshop\n");
}

TEST_CASE("CPack builds a .deb with Debian dependencies that runs from an extracted root", "[install][deb]") {
  TempDir scratch;
  auto built = run({CPACK_BIN, "-G", "DEB", "--config", std::string(CRMEXPORT_BUILD_DIR) + "/CPackConfig.cmake", "-B",
                    scratch / "out"},
                   RunOptions{{}, "", std::chrono::seconds(240)});
  INFO(built.out << built.err);
  REQUIRE(built.exit_code == 0);
  std::string deb;
  for (const auto& entry : fs::directory_iterator(scratch / "out"))
    if (entry.path().extension() == ".deb") deb = entry.path().string();
  REQUIRE(std::regex_match(fs::path(deb).filename().string(), std::regex(R"(crmexport_0\.1\.0_[a-z0-9]+\.deb)")));

  auto info = run({required_program("dpkg-deb"), "-I", deb});
  REQUIRE(info.exit_code == 0);
  std::smatch depends;
  REQUIRE(std::regex_search(info.out, depends, std::regex(R"(\n Depends: ([^\n]*))")));
  for (const auto* package : {"ca-certificates", "libc6", "libcurl4", "libsqlite3-0", "libfmt9", "libssl3", "libpq5"}) {
    INFO(package << " in " << depends[1]);
    CHECK(std::regex_search(depends[1].str(), std::regex(std::string("(^|, )") + package + "( |,|$)")));
  }

  auto root = scratch / "root";
  auto extracted = run({required_program("dpkg"), "-x", deb, root});
  REQUIRE(extracted.exit_code == 0);
  auto version = run({root + "/usr/bin/crmexport", "--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.starts_with("crmexport 0.1.0\n"));
  auto files = files_under(root);
  for (const auto* expected : {"usr/bin/crmexport", "usr/share/man/man1/crmexport.1.gz",
                               "usr/share/doc/crmexport/copyright", "usr/share/doc/crmexport/changelog.gz",
                               "usr/share/bash-completion/completions/crmexport",
                               "usr/share/zsh/vendor-completions/_crmexport",
                               "usr/share/fish/vendor_completions.d/crmexport.fish",
                               "usr/share/doc/crmexport/docs/USAGE.md"}) {
    INFO(expected);
    CHECK(std::count(files.begin(), files.end(), expected) == 1);
  }
  for (const auto& file : files) CHECK(file.find("crm-fake") == std::string::npos);

  // Debian's own checks: no error (warnings are printed for whoever reads the log).
  auto checked = run({required_program("lintian"), "--tag-display-limit", "0", deb},
                     RunOptions{{}, "", std::chrono::seconds(240)});
  std::string errors;
  for (const auto& line : lines_of(checked.out))
    if (line.starts_with("E: ")) errors += line + "\n";
  INFO("lintian:\n" << checked.out << checked.err);
  CHECK(errors.empty());
  CHECK(checked.out.find("W: ") == std::string::npos);
}
