// Readable records from ActiveCampaign: contacts gain custom_fields {name: value} built from the
// fieldValues side-loaded beside the same page (include=fieldValues: no request per contact),
// option values as labels, "||A||C||" as a list; expected values computed from the fake's dump.
#include <catch2/catch.hpp>

#include <map>

#include "support/fake_server.hpp"
#include "support/json_text.hpp"

using namespace crmexport::testing;

TEST_CASE("export --labels gives ActiveCampaign contacts their side-loaded custom fields, labeled", "[e2e][labels]") {
  FakeServer server({"--records", "130"});
  TempDir home;
  REQUIRE(add_connection(home, server, "activecampaign", "ac").exit_code == 0);

  struct Field {
    std::string name;
    bool multiple = false;
    std::map<std::string, std::string> options;
  };
  std::map<std::string, Field> fields;
  for (const auto& line : server.dataset("activecampaign", "fields/contacts")) {
    auto item = parse_exact(line);
    std::string title = item["title"].GetString();
    // "Email" is a built-in contact field too: the suffix is the field's id.
    Field f{title == "Email" ? title + " (" + item["id"].GetString() + ")" : title,
            std::string(item["type"].GetString()) == "listbox", {}};
    for (auto& o : item["options"].GetArray()) f.options[o["value"].GetString()] = o["label"].GetString();
    fields[item["id"].GetString()] = f;
  }
  auto values = server.dataset("activecampaign", "fields/contact_values");
  auto records = server.dataset("activecampaign", "contacts");
  REQUIRE(values.size() == records.size());

  auto result = run_crmexport(home, {"-q", "export", "ac", "contacts", "--labels"});
  REQUIRE(result.exit_code == 0);
  auto lines = lines_of(result.out);
  REQUIRE(lines.size() == records.size());
  for (size_t i = 0; i < lines.size(); ++i) {
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
    INFO(lines[i]);
    CHECK(parse_exact(lines[i]) == expected);
  }
  // Without --labels nothing changes: the records are the dataset's, and no values are asked for.
  auto raw = run_crmexport(home, {"-q", "export", "ac", "contacts"});
  CHECK(lines_of(raw.out) == records);
}
