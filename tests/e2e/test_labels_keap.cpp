// Readable records from Keap: custom_fields [{id, content}] become {name: content} with option
// codes as labels, from the model the fake dumped; computed here independently of crmexport.
#include <catch2/catch.hpp>

#include <map>

#include "support/fake_server.hpp"
#include "support/frozen_names.hpp"
#include "support/json_text.hpp"
#include "support/labeled_view.hpp"
#include "support/mirror_db.hpp"

using namespace crmexport::testing;

namespace {

struct CustomField {
  std::string name;
  bool list = false;
  std::map<std::string, std::string> options;
};

// Keap's model lists no built-in fields; crmexport declares them, and "Company" (contacts) and
// "Notes" (companies) are built-in keys too, so they get the key suffix.
std::map<std::string, CustomField> model(const FakeServer& server, const std::string& type) {
  std::map<std::string, CustomField> out;
  auto lines = server.dataset("keap", "fields/" + type);
  REQUIRE(lines.size() == 1);
  auto doc = parse_exact(lines.front());
  for (auto& item : doc["custom_fields"].GetArray()) {
    std::string id = item["id"].GetString();
    std::string label = item["label"].GetString();
    CustomField f{label == "Company" || label == "Notes" ? label + " (" + id + ")" : label,
                  std::string(item["field_type"].GetString()) == "LIST_BOX", {}};
    for (auto& o : item["options"].GetArray()) f.options[o["id"].GetString()] = o["label"].GetString();
    out[id] = f;
  }
  return out;
}

std::string labeled(const std::string& record, const std::map<std::string, CustomField>& fields) {
  auto doc = parse_exact(record);
  auto& alloc = doc.GetAllocator();
  rapidjson::Value custom(rapidjson::kObjectType);
  for (auto& item : doc["custom_fields"].GetArray()) {
    const auto& field = fields.at(item["id"].IsString() ? item["id"].GetString() : std::to_string(item["id"].GetInt64()));
    rapidjson::Value value(item["content"], alloc);
    auto label = [&](const std::string& id) { return field.options.count(id) ? field.options.at(id) : id; };
    if (value.IsString() && field.list && value.GetStringLength() > 0) {  // "" (none chosen) stays ""
      std::string text = value.GetString();
      rapidjson::Value list(rapidjson::kArrayType);
      for (size_t start = 0; !text.empty();) {
        auto comma = text.find(',', start);
        list.PushBack(rapidjson::Value(label(text.substr(start, comma - start)).c_str(), alloc), alloc);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      value = list;
    } else if (value.IsString() && !field.options.empty()) {
      value.SetString(label(value.GetString()).c_str(), alloc);
    }
    custom.AddMember(rapidjson::Value(field.name.c_str(), alloc), value, alloc);
  }
  doc["custom_fields"] = custom;
  return compact(doc);
}

}  // namespace

TEST_CASE("export --labels turns Keap's custom_fields lists into named, labeled objects, v1 and v2",
          "[e2e][labels]") {
  FakeServer server({"--records", "60"});
  TempDir home;
  REQUIRE(add_connection(home, server, "keap", "kp").exit_code == 0);
  for (const std::string type : {"contacts", "companies", "opportunities"}) {
    auto fields = model(server, type);
    for (const std::string version : {"v2", "v1"}) {
      INFO(type << " " << version);
      auto result = run_crmexport(home, {"-q", "export", "kp", type, "--labels", "--api-version", version});
      REQUIRE(result.exit_code == 0);
      auto lines = lines_of(result.out);
      auto records = server.dataset("keap", (version == "v1" ? "v1/" : "") + type);
      REQUIRE(lines.size() == records.size());
      for (size_t i = 0; i < lines.size(); ++i) {
        INFO(lines[i]);
        CHECK(parse_exact(lines[i]) == parse_exact(labeled(records[i], fields)));
      }
    }
  }
  // Without --labels the records are the dataset's, custom_fields as Keap sends them (asked for).
  auto raw = run_crmexport(home, {"-q", "export", "kp", "contacts"});
  REQUIRE(raw.exit_code == 0);
  CHECK(lines_of(raw.out) == server.dataset("keap", "contacts"));
  CHECK(raw.out.find("\"custom_fields\":[{\"id\":\"3\",\"content\":") != std::string::npos);
}

namespace {

void sync_gives_labeled_views(Backend backend) {
  FakeServer server({"--records", "60"});
  TempDir home;
  MirrorDb db(backend);
  REQUIRE(add_connection(home, server, "keap", "kp").exit_code == 0);
  REQUIRE(run_crmexport(home, {"-q", "sync", "kp", "contacts", "companies", "opportunities", "--db", db.location()})
              .exit_code == 0);
  for (const std::string type : {"contacts", "companies", "opportunities"}) {
    INFO(type);
    auto fields = model(server, type);
    std::vector<std::string> names;
    for (const auto& [id, field] : fields) names.push_back(field.name);
    std::map<std::string, rapidjson::Document> expected;
    for (const auto& record : server.dataset("keap", type)) {
      auto doc = parse_exact(labeled(record, fields));
      std::string id = doc["id"].IsString() ? doc["id"].GetString() : std::to_string(doc["id"].GetInt64());
      expected[id] = std::move(doc);
    }
    check_labeled_view(db, "keap_" + type + "_labeled", "kp", expected, "custom_fields", names);
  }
}

}  // namespace

TEST_CASE("sync gives Keap a labeled view per type: custom columns by name, list boxes as arrays of labels",
          "[e2e][labels]") {
  sync_gives_labeled_views(Backend::sqlite);
}

TEST_CASE("sync into PostgreSQL gives Keap the same labeled views: list boxes' 1,2 as arrays of labels",
          "[e2e][labels][postgres]") {
  sync_gives_labeled_views(Backend::postgres);
}

TEST_CASE("Keap: a custom field renamed and an option deleted in the CRM change nothing in readable records",
          "[e2e][labels]") {
  FakeServer server({"--records", "60"});
  TempDir home;
  REQUIRE(add_connection(home, server, "keap", "kp").exit_code == 0);
  check_names_stay_frozen(server, home, {"keap", "kp", "contacts", "7", "g", "Customer tier"});
}

TEST_CASE("fields lists Keap's built-in fields with the labels and types crmexport declares", "[e2e][labels]") {
  FakeServer server({"--records", "5"});
  TempDir home;
  REQUIRE(add_connection(home, server, "keap", "kp").exit_code == 0);
  auto v2 = run_crmexport(home, {"-q", "fields", "kp", "contacts"});
  REQUIRE(v2.exit_code == 0);
  CHECK(v2.out.find("\ngiven_name\tgiven_name\tFirst name\tstring\tbuilt-in\t\n") != std::string::npos);
  CHECK(v2.out.find("\nupdate_time\tupdate_time\tLast updated\tdate-time\tbuilt-in\t\n") != std::string::npos);
  // v1 names its times differently; the labels stay.
  auto v1 = run_crmexport(home, {"-q", "fields", "kp", "contacts", "--api-version", "v1"});
  REQUIRE(v1.exit_code == 0);
  CHECK(v1.out.find("\nlast_updated\tlast_updated\tLast updated\tdate-time\tbuilt-in\t\n") != std::string::npos);
}
