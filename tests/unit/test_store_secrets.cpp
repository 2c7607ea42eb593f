// What the credential store does with secrets and with the rest it keeps, on a file and on
// PostgreSQL alike: encryption at rest (round trip, wrong key, altered or moved ciphertext, no
// key), the key's sources, the refresh that holds a row, rekeying (all or none, pending secrets
// folded in, refreshes before and after), and the frozen field names.
#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

#include <sys/stat.h>

#include "lib/core/redact.hpp"
#include "lib/store/field_names.hpp"
#include "lib/store/pending_secrets.hpp"
#include "lib/pg/connection.hpp"
#include "lib/store/store.hpp"
#include "support/scoped_env.hpp"
#include "support/store_location.hpp"

using crmexport::ErrorKind;
using crmexport::Result;
using crmexport::store::Connection;
using crmexport::store::Store;
using crmexport::store::StoreKey;
using crmexport::testing::ScopedEnv;
using crmexport::testing::StoreLocation;
using crmexport::testing::TempDir;

namespace {

const std::string k_token = "pd-token-0123456789abcdef";
const std::string k_secret = R"({"token":")" + k_token + "\"}";

StoreKey key_of(char digit) { return StoreKey::parse(std::string(64, digit), "test key").value(); }

Store open_store(const StoreLocation& where, std::optional<StoreKey> key) {
  auto store = Store::open(where.location(), std::move(key));
  if (!store) FAIL(store.error().message);
  return std::move(*store);
}

Connection token_connection(std::string name, std::string secret = k_secret) {
  Connection c;
  c.name = std::move(name);
  c.provider = "pipedrive";
  c.auth_kind = "token";
  c.secret = std::move(secret);
  return c;
}

// A store with two connections: "a" holding k_secret, "b" holding `b_secret`.
Store store_with_two(const StoreLocation& where, const StoreKey& key, const std::string& b_secret) {
  Store store = open_store(where, key);
  REQUIRE(store.add(token_connection("a"), false));
  REQUIRE(store.add(token_connection("b", b_secret), false));
  return store;
}

std::string any_store_kind() { return GENERATE(as<std::string>{}, StoreLocation::k_sqlite, StoreLocation::k_postgresql); }

// a, b and c, each holding {"token":"<name>-token"}.
void add_three(Store& store) {
  for (const std::string name : {"a", "b", "c"})
    REQUIRE(store.add(token_connection(name, R"({"token":")" + name + R"(-token"})"), false));
}

std::string another_key_message(const StoreLocation& where, const std::string& name, const StoreKey& sealed_with,
                                const StoreKey& given) {
  return "the secret of connection '" + name + "' in " + where.location() + " was encrypted with another key (id " +
         sealed_with.id() + ") than the one in CRMEXPORT_STORE_KEY (id " + given.id() +
         "); set CRMEXPORT_STORE_KEY to the key it was written with";
}

}  // namespace

TEST_CASE("secrets are stored encrypted and read back whole", "[store][secrets][postgres]") {
  const StoreLocation where(any_store_kind());
  const auto key = key_of('1');
  Store store = store_with_two(where, key, R"({"token":"other-token-value"})");

  const std::string raw = where.raw_secret("a");
  CHECK(raw.starts_with("enc:v1:" + key.id() + ":"));
  CHECK(raw.find(k_token) == std::string::npos);
  CHECK(raw.find("token") == std::string::npos);
  CHECK(key.id().size() == 16);
  CHECK((*store.find("a"))->secret == k_secret);
  CHECK((*store.list())[1].secret == R"({"token":"other-token-value"})");
  // A fresh nonce each time: the same secret never gives the same row twice.
  REQUIRE(store.update_secret("a", k_secret));
  CHECK(where.raw_secret("a") != raw);
  CHECK((*store.find("a"))->secret == k_secret);
}

TEST_CASE("another key, no key, an altered or a moved ciphertext are each refused by name", "[store][secrets][postgres]") {
  const StoreLocation where(any_store_kind());
  const auto key = key_of('1');
  store_with_two(where, key, R"({"token":"b-token-value"})");
  const auto not_leaked = [](const std::string& message) {
    CHECK(message.find(k_token) == std::string::npos);
    CHECK(message.find(std::string(64, '1')) == std::string::npos);
  };

  SECTION("another key") {
    const auto other = key_of('2');
    auto found = open_store(where, other).find("a");
    REQUIRE_FALSE(found);
    CHECK(found.error().kind == ErrorKind::usage);
    CHECK(found.error().message ==
          "the secret of connection 'a' in " + where.location() + " was encrypted with another key (id " + key.id() +
              ") than the one in CRMEXPORT_STORE_KEY (id " + other.id() +
              "); set CRMEXPORT_STORE_KEY to the key it was written with");
    not_leaked(found.error().message);
  }
  SECTION("no key") {
    auto found = open_store(where, std::nullopt).find("a");
    REQUIRE_FALSE(found);
    CHECK(found.error().kind == ErrorKind::usage);
    CHECK(found.error().message == "the secret of connection 'a' in " + where.location() +
                                       " is encrypted; set CRMEXPORT_STORE_KEY (or CRMEXPORT_STORE_KEY_FILE) to the "
                                       "key it was written with (key id " + key.id() + ")");
  }
  const std::string altered_message = "the encrypted secret of connection 'a' in " + where.location() +
                                      " does not verify: it was altered or copied from another connection; add the "
                                      "connection again with `crmexport auth add ... --name a --force`";
  SECTION("one altered character") {
    std::string raw = where.raw_secret("a");
    raw[raw.size() - 6] = raw[raw.size() - 6] == 'A' ? 'B' : 'A';
    where.set_raw_secret("a", raw);
    auto found = open_store(where, key).find("a");
    REQUIRE_FALSE(found);
    CHECK(found.error().kind == ErrorKind::auth);
    CHECK(found.error().message == altered_message);
  }
  SECTION("cut short") {
    where.set_raw_secret("a", "enc:v1:" + key.id() + ":AAAA");
    auto found = open_store(where, key).find("a");
    REQUIRE_FALSE(found);
    CHECK(found.error().message == altered_message);
  }
  SECTION("b's ciphertext copied into a's row") {
    where.set_raw_secret("a", where.raw_secret("b"));
    Store store = open_store(where, key);
    auto found = store.find("a");
    REQUIRE_FALSE(found);
    CHECK(found.error().kind == ErrorKind::auth);
    CHECK(found.error().message == altered_message);
    CHECK((*store.find("b"))->secret == R"({"token":"b-token-value"})");  // b itself still opens
  }
}

TEST_CASE("a PostgreSQL store without a key refuses to save secrets and saves nothing", "[store][secrets][postgres]") {
  const StoreLocation where(StoreLocation::k_postgresql);
  Store store = open_store(where, std::nullopt);
  const std::string refusal = "the credential store " + where.location() +
                              " is shared with other hosts, so crmexport writes secrets there only encrypted, and "
                              "no key is set; set CRMEXPORT_STORE_KEY or CRMEXPORT_STORE_KEY_FILE (make a key with "
                              "`crmexport auth keygen`); nothing was saved";
  for (const auto& refused : {store.add(token_connection("a"), false), store.check_secrets_writable()}) {
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::usage);
    CHECK(refused.error().message == refusal);
  }
  CHECK(store.list()->empty());
  bool renewed = false;
  auto refresh = store.refresh("a", [&](const std::string&) -> Result<std::optional<std::string>> {
    renewed = true;
    return std::nullopt;
  });
  REQUIRE_FALSE(refresh);
  CHECK(refresh.error().message == refusal);
  CHECK_FALSE(renewed);  // refused before a token endpoint would be asked
}

TEST_CASE("a file store reads plaintext written before a key was set, and encrypts it at the next write",
          "[store][secrets]") {
  const StoreLocation where(StoreLocation::k_sqlite);
  REQUIRE(open_store(where, std::nullopt).add(token_connection("a"), false));
  CHECK(where.raw_secret("a") == k_secret);

  Store store = open_store(where, key_of('1'));
  CHECK((*store.find("a"))->secret == k_secret);
  CHECK(where.raw_secret("a") == k_secret);  // reading changes nothing
  REQUIRE(store.update_secret("a", k_secret));
  CHECK(where.raw_secret("a").starts_with("enc:v1:"));
  CHECK((*store.find("a"))->secret == k_secret);
}

TEST_CASE("refresh runs on the stored secret, saves its answer, and saves nothing when it fails",
          "[store][secrets][postgres]") {
  const StoreLocation where(any_store_kind());
  Store store = open_store(where, key_of('1'));
  REQUIRE(store.add(token_connection("a", "R1"), false));

  auto failed = store.refresh("a", [](const std::string& secret) -> Result<std::optional<std::string>> {
    CHECK(secret == "R1");
    return crmexport::fail(ErrorKind::auth, "refused");
  });
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message == "refused");
  CHECK((*store.find("a"))->secret == "R1");

  const std::string unchanged_row = where.raw_secret("a");
  REQUIRE(store.refresh("a", [](const std::string&) -> Result<std::optional<std::string>> { return std::nullopt; }));
  CHECK(where.raw_secret("a") == unchanged_row);

  REQUIRE(store.refresh("a", [](const std::string& secret) -> Result<std::optional<std::string>> {
    return secret + "-R2";
  }));
  CHECK((*store.find("a"))->secret == "R1-R2");
  CHECK(where.raw_secret("a").find("R1-R2") == std::string::npos);

  auto gone = store.refresh("nope", [](const std::string&) -> Result<std::optional<std::string>> { return "x"; });
  REQUIRE_FALSE(gone);
  CHECK(gone.error().kind == ErrorKind::auth);
  CHECK(gone.error().message ==
        "the connection 'nope' is no longer in the credential store " + where.location());
}

TEST_CASE("a second refresh waits for the first to save, then renews from what it saved", "[store][secrets][postgres]") {
  const StoreLocation where(any_store_kind());
  Store first = open_store(where, key_of('1'));
  Store second = open_store(where, key_of('1'));
  REQUIRE(first.add(token_connection("a", "R1"), false));
  std::string seen_by_second;
  std::thread other;
  REQUIRE(first.refresh("a", [&](const std::string& secret) -> Result<std::optional<std::string>> {
    // While the first holds the row (as during a token request), the second tries to renew too.
    other = std::thread([&] {
      CHECK(second.refresh("a", [&](const std::string& theirs) -> Result<std::optional<std::string>> {
        seen_by_second = theirs;
        return theirs + "-R3";
      }));
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return secret + "-R2";
  }));
  other.join();
  CHECK(seen_by_second == "R1-R2");
  CHECK((*first.find("a"))->secret == "R1-R2-R3");
}

TEST_CASE("field names are kept per connection and type, in the order first seen", "[store][fields][postgres]") {
  const StoreLocation where(any_store_kind());
  Store store = open_store(where, key_of('1'));
  crmexport::fields::Field stage;
  stage.key = "stage_id";
  stage.name = "stage";
  stage.label = "Stage";
  stage.type = "enum";
  stage.options = crmexport::fields::parse_options(R"([{"id":"1","label":"Won"}])");
  crmexport::fields::Field custom = stage;
  custom.key = "abc123";
  custom.name = "budget";
  custom.label = "Budget";
  custom.type = "double";
  custom.custom = true;
  custom.multiple = true;
  custom.options = {};
  REQUIRE(save_field_names(store, "pd", "deals", {custom, stage}));
  REQUIRE(save_field_names(store, "pd", "persons", {stage}));

  auto deals = load_field_names(store, "pd", "deals");
  REQUIRE(deals);
  REQUIRE(deals->size() == 2);
  CHECK((*deals)[0].key == "abc123");
  CHECK((*deals)[0].name == "budget");
  CHECK((*deals)[0].label == "Budget");
  CHECK((*deals)[0].type == "double");
  CHECK((*deals)[0].custom);
  CHECK((*deals)[0].multiple);
  CHECK((*deals)[0].options.empty());
  CHECK((*deals)[1].key == "stage_id");
  CHECK_FALSE((*deals)[1].custom);
  CHECK(crmexport::fields::options_json((*deals)[1].options) == crmexport::fields::options_json(stage.options));

  // Saved again (a later run): the label changes, the order stays that of first sight.
  stage.label = "Deal stage";
  REQUIRE(save_field_names(store, "pd", "deals", {stage, custom}));
  deals = load_field_names(store, "pd", "deals");
  REQUIRE(deals->size() == 2);
  CHECK((*deals)[0].key == "abc123");
  CHECK((*deals)[1].label == "Deal stage");
  CHECK(load_field_names(store, "pd", "persons")->size() == 1);
  CHECK(load_field_names(store, "other", "deals")->empty());
}

TEST_CASE("a store key is 32 bytes in hex or base64, from the environment or a private file",
          "[store][secrets]") {
  const std::string hex(64, 'a');
  const std::string base64 = "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqo=";  // the same 32 bytes of 0xaa
  CHECK(StoreKey::parse(hex, "k").value().id() == StoreKey::parse(" " + base64 + "\n", "k").value().id());
  CHECK(crmexport::redact::apply("key " + base64 + " and " + hex) == "key [REDACTED] and [REDACTED]");

  for (const std::string& bad : {std::string(62, 'a'), std::string("not a key at all"), std::string(""),
                                std::string("qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq==")}) {
    auto refused = StoreKey::parse(bad, "CRMEXPORT_STORE_KEY");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::usage);
    CHECK(refused.error().message == "CRMEXPORT_STORE_KEY is not a key: it must be 32 bytes in base64 or hex; make "
                                     "one with `crmexport auth keygen`");
  }
  const auto made = StoreKey::generate_base64();
  CHECK(made.size() == 44);
  CHECK(StoreKey::parse(made, "k"));
  CHECK(made != StoreKey::generate_base64());

  ScopedEnv no_text("CRMEXPORT_STORE_KEY", std::nullopt);
  ScopedEnv no_file("CRMEXPORT_STORE_KEY_FILE", std::nullopt);
  CHECK_FALSE(StoreKey::from_environment().value().has_value());
  {
    ScopedEnv text("CRMEXPORT_STORE_KEY", base64);
    CHECK(StoreKey::from_environment().value()->id() == StoreKey::parse(hex, "k")->id());
  }
  TempDir folder;
  const std::string file = folder / "store.key";
  std::ofstream(file) << hex << "\n";
  ScopedEnv file_env("CRMEXPORT_STORE_KEY_FILE", file);
  REQUIRE(::chmod(file.c_str(), 0644) == 0);
  auto loose = StoreKey::from_environment();
  REQUIRE_FALSE(loose);
  CHECK(loose.error().kind == ErrorKind::usage);
  CHECK(loose.error().message == "the key file " + file +
                                     " (CRMEXPORT_STORE_KEY_FILE) can be read by group or others (mode 0644); make "
                                     "it private with `chmod 600 " + file + "`");
  REQUIRE(::chmod(file.c_str(), 0640) == 0);
  CHECK_FALSE(StoreKey::from_environment());
  REQUIRE(::chmod(file.c_str(), 0600) == 0);
  CHECK(StoreKey::from_environment().value()->id() == StoreKey::parse(hex, "k")->id());
  {
    ScopedEnv both("CRMEXPORT_STORE_KEY", hex);
    auto refused = StoreKey::from_environment();
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message ==
          "both CRMEXPORT_STORE_KEY and CRMEXPORT_STORE_KEY_FILE are set; unset one of them");
  }
  ScopedEnv missing("CRMEXPORT_STORE_KEY_FILE", folder / "absent.key");
  auto absent = StoreKey::from_environment();
  REQUIRE_FALSE(absent);
  CHECK(absent.error().message == "CRMEXPORT_STORE_KEY_FILE names " + (folder / "absent.key") +
                                      ", which is not a readable file; point it at the key file, or make one with "
                                      "`crmexport auth keygen`");
}

TEST_CASE("a PostgreSQL store that cannot be reached, or is newer, is a runtime error that shows no password",
          "[store][postgres]") {
  crmexport::redact::clear_secrets();
  const TempDir nowhere;
  const std::string uri = "postgresql://me:hunter2-secret@/crm?host=" + (nowhere / "no-socket");
  CHECK(crmexport::pg::shown_uri(uri) == "postgresql://me:***@/crm?host=" + (nowhere / "no-socket"));
  CHECK(crmexport::pg::shown_uri("postgres:///crm?user=me&password=hunter2-secret&host=/h") ==
        "postgres:///crm?user=me&password=***&host=/h");
  CHECK(crmexport::redact::apply("said hunter2-secret") == "said [REDACTED]");
  auto refused = Store::open(uri, std::nullopt);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::runtime);
  CHECK_THAT(refused.error().message,
             Catch::StartsWith("could not connect to the credential store postgresql://me:***@/crm?host="));
  CHECK_THAT(refused.error().message,
             Catch::EndsWith("; check the URI given to --store or CRMEXPORT_STORE, and that the server runs"));
  CHECK(refused.error().message.find("hunter2") == std::string::npos);

  const StoreLocation where(StoreLocation::k_postgresql);
  REQUIRE(Store::open(where.location(), std::nullopt));
  where.psql("UPDATE crmexport_store.schema_version SET version = 99");
  auto newer = Store::open(where.location(), std::nullopt);
  REQUIRE_FALSE(newer);
  CHECK(newer.error().kind == ErrorKind::runtime);
  CHECK(newer.error().message == "the credential store " + where.location() +
                                     " was written by a newer crmexport (schema 99, this one knows 2); upgrade "
                                     "crmexport to use it");
}

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
