// The credential store: its file (mode, folders, locking) in a fresh temporary folder per test,
// and the behaviour both kinds share run once against a file and once against PostgreSQL.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

#include "lib/store/store.hpp"
#include "support/scoped_env.hpp"
#include "support/store_location.hpp"

namespace fs = std::filesystem;
using crmexport::ErrorKind;
using crmexport::store::Connection;
using crmexport::store::mask_secret;
using crmexport::store::Store;
using crmexport::testing::ScopedEnv;
using crmexport::testing::StoreLocation;

namespace {

class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "crmexport-store-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    m_path = pattern;
  }
  ~TempFolder() {
    std::error_code ignored;
    fs::remove_all(m_path, ignored);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

class ScopedTestUmask {
 public:
  explicit ScopedTestUmask(mode_t mask) : m_previous(::umask(mask)) {}
  ~ScopedTestUmask() { ::umask(m_previous); }
  ScopedTestUmask(const ScopedTestUmask&) = delete;
  ScopedTestUmask& operator=(const ScopedTestUmask&) = delete;

 private:
  mode_t m_previous;
};

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

// A shared store takes secrets only encrypted, so every store here has a key (test_store_secrets.cpp
// covers stores without one).
Store open_store(const std::string& location) {
  auto store = Store::open(location, crmexport::store::StoreKey::parse(std::string(64, '7'), "test key").value());
  if (!store) FAIL(store.error().message);
  return std::move(*store);
}

Connection connection(std::string name, std::string provider, std::string secret) {
  return Connection{.name = std::move(name),
                    .provider = std::move(provider),
                    .base_url = "",
                    .api_version = "",
                    .auth_kind = "token",
                    .secret = std::move(secret),
                    .created_at = "",
                    .updated_at = ""};
}

// What the store adds to a connection it was given: the timestamps.
bool same_except_timestamps(const Connection& a, const Connection& b) {
  return a.name == b.name && a.provider == b.provider && a.base_url == b.base_url && a.api_version == b.api_version &&
         a.auth_kind == b.auth_kind && a.secret == b.secret;
}

// Both kinds of location, one per run of the test case that asks (GENERATE).
std::string any_store_kind() { return GENERATE(as<std::string>{}, StoreLocation::k_sqlite, StoreLocation::k_postgresql); }

bool is_iso8601_utc(const std::string& text) {
  static const std::regex k_format(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z)");
  return std::regex_match(text, k_format);
}

}  // namespace

TEST_CASE("store creates private parent folders and a private file under umask 022", "[store]") {
  TempFolder temp;
  const ScopedTestUmask loose_umask(022);
  const fs::path path = temp.path() / "config" / "crmexport" / "store.db";

  Store store = open_store(path);
  REQUIRE(store.add(connection("main", "pipedrive", R"({"token":"abc"})"), false));

  CHECK(mode_of(temp.path() / "config") == 0700);
  CHECK(mode_of(temp.path() / "config" / "crmexport") == 0700);
  CHECK(mode_of(path) == 0600);
  CHECK(::umask(022) == 022);  // the store put the umask back
}

TEST_CASE("store leaves existing folders alone and tightens an existing 0644 file", "[store]") {
  TempFolder temp;
  const ScopedTestUmask loose_umask(022);
  const fs::path folder = temp.path() / "shared";
  REQUIRE(::mkdir(folder.c_str(), 0755) == 0);
  const fs::path path = folder / "store.db";
  const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY, 0644);
  REQUIRE(fd >= 0);
  ::close(fd);
  REQUIRE(mode_of(path) == 0644);

  Store store = open_store(path);

  CHECK(mode_of(path) == 0600);
  CHECK(mode_of(folder) == 0755);
  CHECK(store.schema_version() == 2);
}

TEST_CASE("store round-trips connections exactly", "[store][postgres]") {
  const StoreLocation where(any_store_kind());
  Store store = open_store(where.location());

  Connection keap = connection("sales", "keap", R"({"token":"KeapAK-0123456789"})");
  keap.base_url = "https://api.infusionsoft.com/crm/rest";
  keap.api_version = "v2";
  const Connection pipedrive = connection("archive", "pipedrive", R"({"token":"p'; DROP TABLE connections;--"})");
  const Connection pipedrive_two = connection("Beta ü", "pipedrive", R"({"token":"two"})");
  REQUIRE(store.add(keap, false));
  REQUIRE(store.add(pipedrive, false));
  REQUIRE(store.add(pipedrive_two, false));

  auto found = store.find("sales");
  REQUIRE(found);
  REQUIRE(found->has_value());
  const Connection& got = **found;
  CHECK(same_except_timestamps(got, keap));
  CHECK(is_iso8601_utc(got.created_at));
  CHECK(got.created_at == got.updated_at);

  auto missing = store.find("nope");
  REQUIRE(missing);
  CHECK_FALSE(missing->has_value());

  auto all = store.list();
  REQUIRE(all);
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].name == "Beta ü");  // byte order: upper case before lower case
  CHECK(same_except_timestamps((*all)[1], pipedrive));
  CHECK((*all)[2] == got);

  auto pipedrives = store.list_by_provider("pipedrive");
  REQUIRE(pipedrives);
  REQUIRE(pipedrives->size() == 2);
  CHECK((*pipedrives)[0].name == "Beta ü");
  CHECK((*pipedrives)[1].name == "archive");
  auto hubspots = store.list_by_provider("hubspot");
  REQUIRE(hubspots);
  CHECK(hubspots->empty());

  auto removed = store.remove("archive");
  REQUIRE(removed);
  CHECK(*removed);
  auto removed_again = store.remove("archive");
  REQUIRE(removed_again);
  CHECK_FALSE(*removed_again);
  auto after = store.list();
  REQUIRE(after);
  CHECK(after->size() == 2);
  CHECK_FALSE(store.find("archive")->has_value());
}

TEST_CASE("store refuses to overwrite a connection without replace, and replaces with it", "[store][postgres]") {
  const StoreLocation where(any_store_kind());
  Store store = open_store(where.location());
  const Connection old_one = connection("main", "pipedrive", R"({"token":"old-secret-value"})");
  REQUIRE(store.add(old_one, false));
  const Connection before = **store.find("main");

  Connection new_one = connection("main", "hubspot", R"({"token":"new-secret-value"})");
  new_one.base_url = "https://api.hubapi.example";
  auto refused = store.add(new_one, false);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::usage);
  CHECK_THAT(refused.error().message, Catch::Contains("--force"));
  CHECK_THAT(refused.error().message, !Catch::Contains("secret-value"));
  CHECK(**store.find("main") == before);

  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(store.add(new_one, true));
  const Connection after = **store.find("main");
  CHECK(same_except_timestamps(after, new_one));
  CHECK(after.created_at == before.created_at);
  CHECK(after.updated_at > before.updated_at);
  CHECK(store.list()->size() == 1);
}

TEST_CASE("update_secret changes the secret and updated_at only", "[store][postgres]") {
  const StoreLocation where(any_store_kind());
  Store store = open_store(where.location());
  Connection original = connection("main", "hubspot", R"({"token":"first"})");
  original.base_url = "https://example.test";
  original.api_version = "v3";
  REQUIRE(store.add(original, false));
  REQUIRE(store.add(connection("other", "keap", R"({"token":"untouched"})"), false));
  const Connection before = **store.find("main");
  const Connection other_before = **store.find("other");

  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(store.update_secret("main", R"({"token":"second"})"));

  Connection after = **store.find("main");
  CHECK(after.secret == R"({"token":"second"})");
  CHECK(after.updated_at > before.updated_at);
  CHECK(is_iso8601_utc(after.updated_at));
  after.secret = before.secret;
  after.updated_at = before.updated_at;
  CHECK(after == before);
  CHECK(**store.find("other") == other_before);

  auto missing = store.update_secret("nope", "{}");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::usage);
}

TEST_CASE("store keeps its data and schema version across reopening", "[store][postgres]") {
  const StoreLocation where(any_store_kind());
  const std::string path = where.location();
  Connection saved;
  {
    Store store = open_store(path);
    CHECK(store.schema_version() == 2);
    REQUIRE(store.add(connection("main", "activecampaign", R"({"token":"kept"})"), false));
    saved = **store.find("main");
  }
  Store reopened = open_store(path);
  CHECK(reopened.schema_version() == 2);
  CHECK(**reopened.find("main") == saved);
  CHECK(where.raw_schema_version() == 2);
}

TEST_CASE("store refuses a file written by a newer crmexport", "[store]") {
  TempFolder temp;
  const fs::path path = temp.path() / "store.db";
  {
    SQLite::Database newer(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    newer.exec("PRAGMA user_version = 99");
  }
  auto refused = Store::open(path, std::nullopt);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::runtime);
  CHECK_THAT(refused.error().message, Catch::Contains("upgrade"));
  CHECK_THAT(refused.error().message, Catch::Contains(path.string()));
}

TEST_CASE("store reports a file that is not a database as a runtime error naming it", "[store]") {
  TempFolder temp;
  const fs::path path = temp.path() / "store.db";
  std::ofstream(path) << "this is not an SQLite database, just some text that is long enough to be read\n";

  auto refused = Store::open(path, std::nullopt);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::runtime);
  CHECK_THAT(refused.error().message, Catch::Contains(path.string()));
  CHECK_THAT(refused.error().message, Catch::Contains("--store"));
}

TEST_CASE("store reports a folder in the way as a runtime error", "[store]") {
  TempFolder temp;
  const fs::path blocker = temp.path() / "file";
  std::ofstream(blocker) << "x";

  auto refused = Store::open(blocker / "store.db", std::nullopt);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::runtime);
  CHECK_THAT(refused.error().message, Catch::Contains(blocker.string()));
}

TEST_CASE("default_path prefers CRMEXPORT_STORE, then XDG_CONFIG_HOME, then HOME", "[store]") {
  ScopedEnv store_env("CRMEXPORT_STORE", "/custom/place.db");
  ScopedEnv xdg_env("XDG_CONFIG_HOME", "/xdg");
  ScopedEnv home_env("HOME", "/home/someone");
  CHECK(Store::default_path().value() == fs::path("/custom/place.db"));

  {
    ScopedEnv no_store("CRMEXPORT_STORE", std::nullopt);
    CHECK(Store::default_path().value() == fs::path("/xdg/crmexport/store.db"));
    {
      ScopedEnv empty_xdg("XDG_CONFIG_HOME", "");
      CHECK(Store::default_path().value() == fs::path("/home/someone/.config/crmexport/store.db"));
    }
    {
      ScopedEnv relative_xdg("XDG_CONFIG_HOME", "relative/config");
      CHECK(Store::default_path().value() == fs::path("/home/someone/.config/crmexport/store.db"));
    }
    ScopedEnv no_xdg("XDG_CONFIG_HOME", std::nullopt);
    CHECK(Store::default_path().value() == fs::path("/home/someone/.config/crmexport/store.db"));

    ScopedEnv no_home("HOME", std::nullopt);
    auto nowhere = Store::default_path();
    REQUIRE_FALSE(nowhere);
    CHECK(nowhere.error().kind == ErrorKind::runtime);
    CHECK_THAT(nowhere.error().message, Catch::Contains("--store"));
  }
  CHECK(Store::default_path().value() == fs::path("/custom/place.db"));
}

TEST_CASE("mask_secret never shows a secret whole", "[store]") {
  CHECK(mask_secret("") == "(none)");
  CHECK(mask_secret("a") == "****");
  CHECK(mask_secret("12345678901") == "****");  // 11 characters
  CHECK(mask_secret("123456789012") == "1234…9012");
  CHECK(mask_secret("pd_live_abcdefghijklmnop_wxyz") == "pd_l…wxyz");
  // Characters, not bytes: 11 code points in 22 bytes stay hidden, and ends are never cut mid-character.
  CHECK(mask_secret("ééééééééééé") == "****");
  CHECK(mask_secret("üabcdefghijü") == "üabc…hijü");
}

TEST_CASE("two Store objects on one store, as two processes would, both write", "[store][postgres]") {
  const StoreLocation where(any_store_kind());
  Store first = open_store(where.location());
  Store second = open_store(where.location());

  REQUIRE(first.add(connection("one", "pipedrive", R"({"token":"1"})"), false));
  REQUIRE(second.add(connection("two", "keap", R"({"token":"2"})"), false));
  REQUIRE(first.update_secret("two", R"({"token":"2b"})"));
  auto refused = second.add(connection("one", "keap", "{}"), false);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::usage);

  for (Store* store : {&first, &second}) {
    auto all = store->list();
    REQUIRE(all);
    REQUIRE(all->size() == 2);
    CHECK((*all)[0].name == "one");
    CHECK((*all)[1].name == "two");
    CHECK((*all)[1].secret == R"({"token":"2b"})");
  }
}

TEST_CASE("store waits for another writer instead of failing", "[store]") {
  TempFolder temp;
  const fs::path path = temp.path() / "store.db";
  Store store = open_store(path);
  SQLite::Database locker(path.string(), SQLite::OPEN_READWRITE);

  // Another "process" holds the write lock briefly; the add must wait for it, not fail with SQLITE_BUSY.
  locker.exec("BEGIN IMMEDIATE");
  std::thread release([&locker] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    locker.exec("COMMIT");
  });
  auto added = store.add(connection("waited", "hubspot", "{}"), false);
  release.join();
  REQUIRE(added);
  CHECK(store.find("waited")->has_value());
}

TEST_CASE("hosts opening a new PostgreSQL store at once create its schema once", "[store][postgres]") {
  const StoreLocation where(StoreLocation::k_postgresql);
  std::vector<std::optional<crmexport::Result<Store>>> opened(4);
  {
    std::vector<std::jthread> hosts;
    for (auto& slot : opened) hosts.emplace_back([&] { slot.emplace(Store::open(where.location(), std::nullopt)); });
  }
  for (auto& slot : opened) {
    REQUIRE(slot->has_value());
    CHECK((*slot)->schema_version() == 2);
  }
  CHECK(where.raw_schema_version() == 2);
  CHECK(where.psql("SELECT count(*) FROM crmexport_store.schema_version") == "1\n");
}
