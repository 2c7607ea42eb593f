// Readable records from HubSpot: enumeration values in `properties` become their labels (a
// multiple checkbox a list of labels), names stay; compared with the definitions and records
// crm-fake dumped, labeling computed here independently of crmexport's code.
#include <catch2/catch.hpp>

#include <map>


#include "support/fake_server.hpp"
#include "support/frozen_names.hpp"
#include "support/json_text.hpp"
#include "support/labeled_view.hpp"
#include "support/mirror_db.hpp"

using namespace crmexport::testing;

namespace {

struct Property {
  bool checkbox = false;
  std::map<std::string, std::string> options;  // value -> label
};

std::map<std::string, Property> enumerations(const FakeServer& server, const std::string& type) {
  std::map<std::string, Property> out;
  for (const auto& line : server.dataset("hubspot", "fields/" + type)) {
    auto item = parse_exact(line);
    if (!item.HasMember("options")) continue;
    Property p;
    p.checkbox = std::string(item["fieldType"].GetString()) == "checkbox";
    for (auto& o : item["options"].GetArray()) p.options[o["value"].GetString()] = o["label"].GetString();
    out[item["name"].GetString()] = p;
  }
  // Owner ids read as the owners' names (GET /crm/v3/owners).
  Property owners;
  for (const auto& line : server.dataset("hubspot", "owners")) {
    auto owner = parse_exact(line);
    owners.options[owner["id"].GetString()] =
        std::string(owner["firstName"].GetString()) + " " + owner["lastName"].GetString();
  }
  out["hubspot_owner_id"] = owners;
  return out;
}

std::string labeled(const std::string& record, const std::map<std::string, Property>& enums) {
  auto doc = parse_exact(record);
  auto& alloc = doc.GetAllocator();
  for (auto& member : doc["properties"].GetObject()) {
    auto it = enums.find(member.name.GetString());
    if (it == enums.end() || !member.value.IsString()) continue;
    std::string value = member.value.GetString();
    auto label = [&](const std::string& v) { return it->second.options.count(v) ? it->second.options.at(v) : v; };
    if (!it->second.checkbox) {
      member.value.SetString(label(value).c_str(), alloc);
    } else if (!value.empty()) {
      rapidjson::Value list(rapidjson::kArrayType);
      size_t start = 0;
      for (;;) {
        auto semi = value.find(';', start);
        list.PushBack(rapidjson::Value(label(value.substr(start, semi - start)).c_str(), alloc), alloc);
        if (semi == std::string::npos) break;
        start = semi + 1;
      }
      member.value = list;
    }
  }
  return compact(doc);
}

}  // namespace

TEST_CASE("export --labels gives HubSpot enumeration values their labels, names unchanged", "[e2e][labels]") {
  FakeServer server({"--records", "120", "--hubspot-option-properties", "1"});
  TempDir home;
  REQUIRE(add_connection(home, server, "hubspot", "hs").exit_code == 0);
  for (const std::string type : {"contacts", "companies", "deals", "notes"}) {
    INFO(type);
    auto enums = enumerations(server, type);
    REQUIRE(enums.count("favorite_color") == 1);
    REQUIRE(enums.at("interests").checkbox);
    auto result = run_crmexport(home, {"-q", "export", "hs", type, "--labels"});
    REQUIRE(result.exit_code == 0);
    auto lines = lines_of(result.out);
    auto records = server.dataset("hubspot", type);
    REQUIRE(lines.size() == records.size());
    for (size_t i = 0; i < lines.size(); ++i) {
      INFO(lines[i]);
      CHECK(parse_exact(lines[i]) == parse_exact(labeled(records[i], enums)));
    }
    // The hidden (retired) color still labels the records that hold it; the labels with a ';'
    // inside are not split.
    CHECK(result.out.find("\"favorite_color\":\"Violet\"") != std::string::npos);
    CHECK(result.out.find("\"favorite_color\":\"Blue; navy\"") != std::string::npos);
    if (type == "deals") CHECK(result.out.find("\"dealstage\":\"Stage «closedwon»\"") != std::string::npos);
    if (type != "companies") CHECK(result.out.find("\"hubspot_owner_id\":\"1000") == std::string::npos);
  }

  auto fields = run_crmexport(home, {"-q", "fields", "hs", "deals", "--json"});
  REQUIRE(fields.exit_code == 0);
  auto listed = parse_exact(fields.out);
  auto definitions = server.dataset("hubspot", "fields/deals");
  REQUIRE(listed.Size() == definitions.size());
  for (rapidjson::SizeType i = 0; i < listed.Size(); ++i) {
    auto item = parse_exact(definitions[i]);
    CHECK(std::string(listed[i]["key"].GetString()) == item["name"].GetString());
    CHECK(std::string(listed[i]["name"].GetString()) == item["name"].GetString());
    CHECK(std::string(listed[i]["label"].GetString()) == item["label"].GetString());
    CHECK(std::string(listed[i]["type"].GetString()) == item["type"].GetString());
    CHECK(listed[i]["custom"].GetBool() == !item["hubspotDefined"].GetBool());
    if (item["name"] == "hubspot_owner_id") {
      CHECK(listed[i]["options"].Size() == server.dataset("hubspot", "owners").size());
      continue;
    }
    CHECK(listed[i]["options"].Size() == (item.HasMember("options") ? item["options"].Size() : 0));
    if (item.HasMember("options"))
      for (rapidjson::SizeType o = 0; o < item["options"].Size(); ++o) {
        CHECK(compact(listed[i]["options"][o]["id"]) == compact(item["options"][o]["value"]));
        CHECK(compact(listed[i]["options"][o]["label"]) == compact(item["options"][o]["label"]));
      }
  }
}

namespace {

void sync_gives_labeled_views(Backend backend) {
  FakeServer server({"--records", "80", "--hubspot-option-properties", "1"});
  TempDir home;
  MirrorDb db(backend);
  REQUIRE(add_connection(home, server, "hubspot", "hs").exit_code == 0);
  REQUIRE(run_crmexport(home, {"-q", "sync", "hs", "contacts", "deals", "--db", db.location()}).exit_code == 0);
  for (const std::string type : {"contacts", "deals"}) {
    INFO(type);
    auto enums = enumerations(server, type);
    std::vector<std::string> names;
    for (const auto& line : server.dataset("hubspot", "fields/" + type)) names.push_back(parse_exact(line)["name"].GetString());
    std::map<std::string, rapidjson::Document> expected;
    for (const auto& record : server.dataset("hubspot", type)) {
      auto doc = parse_exact(labeled(record, enums));
      std::string id = doc["id"].GetString();
      expected[id] = std::move(doc);
    }
    check_labeled_view(db, "hubspot_" + type + "_labeled", "hs", expected, "properties", names);
  }

  // The counterexamples, answered from the dump: amounts compare as numbers (not as text,
  // which SQLite puts above every number), ids sort as numbers, close dates compare as instants.
  long big = 0, closing_2024 = 0;
  std::vector<long> ids;
  for (const auto& record : server.dataset("hubspot", "deals")) {
    auto doc = parse_exact(record);
    const auto& properties = doc["properties"];
    if (properties.HasMember("amount") && properties["amount"].IsString() &&
        std::stod(properties["amount"].GetString()) > 50000)
      ++big;
    if (properties.HasMember("closedate") && properties["closedate"].IsString() &&
        std::string(properties["closedate"].GetString()).starts_with("2024"))
      ++closing_2024;
    ids.push_back(std::stol(doc["id"].GetString()));
  }
  std::ranges::sort(ids);
  CHECK(big > 0);
  CHECK(big < static_cast<long>(ids.size()));
  auto one = [&](const std::string& sql) -> std::string {
    if (backend == Backend::sqlite) {
      SQLite::Database database(db.location(), SQLite::OPEN_READONLY);
      return database.execAndGet(sql).getString();
    }
    return db.postgres_query("SET TIME ZONE 'UTC'; " + sql).rows.at(0).at(0).value_or("NULL");
  };
  CHECK(one("SELECT count(*) FROM hubspot_deals_labeled WHERE amount > 50000") == std::to_string(big));
  CHECK(one("SELECT count(*) FROM hubspot_deals_labeled WHERE closedate >= '2024-01-01' AND closedate < "
            "'2025-01-01'") == std::to_string(closing_2024));
  std::string first_ids;
  for (size_t i = 0; i < 12; ++i) first_ids += (i ? "," : "") + std::to_string(ids[i]);
  const auto ordered = backend == Backend::sqlite
                           ? "SELECT group_concat(id, ',') FROM (SELECT id FROM hubspot_deals_labeled ORDER BY id "
                             "LIMIT 12)"
                           : "SELECT string_agg(id::text, ',' ORDER BY id) FROM (SELECT id FROM hubspot_deals_labeled "
                             "ORDER BY id LIMIT 12) AS f";
  CHECK(one(ordered) == first_ids);
}

}  // namespace

TEST_CASE("sync gives HubSpot a labeled view per type: enumerations as labels, checkboxes as arrays",
          "[e2e][labels]") {
  sync_gives_labeled_views(Backend::sqlite);
}

TEST_CASE("sync into PostgreSQL gives HubSpot the same labeled views: checkboxes as arrays of labels",
          "[e2e][labels][postgres]") {
  sync_gives_labeled_views(Backend::postgres);
}

TEST_CASE("HubSpot: a property relabeled and an option deleted in the CRM change nothing in readable records",
          "[e2e][labels]") {
  FakeServer server({"--records", "60", "--hubspot-option-properties", "1"});
  TempDir home;
  REQUIRE(add_connection(home, server, "hubspot", "hs").exit_code == 0);
  // Names are HubSpot's property names; "red" still reads "Red" once deleted.
  check_names_stay_frozen(server, home, {"hubspot", "hs", "deals", "favorite_color", "red", "favorite_color"});
}
