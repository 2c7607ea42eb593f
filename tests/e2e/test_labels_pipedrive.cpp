// Readable records from Pipedrive: `crmexport fields` and `export --labels` against crm-fake,
// compared with the field definitions and records the fake dumped. The expected labeling is
// computed here from the dumps, independently of crmexport's own relabeling code.
#include <regex>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <map>


#include "support/csv_reader.hpp"
#include "support/fake_server.hpp"
#include "support/labeled_view.hpp"
#include "support/json_text.hpp"
#include "support/store_location.hpp"
#include "support/mirror_db.hpp"

using namespace crmexport::testing;

namespace {

const std::vector<std::string> k_custom_types = {"persons", "organizations", "deals"};

std::string lower(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// A field as the fake defines it (v1 items: they also list deleted options).
struct Definition {
  std::string key, label, type;
  bool custom = false;
  std::map<std::string, std::string> options;  // compact JSON id -> label
};

std::vector<Definition> definitions(const FakeServer& server, const std::string& type) {
  std::vector<Definition> defs;
  for (const auto& line : server.dataset("pipedrive", "v1/fields/" + type)) {
    auto item = parse_exact(line);
    Definition d{item["key"].GetString(), item["name"].GetString(), item["field_type"].GetString(),
                 item["edit_flag"].GetBool(), {}};
    for (const char* list : {"options", "options_deleted"})
      if (item[list].IsArray())
        for (auto& o : item[list].GetArray()) d.options[compact(o["id"])] = o["label"].GetString();
    defs.push_back(std::move(d));
  }
  return defs;
}

// The documented naming rule: the label, with " (KEY8)" when a built-in key or label has it.
std::string expected_name(const std::vector<Definition>& defs, const Definition& field) {
  for (const auto& d : defs)
    if (!d.custom && (lower(d.key) == lower(field.label) || lower(d.label) == lower(field.label)))
      return field.label + " (" + field.key.substr(0, 8) + ")";
  return field.label;
}

// One value with its options replaced by labels (arrays item by item).
void label_value(rapidjson::Value& value, const Definition& field, rapidjson::Document::AllocatorType& alloc) {
  if (field.options.empty()) return;
  auto one = [&](rapidjson::Value& v) {
    auto it = field.options.find(compact(v));
    if (it != field.options.end()) v.SetString(it->second.c_str(), alloc);
  };
  if (value.IsArray())
    for (auto& item : value.GetArray()) one(item);
  else if (!value.IsNull())
    one(value);
}

// A v2 dataset record as `export --labels` should write it.
std::string labeled_v2(const std::string& record, const std::vector<Definition>& defs) {
  auto doc = parse_exact(record);
  auto& alloc = doc.GetAllocator();
  for (const auto& d : defs)
    if (!d.custom && doc.HasMember(d.key.c_str())) label_value(doc[d.key.c_str()], d, alloc);
  rapidjson::Value custom(rapidjson::kObjectType);
  for (auto& member : doc["custom_fields"].GetObject()) {
    auto def = std::ranges::find_if(defs, [&](const auto& d) { return d.key == member.name.GetString(); });
    REQUIRE(def != defs.end());
    rapidjson::Value value(member.value, alloc);
    label_value(value, *def, alloc);
    custom.AddMember(rapidjson::Value(expected_name(defs, *def).c_str(), alloc), value, alloc);
  }
  doc["custom_fields"] = custom;
  return compact(doc);
}

// What a labeled view's `column` should hold for a record labeled as export --labels labels it;
// nullptr for the view's own columns and fields the record does not have.
const rapidjson::Value* view_cell(const rapidjson::Value& expected, const std::string& column) {
  if (expected["custom_fields"].HasMember(column.c_str())) return &expected["custom_fields"][column.c_str()];
  if (column != "connection" && column != "deleted_at" && expected.HasMember(column.c_str()))
    return &expected[column.c_str()];
  return nullptr;
}

// crm-fake and a connection "pd" to it, in a store of `store_kind` (a file unless said).
struct Setup {
  FakeServer server{{"--records", "150"}};
  TempDir home;
  StoreLocation store;
  explicit Setup(const std::string& store_kind = StoreLocation::k_sqlite) : store(store_kind) {
    RunOptions options;
    options.stdin_text = "fake-token\n";
    REQUIRE(run({"auth", "add", "pipedrive", "--name", "pd", "--base-url", server.url() + "/pipedrive",
                 "--token-stdin"},
                options)
                .exit_code == 0);
  }
  RunResult run(std::vector<std::string> args, RunOptions options = {}) {
    args.insert(args.begin(), {CRMEXPORT_BIN, "--store", store.location()});
    if (store.kind() == StoreLocation::k_postgresql) options.env["CRMEXPORT_STORE_KEY"] = std::string(64, 'd');
    return crmexport::testing::run(args, options);
  }
};

// Both sides parsed, so numbers compare by value (exact: full precision, int64) and text by text.
void check_same_records(const std::string& out, const std::vector<std::string>& expected) {
  auto lines = lines_of(out);
  REQUIRE(lines.size() == expected.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    INFO(lines[i]);
    CHECK(parse_exact(lines[i]) == parse_exact(expected[i]));
  }
}

}  // namespace

TEST_CASE("fields --json lists exactly the fake's Pipedrive definitions, with readable names", "[e2e][labels]") {
  Setup s;
  for (const std::string type : {"persons", "organizations", "deals", "activities", "notes"}) {
    INFO(type);
    auto result = s.run({"-q", "fields", "pd", type, "--json"});
    REQUIRE(result.exit_code == 0);
    auto listed = parse_exact(result.out);
    auto items = s.server.dataset("pipedrive", "fields/" + type);
    auto defs = definitions(s.server, type);
    REQUIRE(listed.Size() == items.size());
    for (rapidjson::SizeType i = 0; i < listed.Size(); ++i) {
      auto item = parse_exact(items[i]);
      const auto& field = listed[i];
      CHECK(field.MemberCount() == 6);
      CHECK(std::string(field["key"].GetString()) == item["field_code"].GetString());
      CHECK(std::string(field["label"].GetString()) == item["field_name"].GetString());
      CHECK(std::string(field["type"].GetString()) == item["field_type"].GetString());
      CHECK(field["custom"].GetBool() == item["is_custom_field"].GetBool());
      rapidjson::Value none(rapidjson::kArrayType);
      CHECK(field["options"] == (item["options"].IsNull() ? none : item["options"]));
      CHECK(std::string(field["name"].GetString()) ==
            (field["custom"].GetBool() ? expected_name(defs, defs[i]) : defs[i].key));
    }
  }
  auto users = s.run({"fields", "pd", "users", "--json"});
  CHECK(users.exit_code == 0);
  CHECK(users.out == "[]\n");
  CHECK(users.err.find("no field metadata") != std::string::npos);
}

TEST_CASE("export --labels writes every Pipedrive record readable, v1 and v2", "[e2e][labels]") {
  Setup s;
  for (const auto& type : k_custom_types) {
    INFO(type);
    auto defs = definitions(s.server, type);
    // v1 lists deleted options (options_deleted): seen once, they keep resolving in v2 answers,
    // which leave them out.
    auto v1 = s.run({"-q", "export", "pd", type, "--api-version", "v1", "--labels"});
    REQUIRE(v1.exit_code == 0);
    auto v1_raw = s.server.dataset("pipedrive", "v1/" + type);
    auto v1_lines = lines_of(v1.out);
    REQUIRE(v1_lines.size() == v1_raw.size());
    auto v2 = s.run({"-q", "export", "pd", type, "--labels"});
    REQUIRE(v2.exit_code == 0);
    std::vector<std::string> expected;
    for (const auto& record : s.server.dataset("pipedrive", type)) expected.push_back(labeled_v2(record, defs));
    check_same_records(v2.out, expected);
    // v1's flat custom values land in the same custom_fields object as v2's.
    auto v2_lines = lines_of(v2.out);
    for (size_t i = 0; i < v1_lines.size(); ++i) {
      auto one = parse_exact(v1_lines[i]);
      auto two = parse_exact(v2_lines[i]);
      CHECK(one["custom_fields"] == two["custom_fields"]);
      for (const auto& d : defs)
        if (d.custom) CHECK_FALSE(one.HasMember(d.key.c_str()));
    }
  }
}

TEST_CASE("a fresh v2 connection keeps the ids of options the account deleted", "[e2e][labels]") {
  Setup s;
  auto result = s.run({"-q", "export", "pd", "persons", "--labels"});
  REQUIRE(result.exit_code == 0);
  // Interests' last option (id 146) is deleted upstream: nothing names it, so it stays an id.
  CHECK(result.out.find("146") != std::string::npos);
  CHECK(result.out.find("\"Opera\"") == std::string::npos);
  CHECK(result.out.find("\"Golf\"") != std::string::npos);
}

TEST_CASE("names stay frozen across a rename, deleted options still resolve, --refresh-names renames",
          "[e2e][labels][postgres]") {
  Setup s(GENERATE(as<std::string>{}, StoreLocation::k_sqlite, StoreLocation::k_postgresql));
  auto defs = definitions(s.server, "deals");
  auto deal_type = std::ranges::find_if(defs, [](const auto& d) { return d.label == "Deal type"; });
  REQUIRE(deal_type != defs.end());
  auto before = s.run({"-q", "export", "pd", "deals", "--labels"});
  REQUIRE(before.exit_code == 0);
  REQUIRE(before.out.find("\"Deal type\":\"Web\"") != std::string::npos);

  const std::string admin = "/_admin/pipedrive/fields/deals/" + deal_type->key;
  s.server.admin(admin + "/rename", "Kind of deal");
  s.server.admin(admin + "/options/121/delete");
  auto after = s.run({"-q", "export", "pd", "deals", "--labels"});
  REQUIRE(after.exit_code == 0);
  CHECK(after.out == before.out);

  auto fields = s.run({"-q", "fields", "pd", "deals", "--refresh-names"});
  REQUIRE(fields.exit_code == 0);
  CHECK(fields.out.find(deal_type->key + "\tKind of deal\tKind of deal\tenum\tcustom\t122=Referral; 123=Trade show; "
                                          "124=Cold call; 125=Partner; 121=Web\n") !=
        std::string::npos);
  auto renamed = s.run({"-q", "export", "pd", "deals", "--labels"});
  CHECK(renamed.out.find("\"Kind of deal\":\"Web\"") != std::string::npos);
  CHECK(renamed.out.find("\"Deal type\"") == std::string::npos);
  if (s.store.kind() == StoreLocation::k_postgresql)  // the frozen names live in the shared store
    CHECK(s.store.psql("SELECT label FROM crmexport_store.field_names WHERE connection = 'pd' AND type = 'deals' "
                       "AND key = " + sql_literal(deal_type->key)) == "Kind of deal\n");
}

TEST_CASE("export and sync take --refresh-names too, a usage error without readable records",
          "[e2e][labels]") {
  Setup s;
  auto defs = definitions(s.server, "deals");
  auto deal_type = std::ranges::find_if(defs, [](const auto& d) { return d.label == "Deal type"; });
  REQUIRE(deal_type != defs.end());
  auto db = s.home / "mirror.db";
  REQUIRE(s.run({"-q", "sync", "pd", "deals", "--db", db}).exit_code == 0);
  s.server.admin("/_admin/pipedrive/fields/deals/" + deal_type->key + "/rename", "Kind of deal");

  auto refused = s.run({"-q", "export", "pd", "deals", "--refresh-names"});
  CHECK(refused.exit_code == 2);
  CHECK(untimed(refused.err) == "crmexport: error: --refresh-names renames the fields of readable records; give "
                                "--labels too (or write CSV without --raw)\n");
  CHECK(refused.out.empty());

  auto frozen = s.run({"-q", "export", "pd", "deals", "--labels"});
  REQUIRE(frozen.exit_code == 0);
  CHECK(frozen.out.find("\"Deal type\":\"Web\"") != std::string::npos);
  auto renamed = s.run({"-q", "export", "pd", "deals", "--labels", "--refresh-names"});
  REQUIRE(renamed.exit_code == 0);
  CHECK(renamed.out.find("\"Kind of deal\":\"Web\"") != std::string::npos);
  CHECK(renamed.out.find("\"Deal type\"") == std::string::npos);

  // Renamed back upstream: sync keeps the export's frozen name until --refresh-names.
  s.server.admin("/_admin/pipedrive/fields/deals/" + deal_type->key + "/rename", "Deal kind");
  auto name_in_mirror = [&] {
    SQLite::Database database(db, SQLite::OPEN_READONLY);
    SQLite::Statement row(database, "SELECT name FROM fields WHERE type = 'deals' AND key = ?1");
    row.bind(1, deal_type->key);
    REQUIRE(row.executeStep());
    return row.getColumn(0).getString();
  };
  REQUIRE(s.run({"-q", "sync", "pd", "deals", "--db", db}).exit_code == 0);
  CHECK(name_in_mirror() == "Kind of deal");
  REQUIRE(s.run({"-q", "sync", "pd", "deals", "--db", db, "--refresh-names"}).exit_code == 0);
  CHECK(name_in_mirror() == "Deal kind");
  SQLite::Database database(db, SQLite::OPEN_READONLY);
  CHECK(database.execAndGet("SELECT count(*) FROM pipedrive_deals_labeled WHERE \"Deal kind\" = 'Web'").getInt() > 0);
}

TEST_CASE("CSV is readable by default and --raw keeps the provider's columns", "[e2e][labels]") {
  Setup s;
  auto defs = definitions(s.server, "deals");
  auto readable = s.run({"export", "pd", "deals", "-f", "csv"});
  REQUIRE(readable.exit_code == 0);
  CHECK(std::regex_search(readable.err,
                          std::regex(R"(deals: 150 records in 1 page, 1 request, 10 tokens; field metadata: 1 request, )"
                                     R"(\d+\.\ds\n)")));
  auto raw = s.run({"-q", "export", "pd", "deals", "-f", "csv", "--raw"});
  REQUIRE(raw.exit_code == 0);
  auto readable_header = parse_csv(readable.out).front();
  auto raw_header = parse_csv(raw.out).front();
  REQUIRE(readable_header.size() == raw_header.size());
  auto any_starts = [](const std::vector<std::string>& header, const std::string& prefix) {
    return std::ranges::any_of(header, [&](const auto& column) { return column.starts_with(prefix); });
  };
  for (const auto& d : defs)
    if (d.custom) {
      INFO(d.label);
      CHECK(any_starts(raw_header, "custom_fields." + d.key));
      CHECK_FALSE(any_starts(readable_header, "custom_fields." + d.key));
      CHECK(any_starts(readable_header, "custom_fields." + expected_name(defs, d)));
    }
  CHECK(std::ranges::count(readable_header, "custom_fields.Title (551c6344)") == 1);
  // Without labels nothing asks for field metadata.
  auto before = s.server.stats();
  REQUIRE(s.run({"-q", "export", "pd", "deals"}).exit_code == 0);
  CHECK(parse_exact(s.server.stats())["requests"]["/pipedrive/api/v2/dealFields"].GetInt() ==
        parse_exact(before)["requests"]["/pipedrive/api/v2/dealFields"].GetInt());
}

TEST_CASE("export --fields takes readable names and keys, and suggests names for a typo", "[e2e][labels]") {
  Setup s;
  auto defs = definitions(s.server, "deals");
  auto external = std::ranges::find_if(defs, [](const auto& d) { return d.label == "External ID"; });
  auto chosen = s.run({"-q", "export", "pd", "deals", "-f", "csv", "--max-records", "1", "--fields",
                       "id,status,Deal type,custom_fields.Setup fee.currency," + external->key});
  REQUIRE(chosen.exit_code == 0);
  CHECK(lines_of(chosen.out).front() ==
        "id,status,custom_fields.Deal type,custom_fields.Setup fee.currency,custom_fields.External ID\r");
  auto raw = s.run({"-q", "export", "pd", "deals", "-f", "csv", "--raw", "--max-records", "1", "--fields",
                    "id,Deal type"});
  REQUIRE(raw.exit_code == 0);
  auto deal_type = std::ranges::find_if(defs, [](const auto& d) { return d.label == "Deal type"; });
  CHECK(lines_of(raw.out).front() == "id,custom_fields." + deal_type->key + "\r");

  auto typo = s.run({"-q", "export", "pd", "deals", "-f", "csv", "--fields", "id,Deal tpye"});
  CHECK(typo.exit_code == 2);
  CHECK(untimed(typo.err) ==
        "crmexport: error: --fields: no field of this type is called 'Deal tpye': did you mean 'Deal type'? (`crmexport "
        "fields CONNECTION TYPE` lists them)\n");
  CHECK(typo.out.empty());
}

TEST_CASE("export --fields reaches into arrays by index and by primary", "[e2e][labels]") {
  Setup s;
  auto chosen = s.run({"-q", "export", "pd", "persons", "-f", "csv", "--fields",
                       "id,emails.primary.value,emails.1.value,phones.0.label,emails"});
  INFO(chosen.err);
  REQUIRE(chosen.exit_code == 0);
  std::vector<std::vector<std::string>> expected{{"id", "emails.primary.value", "emails.1.value", "phones.0.label",
                                                  "emails"}};
  for (const auto& line : s.server.dataset("pipedrive", "persons")) {
    auto person = parse_exact(line);
    auto text_of = [](const rapidjson::Value& list, rapidjson::SizeType index, const char* key) {
      return list.IsArray() && index < list.Size() && list[index].HasMember(key) ? list[index][key].GetString()
                                                                                  : std::string();
    };
    std::string primary;
    const auto& emails = person["emails"];
    for (rapidjson::SizeType i = 0; emails.IsArray() && i < emails.Size() && primary.empty(); ++i)
      if (emails[i]["primary"].GetBool()) primary = emails[i]["value"].GetString();
    rapidjson::StringBuffer whole;
    rapidjson::Writer<rapidjson::StringBuffer> writer(whole);
    emails.Accept(writer);
    expected.push_back({std::to_string(person["id"].GetInt64()), primary, text_of(emails, 1, "value"),
                        text_of(person["phones"], 0, "label"), whole.GetString()});
  }
  CHECK(parse_csv(chosen.out) == expected);
  // No chosen column is one labels change: the records were not relabeled, and the bytes are
  // those of --raw.
  auto raw = s.run({"-q", "export", "pd", "persons", "-f", "csv", "--raw", "--fields",
                    "id,emails.primary.value,emails.1.value,phones.0.label,Email"});  // by its label
  REQUIRE(raw.exit_code == 0);
  CHECK(raw.out == chosen.out);

  // An option column still shows its labels, by the metadata's options.
  auto status = s.run({"-q", "export", "pd", "deals", "-f", "csv", "--fields", "id,status"});
  REQUIRE(status.exit_code == 0);
  auto defs = definitions(s.server, "deals");
  const auto& options = std::ranges::find_if(defs, [](const auto& d) { return d.key == "status"; })->options;
  REQUIRE(!options.empty());
  std::vector<std::vector<std::string>> deals{{"id", "status"}};
  for (const auto& line : s.server.dataset("pipedrive", "deals")) {
    auto deal = parse_exact(line);
    deals.push_back({std::to_string(deal["id"].GetInt64()), options.at(compact(deal["status"]))});
  }
  CHECK(parse_csv(status.out) == deals);
}

TEST_CASE("sync keeps a fields table and a labeled view per type that match the dataset", "[e2e][labels]") {
  Setup s;
  auto db = s.home / "mirror.db";
  // v1's metadata names the deleted options; stored once, the view labels them too.
  for (const std::string type : {"deals", "persons"})
    REQUIRE(s.run({"-q", "fields", "pd", type, "--api-version", "v1"}).exit_code == 0);
  auto synced = s.run({"sync", "pd", "deals", "persons", "--db", db, "--json"});
  REQUIRE(synced.exit_code == 0);
  auto report = parse_exact(synced.out);
  CHECK(report["types"]["deals"]["field_requests"].GetInt() == 1);
  CHECK(std::regex_search(synced.err,
                          std::regex(R"(deals: full, fetched 150, inserted 150, updated 0, deleted 0, 1 request, 10 tokens, )"
                                     R"(\d+\.\d s; field metadata: 1 request, \d+\.\ds\n)")));

  SQLite::Database database(db, SQLite::OPEN_READONLY);
  for (const std::string type : {"deals", "persons"}) {
    INFO(type);
    auto defs = definitions(s.server, type);
    SQLite::Statement rows(database, "SELECT key, name, label, custom FROM fields WHERE connection = 'pd' AND type = '" +
                                         type + "' ORDER BY first_seen, rowid");
    size_t i = 0;
    for (; rows.executeStep(); ++i) {
      REQUIRE(i < defs.size());
      CHECK(rows.getColumn(0).getString() == defs[i].key);
      CHECK(rows.getColumn(1).getString() == (defs[i].custom ? expected_name(defs, defs[i]) : defs[i].key));
      CHECK(rows.getColumn(2).getString() == defs[i].label);
      CHECK((rows.getColumn(3).getInt() != 0) == defs[i].custom);
    }
    CHECK(i == defs.size());

    // Every custom column of the view holds the record's value, labeled as export --labels labels it.
    auto records = s.server.dataset("pipedrive", type);
    SQLite::Statement view(database, "SELECT * FROM pipedrive_" + type + "_labeled ORDER BY id");
    size_t n = 0;
    for (; view.executeStep(); ++n) {
      auto expected = parse_exact(labeled_v2(records[n], defs));
      for (int c = 0; c < view.getColumnCount(); ++c) {
        std::string column = view.getColumnName(c);
        const rapidjson::Value* value = view_cell(expected, column);
        if (!value) continue;
        INFO(column << " of " << records[n]);
        const auto cell = view.getColumn(c);
        if (value->IsNull()) CHECK(cell.isNull());
        else CHECK(view_cell_holds(*value, cell.getString()));
      }
    }
    CHECK(n == records.size());
  }
  // An option field is its label and, beside it, the record's value: `status = 'open'` on the
  // record and `status_raw = 'open'` on the view count the same deals, as does `status = 'Open'`.
  long open = 0;
  for (const auto& record : s.server.dataset("pipedrive", "deals"))
    if (std::string(parse_exact(record)["status"].GetString()) == "open") ++open;
  CHECK(open > 0);
  CHECK(database.execAndGet("SELECT count(*) FROM pipedrive_deals_labeled WHERE status_raw = 'open'").getInt() == open);
  CHECK(database.execAndGet("SELECT count(*) FROM pipedrive_deals_labeled WHERE status = 'Open'").getInt() == open);
  CHECK(database.execAndGet("SELECT count(*) FROM pipedrive_deals_labeled WHERE status = 'open'").getInt() == 0);

  // A field renamed upstream: the next sync records the new label, keeps the frozen name, and
  // the view (rebuilt because the fields changed) still has the column under that name.
  auto defs = definitions(s.server, "deals");
  auto deal_type = std::ranges::find_if(defs, [](const auto& d) { return d.label == "Deal type"; });
  s.server.admin("/_admin/pipedrive/fields/deals/" + deal_type->key + "/rename", "Kind of deal");
  REQUIRE(s.run({"-q", "sync", "pd", "deals", "--db", db}).exit_code == 0);
  SQLite::Database after(db, SQLite::OPEN_READONLY);
  SQLite::Statement row(after, "SELECT name, label FROM fields WHERE type = 'deals' AND key = ?1");
  row.bind(1, deal_type->key);
  REQUIRE(row.executeStep());
  CHECK(row.getColumn(0).getString() == "Deal type");
  CHECK(row.getColumn(1).getString() == "Kind of deal");
  CHECK(after.execAndGet("SELECT count(*) FROM pipedrive_deals_labeled WHERE \"Deal type\" = 'Web'").getInt() > 0);
}

TEST_CASE("CSV falls back to raw with a warning when field metadata cannot be read, --labels fails",
          "[e2e][labels]") {
  // Every other request fails with 500, and no retries: the metadata request is the one to fail.
  FakeServer server({"--records", "20", "--inject-500-every", "1"});
  TempDir home;
  REQUIRE(add_connection(home, server, "pipedrive", "pd", "fake-token", {"--no-verify"}).exit_code == 0);
  auto csv = run_crmexport(home, {"--max-retries", "0", "export", "pd", "deals", "-f", "csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.err.find("warning: deals: the field metadata could not be read (") != std::string::npos);
  CHECK(parse_csv(csv.out).size() == 21);
  CHECK(lines_of(csv.out).front().find("custom_fields.551c6344c57b06fa010f06fea7e39c5d96e68dc9") !=
        std::string::npos);

  auto asked = run_crmexport(home, {"-q", "--max-retries", "0", "export", "pd", "deals", "--labels"});
  CHECK(asked.exit_code == 5);
  CHECK(asked.out.empty());
}

TEST_CASE("sync into PostgreSQL keeps the same fields table and labeled views, in jsonb", "[e2e][labels][postgres]") {
  Setup s;
  MirrorDb db(Backend::postgres);
  for (const std::string type : {"deals", "persons"})
    REQUIRE(s.run({"-q", "fields", "pd", type, "--api-version", "v1"}).exit_code == 0);
  REQUIRE(s.run({"-q", "sync", "pd", "deals", "persons", "--db", db.location()}).exit_code == 0);
  for (const std::string type : {"deals", "persons"}) {
    INFO(type);
    auto defs = definitions(s.server, type);
    auto fields = db.postgres_query("SELECT key, name, label, custom FROM fields WHERE connection = 'pd' AND type = '" +
                                    type + "' ORDER BY seen_order");
    REQUIRE(fields.rows.size() == defs.size());
    for (size_t i = 0; i < defs.size(); ++i) {
      CHECK(*fields.rows[i][0] == defs[i].key);
      CHECK(*fields.rows[i][1] == (defs[i].custom ? expected_name(defs, defs[i]) : defs[i].key));
      CHECK(*fields.rows[i][2] == defs[i].label);
      CHECK(*fields.rows[i][3] == (defs[i].custom ? "t" : "f"));
    }
    // Every column of the view holds the record's value as text, labeled as export --labels labels it.
    auto records = s.server.dataset("pipedrive", type);
    auto view = db.postgres_query("SELECT * FROM pipedrive_" + type + "_labeled ORDER BY id");
    REQUIRE(view.rows.size() == records.size());
    long compared = 0;
    for (size_t n = 0; n < records.size(); ++n) {
      auto expected = parse_exact(labeled_v2(records[n], defs));
      for (size_t c = 0; c < view.columns.size(); ++c) {
        const auto& column = view.columns[c];
        const rapidjson::Value* value = view_cell(expected, column);
        if (!value) continue;
        INFO(column << " of " << records[n]);
        const auto& cell = view.rows[n][c];
        ++compared;
        if (value->IsNull()) CHECK(!cell);
        else CHECK(view_cell_holds(*value, cell.value_or("")));
      }
    }
    CHECK(compared > static_cast<long>(records.size()) * 5);
  }
  auto defs = definitions(s.server, "deals");
  auto deal_type = std::ranges::find_if(defs, [](const auto& d) { return d.label == "Deal type"; });
  s.server.admin("/_admin/pipedrive/fields/deals/" + deal_type->key + "/rename", "Kind of deal");
  REQUIRE(s.run({"-q", "sync", "pd", "deals", "--db", db.location()}).exit_code == 0);
  CHECK(db.scalar("SELECT name || '/' || label FROM fields WHERE type = 'deals' AND key = '" + deal_type->key + "'") ==
        "Deal type/Kind of deal");
  CHECK(db.scalar("SELECT count(*) > 0 FROM pipedrive_deals_labeled WHERE \"Deal type\" = 'Web'") == "t");
}
