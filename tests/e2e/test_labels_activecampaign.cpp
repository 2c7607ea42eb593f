// Readable records from ActiveCampaign: contacts gain custom_fields {name: value} built from the
// fieldValues side-loaded beside the same page (include=fieldValues: no request per contact),
// option values as labels, "||A||C||" as a list; expected values computed from the fake's dump.
#include <regex>
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <map>

#include "support/fake_server.hpp"
#include "support/frozen_names.hpp"
#include "support/json_text.hpp"
#include "support/labeled_view.hpp"
#include "support/mirror_db.hpp"

using namespace crmexport::testing;

namespace {

struct ContactField {
  std::string name;
  bool multiple = false;
  std::map<std::string, std::string> options;
};

std::map<std::string, ContactField> contact_fields(const FakeServer& server) {
  std::map<std::string, ContactField> fields;
  for (const auto& line : server.dataset("activecampaign", "fields/contacts")) {
    auto item = parse_exact(line);
    std::string title = item["title"].GetString();
    // "Email" is a built-in contact field too: the suffix is the field's id.
    ContactField f{title == "Email" ? title + " (" + item["id"].GetString() + ")" : title,
                   std::string(item["type"].GetString()) == "listbox", {}};
    for (auto& o : item["options"].GetArray()) f.options[o["value"].GetString()] = o["label"].GetString();
    fields[item["id"].GetString()] = f;
  }
  return fields;
}

// Each contact as export --labels writes it: custom_fields {name: labeled value} from its
// side-loaded values, "||A||C||" as a list.
std::vector<std::string> expected_contacts(const FakeServer& server) {
  auto fields = contact_fields(server);
  auto values = server.dataset("activecampaign", "fields/contact_values");
  auto records = server.dataset("activecampaign", "contacts");
  REQUIRE(values.size() == records.size());
  std::vector<std::string> out;
  for (size_t i = 0; i < records.size(); ++i) {
    auto expected = parse_exact(records[i]);
    auto& alloc = expected.GetAllocator();
    rapidjson::Value custom(rapidjson::kObjectType);
    auto side = parse_exact(values[i]);
    for (auto& v : side["fieldValues"].GetArray()) {
      REQUIRE(std::string(v["contact"].GetString()) == expected["id"].GetString());
      const auto& f = fields.at(v["field"].GetString());
      std::string text = v["value"].GetString();
      auto label = [&](const std::string& id) { return f.options.count(id) ? f.options.at(id) : id; };
      rapidjson::Value value;
      if (f.multiple && !text.empty()) {
        value.SetArray();
        for (size_t start = 2; start < text.size(); start = text.find("||", start) + 2)
          value.PushBack(rapidjson::Value(label(text.substr(start, text.find("||", start) - start)).c_str(), alloc),
                         alloc);
      } else {
        value.SetString(label(text).c_str(), alloc);
      }
      custom.AddMember(rapidjson::Value(f.name.c_str(), alloc), value, alloc);
    }
    expected.AddMember("custom_fields", custom, alloc);
    out.push_back(compact(expected));
  }
  return out;
}

}  // namespace

TEST_CASE("export --labels gives ActiveCampaign contacts their side-loaded custom fields, labeled", "[e2e][labels]") {
  FakeServer server({"--records", "130"});
  TempDir home;
  REQUIRE(add_connection(home, server, "activecampaign", "ac").exit_code == 0);
  auto records = server.dataset("activecampaign", "contacts");
  auto expected = expected_contacts(server);

  auto result = run_crmexport(home, {"-q", "export", "ac", "contacts", "--labels"});
  REQUIRE(result.exit_code == 0);
  auto lines = lines_of(result.out);
  REQUIRE(lines.size() == expected.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    INFO(lines[i]);
    CHECK(parse_exact(lines[i]) == parse_exact(expected[i]));
  }
  // Without --labels nothing changes: the records are the dataset's, and no values are asked for.
  auto raw = run_crmexport(home, {"-q", "export", "ac", "contacts"});
  CHECK(lines_of(raw.out) == records);
}

namespace {

// A deal or account custom field as the fake defines it, and the name crmexport must give it.
struct ObjectField {
  std::string name;
  std::string type;
  bool multiple = false;
};

// "Title" and "Name" are built-in deal and account fields: the custom ones get their id as suffix.
std::map<std::string, ObjectField> object_fields(const FakeServer& server, const std::string& type) {
  std::map<std::string, ObjectField> out;
  for (const auto& line : server.dataset("activecampaign", "fields/" + type)) {
    auto item = parse_exact(line);
    std::string label = item["fieldLabel"].GetString();
    std::string field_type = item["fieldType"].GetString();
    bool clash = label == "Title" || label == "Name";
    out[item["id"].GetString()] = {clash ? label + " (" + item["id"].GetString() + ")" : label, field_type,
                                   field_type == "multiselect" || field_type == "checkbox"};
  }
  return out;
}

// The record with custom_fields {name: value} computed from the fake's dumped values: options are
// their own labels, "||A||C||" a list, currency {value (cents, as given), currency}.
std::vector<std::string> expected_joined(const FakeServer& server, const std::string& type, const std::string& id_member) {
  auto defs = object_fields(server, type);
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_record;  // id -> (name, value json)
  const std::string singular = type.substr(0, type.size() - 1);
  for (const auto& line : server.dataset("activecampaign", "fields/" + singular + "_values")) {
    auto item = parse_exact(line);
    const auto& def = defs.at(std::to_string(item["customFieldId"].GetInt64()));
    rapidjson::Document value;
    auto& alloc = value.GetAllocator();
    if (item.HasMember("fieldCurrency")) {
      value.SetObject();
      value.AddMember("value", rapidjson::Value(item["fieldValue"], alloc), alloc);
      value.AddMember("currency", rapidjson::Value(item["fieldCurrency"], alloc), alloc);
    } else if (def.multiple && item["fieldValue"].GetStringLength() > 0) {
      std::string text = item["fieldValue"].GetString();
      value.SetArray();
      for (size_t start = 2; start < text.size(); start = text.find("||", start) + 2)
        value.PushBack(rapidjson::Value(text.substr(start, text.find("||", start) - start).c_str(), alloc), alloc);
    } else {
      value.CopyFrom(item["fieldValue"], alloc);
    }
    by_record[std::to_string(item[id_member.c_str()].GetInt64())].emplace_back(def.name, compact(value));
  }
  std::vector<std::string> out;
  for (const auto& line : server.dataset("activecampaign", type)) {
    auto record = parse_exact(line);
    std::string custom = "{";
    for (const auto& [name, value] : by_record[record["id"].GetString()])
      custom += (custom.size() > 1 ? "," : "") + compact(rapidjson::Value(name.c_str(), record.GetAllocator())) + ":" + value;
    auto fields = parse_exact(custom + "}");
    record.AddMember("custom_fields", rapidjson::Value(fields, record.GetAllocator()), record.GetAllocator());
    out.push_back(compact(record));
  }
  return out;
}

}  // namespace

TEST_CASE("fields --json lists ActiveCampaign deal and account custom fields as the fake defines them",
          "[e2e][labels]") {
  FakeServer server({"--records", "30"});
  TempDir home;
  REQUIRE(add_connection(home, server, "activecampaign", "ac").exit_code == 0);
  for (const std::string type : {"deals", "accounts"}) {
    INFO(type);
    auto result = run_crmexport(home, {"-q", "fields", "ac", type, "--json"});
    REQUIRE(result.exit_code == 0);
    auto listed = parse_exact(result.out);
    auto items = server.dataset("activecampaign", "fields/" + type);
    auto defs = object_fields(server, type);
    size_t custom = 0;
    for (const auto& field : listed.GetArray()) {
      if (!field["custom"].GetBool()) continue;
      REQUIRE(custom < items.size());
      auto item = parse_exact(items[custom++]);
      CHECK(std::string(field["key"].GetString()) == item["id"].GetString());
      CHECK(std::string(field["name"].GetString()) == defs.at(item["id"].GetString()).name);
      CHECK(std::string(field["label"].GetString()) == item["fieldLabel"].GetString());
      CHECK(std::string(field["type"].GetString()) == item["fieldType"].GetString());
      std::string options = "[";
      if (item["fieldOptions"].IsArray())
        for (const auto& o : item["fieldOptions"].GetArray())
          options += (options.size() > 1 ? "," : "") + fmt::format(R"({{"id":{0},"label":{0}}})", compact(o));
      CHECK(compact(field["options"]) == options + "]");
    }
    CHECK(custom == items.size());
  }
  // Built-in fields come from crmexport's declared table (the API lists custom fields only).
  auto contacts = run_crmexport(home, {"-q", "fields", "ac", "contacts"});
  REQUIRE(contacts.exit_code == 0);
  CHECK(contacts.out.find("\nfirstName\tfirstName\tFirst name\ttext\tbuilt-in\t\n") != std::string::npos);
  auto deals = run_crmexport(home, {"-q", "fields", "ac", "deals"});
  CHECK(deals.out.find("\nvalue\tvalue\tValue (cents)\tcurrency\tbuilt-in\t\n") != std::string::npos);
}

TEST_CASE("export --labels joins ActiveCampaign deals and accounts with their custom field values, read once",
          "[e2e][labels]") {
  FakeServer server({"--records", "130"});
  TempDir home;
  REQUIRE(add_connection(home, server, "activecampaign", "ac").exit_code == 0);
  for (const auto& [type, id_member] : {std::pair<std::string, std::string>{"deals", "dealId"}, {"accounts", "accountId"}}) {
    INFO(type);
    const std::string data_path = "/activecampaign/api/3/" + type.substr(0, type.size() - 1) + "CustomFieldData";
    auto values = server.dataset("activecampaign", "fields/" + type.substr(0, type.size() - 1) + "_values");
    REQUIRE(values.size() > 300);  // several pages of 100
    auto before = parse_exact(server.stats());
    auto result = run_crmexport(home, {"export", "ac", type, "--labels"});
    REQUIRE(result.exit_code == 0);
    CHECK(lines_of(result.out) == expected_joined(server, type, id_member));
    // The values collection is read once, page by page: no request per record (a request the
    // account's rate limit refused, from this run or the one before, is asked again).
    const long pages = static_cast<long>((values.size() + 99) / 100);
    auto after = parse_exact(server.stats());
    auto count = [&](const rapidjson::Document& stats) {
      return stats["requests"].HasMember(data_path.c_str()) ? stats["requests"][data_path.c_str()].GetInt() : 0;
    };
    CHECK(count(after) - count(before) >= pages);
    CHECK(count(after) - count(before) <= pages + after["throttled"].GetInt() - before["throttled"].GetInt());
    // Each phase is named in the summary with its requests and time.
    CHECK(std::regex_search(result.err, std::regex(fmt::format(R"({}: 130 records in 2 pages, 2 requests; field metadata: 1 )"
                                                               R"(request, \d+\.\ds; custom values: {} requests?, \d+\.\ds)",
                                                               type, pages))));
    // Without --labels the records are the dataset's and the values are not read.
    auto raw = run_crmexport(home, {"-q", "export", "ac", type});
    CHECK(lines_of(raw.out) == server.dataset("activecampaign", type));
    CHECK(count(parse_exact(server.stats())) == count(after));
  }
  // CSV is readable by default: custom columns by name; --raw has none.
  auto csv = run_crmexport(home, {"-q", "export", "ac", "deals", "-f", "csv"});
  REQUIRE(csv.exit_code == 0);
  auto header = lines_of(csv.out).front();
  CHECK(header.find("custom_fields.Lead source") != std::string::npos);
  CHECK(header.find("custom_fields.Contract value.value") != std::string::npos);
  CHECK(header.find("custom_fields.Contract value.currency") != std::string::npos);
  CHECK(header.find("custom_fields.Title (4)") != std::string::npos);
  auto raw_csv = run_crmexport(home, {"-q", "export", "ac", "deals", "-f", "csv", "--raw"});
  REQUIRE(raw_csv.exit_code == 0);
  CHECK(lines_of(raw_csv.out).front().find("custom_fields") == std::string::npos);
}

namespace {

// The custom fields the mirror's `fields` table lists for `type`, in first-seen order: key, name, type.
std::vector<std::vector<std::string>> custom_field_rows(const MirrorDb& db, const std::string& type) {
  std::vector<std::vector<std::string>> out;
  if (db.backend() == Backend::postgres) {
    auto table = db.postgres_query("SELECT key, name, field_type FROM fields WHERE connection = 'ac' AND type = '" +
                                   type + "' AND custom ORDER BY seen_order");
    for (const auto& row : table.rows) out.push_back({*row[0], *row[1], *row[2]});
    return out;
  }
  SQLite::Database database(db.location(), SQLite::OPEN_READONLY);
  SQLite::Statement rows(database, "SELECT key, name, field_type FROM fields WHERE connection = 'ac' AND type = '" +
                                       type + "' AND custom = 1 ORDER BY first_seen, rowid");
  while (rows.executeStep())
    out.push_back({rows.getColumn(0).getString(), rows.getColumn(1).getString(), rows.getColumn(2).getString()});
  return out;
}

void sync_keeps_custom_values_for_labeled_views(Backend backend) {
  FakeServer server({"--records", "40"});
  TempDir home;
  MirrorDb db(backend);
  REQUIRE(add_connection(home, server, "activecampaign", "ac").exit_code == 0);
  auto synced =
      run_crmexport(home, {"-q", "sync", "ac", "contacts", "deals", "accounts", "--db", db.location(), "--json"});
  REQUIRE(synced.exit_code == 0);
  auto report = parse_exact(synced.out);
  for (const auto& [type, id_member] : {std::pair<std::string, std::string>{"deals", "dealId"}, {"accounts", "accountId"}}) {
    INFO(type);
    const auto values = server.dataset("activecampaign", "fields/" + type.substr(0, type.size() - 1) + "_values");
    // One request for the definitions, then the values collection page by page.
    CHECK(report["types"][type.c_str()]["field_requests"].GetInt() == 1 + static_cast<int>((values.size() + 99) / 100));
    auto defs = object_fields(server, type);
    auto rows = custom_field_rows(db, type);
    for (const auto& row : rows) {
      const auto& def = defs.at(row[0]);
      CHECK(row[1] == def.name);
      CHECK(row[2] == def.type);
    }
    CHECK(rows.size() == defs.size());

    // Each custom column holds the record's value as export --labels writes it ("||A||C||" a list,
    // currency {value, currency}); a record without a value has NULL.
    std::map<std::string, rapidjson::Document> expected;
    for (const auto& line : expected_joined(server, type, id_member)) {
      auto record = parse_exact(line);
      std::string id = record["id"].GetString();
      expected[id] = std::move(record);
    }
    std::vector<std::string> names;
    for (const auto& [key, def] : defs) names.push_back(def.name);
    check_labeled_view(db, "activecampaign_" + type + "_labeled", "ac", expected, "custom_fields", names);
  }
  // Contacts' values come side-loaded with their pages (include=fieldValues) and are kept too.
  std::map<std::string, rapidjson::Document> contacts;
  for (const auto& line : expected_contacts(server)) {
    auto record = parse_exact(line);
    std::string id = record["id"].GetString();
    contacts[id] = std::move(record);
  }
  std::vector<std::string> names;
  for (const auto& [key, field] : contact_fields(server)) names.push_back(field.name);
  check_labeled_view(db, "activecampaign_contacts_labeled", "ac", contacts, "custom_fields", names);
  // Records stay exactly as received.
  for (const std::string type : {"deals", "contacts"}) {
    auto rows = db.rows("activecampaign_" + type, "ac");
    REQUIRE(!rows.empty());
    CHECK(rows.front().id == "1");
    CHECK(rows.front().record == server.dataset("activecampaign", type).front());
  }
}

}  // namespace

TEST_CASE("sync keeps ActiveCampaign custom values for labeled views that match the dataset",
          "[e2e][labels]") {
  sync_keeps_custom_values_for_labeled_views(Backend::sqlite);
}

TEST_CASE("sync into PostgreSQL keeps ActiveCampaign custom values for the same labeled views, in jsonb",
          "[e2e][labels][postgres]") {
  sync_keeps_custom_values_for_labeled_views(Backend::postgres);
}

TEST_CASE("ActiveCampaign: custom fields renamed and options deleted in the CRM change nothing in readable records",
          "[e2e][labels]") {
  FakeServer server({"--records", "40"});
  TempDir home;
  REQUIRE(add_connection(home, server, "activecampaign", "ac").exit_code == 0);
  check_names_stay_frozen(server, home, {"activecampaign", "ac", "contacts", "1", "red", "Favorite color"});
  check_names_stay_frozen(server, home, {"activecampaign", "ac", "deals", "1", "Web", "Lead source"});
}
