// `Store::rekey` on a file and on PostgreSQL alike: every secret sealed again under a new key in
// one transaction, all or none; plain text sealed; a pending renewed secret folded in; a refresh
// that held the row before is re-sealed, one with the old key after is refused.
#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

#include <sys/stat.h>

#include "lib/core/redact.hpp"
#include "lib/store/pending_secrets.hpp"
#include "lib/store/store.hpp"
#include "support/store_location.hpp"

using crmexport::ErrorKind;
using crmexport::Result;
using crmexport::store::Connection;
using crmexport::store::Store;
using crmexport::store::StoreKey;
using crmexport::testing::StoreLocation;
using crmexport::testing::TempDir;

namespace {

StoreKey key_of(char digit) { return StoreKey::parse(std::string(64, digit), "test key").value(); }

Store open_store(const StoreLocation& where, std::optional<StoreKey> key) {
  auto store = Store::open(where.location(), std::move(key));
  if (!store) FAIL(store.error().message);
  return std::move(*store);
}

Connection token_connection(std::string name, std::string secret) {
  Connection c;
  c.name = std::move(name);
  c.provider = "pipedrive";
  c.auth_kind = "token";
  c.secret = std::move(secret);
  return c;
}

// a, b and c, each holding {"token":"<name>-token"}.
void add_three(Store& store) {
  for (const std::string name : {"a", "b", "c"})
    REQUIRE(store.add(token_connection(name, R"({"token":")" + name + R"(-token"})"), false));
}

std::string any_store_kind() { return GENERATE(as<std::string>{}, StoreLocation::k_sqlite, StoreLocation::k_postgresql); }

std::string another_key_message(const StoreLocation& where, const std::string& name, const StoreKey& sealed_with,
                                const StoreKey& given) {
  return "the secret of connection '" + name + "' in " + where.location() + " was encrypted with another key (id " +
         sealed_with.id() + ") than the one in CRMEXPORT_STORE_KEY (id " + given.id() +
         "); set CRMEXPORT_STORE_KEY to the key it was written with";
}

}  // namespace

TEST_CASE("rekey seals every secret under the new key and the old key is then refused naming both ids",
          "[store][secrets][rekey][postgres]") {
  const StoreLocation where(any_store_kind());
  const auto old_key = key_of('1');
  const auto new_key = key_of('2');
  Store store = open_store(where, old_key);
  add_three(store);
  const auto before = *open_store(where, old_key).list();

  auto count = store.rekey(new_key);
  REQUIRE(count);
  CHECK(*count == 3);
  for (const std::string name : {"a", "b", "c"}) CHECK(where.raw_secret(name).starts_with("enc:v1:" + new_key.id() + ":"));
  CHECK(*open_store(where, new_key).list() == before);  // values and timestamps unchanged
  CHECK((*store.find("b"))->secret == R"({"token":"b-token"})");  // the Store that rekeyed uses the new key

  auto refused = open_store(where, old_key).find("a");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::usage);
  CHECK(refused.error().message == another_key_message(where, "a", new_key, old_key));
}

TEST_CASE("rekey seals the plain-text secrets of a file store", "[store][secrets][rekey]") {
  const StoreLocation where(StoreLocation::k_sqlite);
  Store plain = open_store(where, std::nullopt);
  add_three(plain);
  CHECK(where.raw_secret("a") == R"({"token":"a-token"})");
  const auto key = key_of('3');
  REQUIRE(plain.rekey(key).value() == 3);
  CHECK(where.raw_secret("a").starts_with("enc:v1:" + key.id() + ":"));
  CHECK((*open_store(where, key).find("c"))->secret == R"({"token":"c-token"})");

  // And back, with --to-plain: a file store may keep them in clear.
  REQUIRE(open_store(where, key).rekey(std::nullopt).value() == 3);
  CHECK(where.raw_secret("b") == R"({"token":"b-token"})");
}

TEST_CASE("a PostgreSQL store refuses to be rekeyed to plain text and keeps its rows", "[store][secrets][rekey][postgres]") {
  const StoreLocation where(StoreLocation::k_postgresql);
  Store store = open_store(where, key_of('1'));
  add_three(store);
  const auto rows = where.raw_rows();
  auto refused = store.rekey(std::nullopt);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::usage);
  CHECK(refused.error().message == "the credential store " + where.location() +
                                       " is shared with other hosts, so its secrets stay encrypted; give a new key "
                                       "(make one with `crmexport auth keygen`); nothing was changed");
  CHECK(where.raw_rows() == rows);
}

TEST_CASE("a secret that does not open stops the rekey with every row as it was", "[store][secrets][rekey][postgres]") {
  const StoreLocation where(any_store_kind());
  const auto key = key_of('1');
  Store store = open_store(where, key);
  add_three(store);

  SECTION("one altered secret half way") {
    std::string raw = where.raw_secret("b");
    raw[raw.size() - 6] = raw[raw.size() - 6] == 'A' ? 'B' : 'A';
    where.set_raw_secret("b", raw);
    const auto rows = where.raw_rows();
    auto refused = open_store(where, key).rekey(key_of('2'));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::auth);
    CHECK(refused.error().message == "the encrypted secret of connection 'b' in " + where.location() +
                                         " does not verify: it was altered or copied from another connection; add "
                                         "the connection again with `crmexport auth add ... --name b --force`");
    CHECK(where.raw_rows() == rows);
  }
  SECTION("the current key is another") {
    const auto rows = where.raw_rows();
    const auto wrong = key_of('4');
    auto refused = open_store(where, wrong).rekey(key_of('2'));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::usage);
    CHECK(refused.error().message == another_key_message(where, "a", key, wrong));
    CHECK(where.raw_rows() == rows);
  }
}

TEST_CASE("rekey folds a pending renewed secret into its row under the new key", "[store][secrets][rekey]") {
  const StoreLocation where(StoreLocation::k_sqlite);
  const auto old_key = key_of('1');
  Store store = open_store(where, old_key);
  add_three(store);
  // As a refresh leaves it when the disk was full: the live secret beside the store, newer than the row.
  crmexport::store::PendingSecrets pending(where.location());
  REQUIRE(pending.reserve(64 * 1024));
  REQUIRE(pending.write({{"b", crmexport::store::seal(old_key, "b", R"({"token":"b-renewed"})").value()}}));

  const auto new_key = key_of('2');
  REQUIRE(store.rekey(new_key).value() == 3);
  CHECK(pending.read().value().empty());
  CHECK(where.raw_secret("b").starts_with("enc:v1:" + new_key.id() + ":"));
  CHECK((*open_store(where, new_key).find("b"))->secret == R"({"token":"b-renewed"})");
}

TEST_CASE("a refresh holding the row is re-sealed after it and one with the old key afterwards writes nothing",
          "[store][secrets][rekey][postgres]") {
  const StoreLocation where(any_store_kind());
  const auto old_key = key_of('1');
  const auto new_key = key_of('2');
  Store refresher = open_store(where, old_key);
  Store rekeyer = open_store(where, old_key);
  REQUIRE(refresher.add(token_connection("a", "R1"), false));
  std::thread other;
  Result<std::size_t> rekeyed = 0;
  REQUIRE(refresher.refresh("a", [&](const std::string& secret) -> Result<std::optional<std::string>> {
    // While the refresh holds the row (as during a token request), the rekey starts.
    other = std::thread([&] { rekeyed = rekeyer.rekey(new_key); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return secret + "-R2";
  }));
  other.join();
  REQUIRE(rekeyed);
  CHECK(*rekeyed == 1);
  CHECK((*open_store(where, new_key).find("a"))->secret == "R1-R2");  // the rotated token is not lost

  const auto rows = where.raw_rows();
  bool renewed = false;
  auto late = open_store(where, old_key).refresh("a", [&](const std::string&) -> Result<std::optional<std::string>> {
    renewed = true;
    return std::string("R3");
  });
  REQUIRE_FALSE(late);
  CHECK(late.error().kind == ErrorKind::usage);
  CHECK(late.error().message == another_key_message(where, "a", new_key, old_key));
  CHECK_FALSE(renewed);
  CHECK(where.raw_rows() == rows);
}

TEST_CASE("a new key from a file is refused unless private and joins the redaction list", "[store][secrets][rekey]") {
  TempDir folder;
  const std::string file = folder / "new.key";
  const std::string hex(64, '7');
  std::ofstream(file) << hex << "\n";
  REQUIRE(::chmod(file.c_str(), 0644) == 0);
  auto loose = StoreKey::from_file(file, "--new-key-file");
  REQUIRE_FALSE(loose);
  CHECK(loose.error().kind == ErrorKind::usage);
  CHECK(loose.error().message == "the key file " + file +
                                     " (--new-key-file) can be read by group or others (mode 0644); make it private "
                                     "with `chmod 600 " + file + "`");
  REQUIRE(::chmod(file.c_str(), 0600) == 0);
  crmexport::redact::clear_secrets();
  REQUIRE(StoreKey::from_file(file, "--new-key-file"));
  CHECK(crmexport::redact::apply("key " + hex) == "key [REDACTED]");
  auto bad = StoreKey::parse("not a key", "the new key on standard input (--new-key-stdin)");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "the new key on standard input (--new-key-stdin) is not a key: it must be 32 bytes in "
                               "base64 or hex; make one with `crmexport auth keygen`");
}
