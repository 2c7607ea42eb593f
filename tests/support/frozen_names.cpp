#include "support/frozen_names.hpp"

#include <catch2/catch.hpp>

#include "support/json_text.hpp"

namespace crmexport::testing {

void check_names_stay_frozen(const FakeServer& server, const TempDir& home, const FieldEdit& edit) {
  INFO(edit.provider << " " << edit.type << " " << edit.key);
  auto before = run_crmexport(home, {"-q", "export", edit.connection, edit.type, "--labels"});
  REQUIRE(before.exit_code == 0);
  const std::string admin = "/_admin/" + edit.provider + "/fields/" + edit.type + "/" + edit.key;
  server.admin(admin + "/rename", "Renamed in the CRM");
  server.admin(admin + "/options/" + edit.option + "/delete");

  auto after = run_crmexport(home, {"-q", "export", edit.connection, edit.type, "--labels"});
  REQUIRE(after.exit_code == 0);
  CHECK(after.out == before.out);

  // The field as `fields --json` lists it from `store`: its name, label and whether the option is there.
  struct Listed {
    std::string name, label;
    bool has_option = false;
  };
  auto listed = [&](const TempDir& store) {
    auto result = run_crmexport(store, {"-q", "fields", edit.connection, edit.type, "--json"});
    REQUIRE(result.exit_code == 0);
    auto fields = parse_exact(result.out);
    for (const auto& field : fields.GetArray()) {
      if (field["key"] != edit.key.c_str()) continue;
      Listed out{field["name"].GetString(), field["label"].GetString()};
      for (const auto& option : field["options"].GetArray()) {
        auto id = option["id"].IsString() ? std::string(option["id"].GetString()) : compact(option["id"]);
        out.has_option = out.has_option || id == edit.option;
      }
      return out;
    }
    FAIL("no field " << edit.key);
    return Listed{};
  };
  auto remembered = listed(home);
  CHECK(remembered.name == edit.name);
  CHECK(remembered.label == "Renamed in the CRM");
  CHECK(remembered.has_option);
  // A connection that never saw the option has no label for it: it was deleted upstream.
  TempDir fresh;
  REQUIRE(add_connection(fresh, server, edit.provider, edit.connection).exit_code == 0);
  CHECK_FALSE(listed(fresh).has_option);
}

}  // namespace crmexport::testing
