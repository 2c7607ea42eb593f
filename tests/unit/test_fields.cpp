// Readable names and relabeled records (lib/fields), without a network.
#include <catch2/catch.hpp>

#include "lib/fields/columns.hpp"
#include "lib/fields/naming.hpp"
#include "lib/fields/relabel.hpp"
#include "lib/json/page.hpp"
#include "lib/json/tree.hpp"

using namespace crmexport;
using namespace crmexport::fields;

namespace {

Field custom(std::string key, std::string label, std::vector<Option> options = {}, bool multiple = false) {
  Field f;
  f.key = std::move(key);
  f.label = std::move(label);
  f.custom = true;
  f.options = std::move(options);
  f.multiple = multiple;
  return f;
}

Field builtin(std::string key, std::string label, std::vector<Option> options = {}) {
  Field f = custom(std::move(key), std::move(label), std::move(options));
  f.custom = false;
  return f;
}

std::string relabeled(const FieldsSpec& spec, std::vector<Field> fields, const std::string& record) {
  auto named = assign_names(std::move(fields), {}, false);
  Relabeler relabeler(spec, named.fields);
  auto out = relabeler.relabel(record);
  REQUIRE(out);
  return *out;
}

}  // namespace

TEST_CASE("a JSON tree writes back numbers and text exactly", "[fields]") {
  const std::string record =
      R"({"a":9007199254740993,"b":1500.750,"c":-0.0,"d":[1.0E+2,null,true,false],"e":{"f":"Zoë \"q\"\n"}})";
  auto tree = json::parse_tree(record);
  REQUIRE(tree);
  CHECK(json::to_text(*tree) == record);
  CHECK_FALSE(json::parse_tree("{\"a\":"));
}

TEST_CASE("labels become safe names: trimmed, one space, no dots or commas", "[fields]") {
  CHECK(safe_name("  Lead   source\n", "k") == "Lead source");
  CHECK(safe_name("Amount, net.", "k") == "Amount_ net_");
  CHECK(safe_name(" \t ", "abc") == "abc");
}

TEST_CASE("labels from outside lose control characters and invalid bytes, and fit an SQL identifier", "[fields]") {
  CHECK(safe_name(std::string("Lead\0Source", 11), "k") == "Lead Source");
  CHECK(safe_name("Tier\xc2\x9b[31m", "k") == "Tier [31m");  // C1 CSI (U+009B)
  CHECK(safe_name("a\x1b\x07\x7f b", "k") == "a b");
  CHECK(safe_name("bad\xff byte", "k") == "bad\xef\xbf\xbd byte");  // U+FFFD
  CHECK(safe_name("\xc2\x85\xc2\x9f", "key") == "key");            // nothing left: the key
  // 40 two-byte characters are 80 bytes: cut between characters at 62, under PostgreSQL's 63.
  std::string e_acute_40;
  for (int i = 0; i < 40; ++i) e_acute_40 += "\xc3\xa9";
  CHECK(safe_name(e_acute_40, "k") == e_acute_40.substr(0, 62));
  CHECK(safe_name(std::string(62, 'x') + " yz", "k") == std::string(62, 'x'));  // no space left at the cut
  CHECK(fit_name("  \"quoted\"  [and] (bracketed)  ") == "\"quoted\" [and] (bracketed)");
}

TEST_CASE("every readable name is unique, whatever the labels and keys", "[fields]") {
  // Equal labels whose keys share their first 8 characters: the suffix grows until unique.
  std::vector<Field> dup{custom("deadbeef0001", "Dup"), custom("deadbeef0002", "Dup"), custom("deadbeef0003", "Dup"),
                         custom("deadbeef0004", "dup")};
  auto named = assign_names(dup, {}, false);
  CHECK(named.fields[0].name == "Dup");
  CHECK(named.fields[1].name == "Dup (deadbeef)");
  CHECK(named.fields[2].name == "Dup (deadbeef0003)");
  CHECK(named.fields[3].name == "dup (deadbeef0004)");
  // Forty-character keys (Pipedrive's) equal in their first 24: then a number.
  const std::string hex24 = "0123456789abcdef01234567";
  std::vector<Field> long_keys{custom(hex24 + "aaaaaaaaaaaaaaaa", "X"), custom(hex24 + "bbbbbbbbbbbbbbbb", "X"),
                               custom(hex24 + "cccccccccccccccc", "X"), custom(hex24 + "dddddddddddddddd", "X"),
                               custom(hex24 + "eeeeeeeeeeeeeeee", "X")};
  auto numbered = assign_names(long_keys, {}, false);
  CHECK(numbered.fields[1].name == "X (01234567)");
  CHECK(numbered.fields[2].name == "X (0123456789abcdef)");
  CHECK(numbered.fields[3].name == "X (0123456789abcdef01234567)");
  CHECK(numbered.fields[4].name == "X (0123456789abcdef 2)");
  // Named like the labeled views' own columns: " (custom)" first.
  std::vector<Field> reserved{builtin("id", "ID"), custom("r1", "deleted_at"), custom("r2", "Connection"),
                              custom("r3", "more_fields"), custom("r4", "ID"), custom("r5", "deleted_at")};
  auto kept = assign_names(reserved, {}, false);
  CHECK(kept.fields[1].name == "deleted_at (custom)");
  CHECK(kept.fields[2].name == "Connection (custom)");
  CHECK(kept.fields[3].name == "more_fields (custom)");
  CHECK(kept.fields[4].name == "ID (custom)");
  CHECK(kept.fields[5].name == "deleted_at (r5)");
  // A long label keeps its suffix whole: the label is cut instead.
  std::vector<Field> wide{custom("k1", std::string(70, 'w')), custom("k2", std::string(70, 'w'))};
  auto cut = assign_names(wide, {}, false);
  CHECK(cut.fields[0].name == std::string(63, 'w'));
  CHECK(cut.fields[1].name == std::string(58, 'w') + " (k2)");
}

TEST_CASE("a frozen name two fields share stays with the first, the second is named again", "[fields]") {
  // As names were given before they grew past 8 characters of the key.
  std::vector<Field> stored{custom("deadbeef0001", "Dup"), custom("deadbeef0002", "Dup")};
  stored[0].name = "Dup (deadbeef)";
  stored[1].name = "Dup (deadbeef)";
  std::vector<Field> current{custom("deadbeef0001", "Dup"), custom("deadbeef0002", "Dup")};
  auto named = assign_names(current, stored, false);
  CHECK(named.fields[0].name == "Dup (deadbeef)");
  CHECK(named.fields[1].name == "Dup");
}

TEST_CASE("names collide with built-ins and earlier names, and are frozen once given", "[fields]") {
  std::vector<Field> first{builtin("title", "Title"), custom("aaaaaaaa11", "Title"), custom("bbbbbbbb22", "Source"),
                           custom("cccccccc33", "source ")};
  auto named = assign_names(first, {}, false);
  REQUIRE(named.current == 4);
  CHECK(named.fields[0].name == "title");
  CHECK(named.fields[1].name == "Title (aaaaaaaa)");
  CHECK(named.fields[2].name == "Source");
  CHECK(named.fields[3].name == "source (cccccccc)");

  // Relabeled upstream, one field deleted, one option deleted: names stay, the deleted field
  // and option still resolve, a new field may not take a frozen name.
  std::vector<Field> stored = named.fields;
  stored[2].options = {{"7", "Web"}};
  std::vector<Field> second{builtin("title", "Title"), custom("aaaaaaaa11", "Deal title"),
                            custom("bbbbbbbb22", "Origin", {{"8", "Fair"}}), custom("dddddddd44", "source")};
  auto again = assign_names(second, stored, false);
  REQUIRE(again.current == 4);
  CHECK(again.fields[1].name == "Title (aaaaaaaa)");
  CHECK(again.fields[2].name == "Source");
  REQUIRE(again.fields[2].options.size() == 2);
  CHECK(again.fields[2].options[1].label == "Web");
  CHECK(again.fields[3].name == "source (dddddddd)");
  REQUIRE(again.fields.size() == 5);
  CHECK(again.fields[4].key == "cccccccc33");

  auto fresh = assign_names(second, stored, true);
  CHECK(fresh.fields[1].name == "Deal title");
  CHECK(fresh.fields[2].name == "Origin");
}

TEST_CASE("custom_fields objects get names and labels, numbers keep their characters", "[fields]") {
  FieldsSpec spec;
  spec.placement = Placement::member_object;
  auto out = relabeled(spec,
                       {builtin("status", "Status", {{"\"open\"", "Open"}}),
                        builtin("label_ids", "Labels", {{"1", "Hot"}, {"2", "Cold"}}),
                        custom("k1", "Kind", {{"141", "Web"}, {"142", "Fair"}}),
                        custom("k2", "Tags", {{"1", "A"}, {"2", "B"}}, true), custom("k3", "Big"),
                        custom("k4", "Fee")},
                       R"({"id":1,"status":"open","label_ids":[2,9],"custom_fields":{"k1":142,"k2":[2,1,7],)"
                       R"("k3":9007199254740993,"k4":{"value":1500.750,"currency":"EUR"},"zz":3}})");
  // label_ids is declared single-option here, so the array as a whole names no option and stays.
  CHECK(out ==
        R"({"id":1,"status":"Open","label_ids":[2,9],"custom_fields":{"Kind":"Fair","Tags":["B","A",7],)"
        R"("Big":9007199254740993,"Fee":{"value":1500.750,"currency":"EUR"},"zz":3}})");
}

TEST_CASE("flat custom values move into custom_fields, money and comma lists included", "[fields]") {
  FieldsSpec spec;
  spec.placement = Placement::flat;
  spec.multiple = Multiple::comma_separated;
  spec.currency_suffix = "_currency";
  auto out = relabeled(spec,
                       {builtin("visible_to", "Visible to", {{"3", "Entire company"}}),
                        custom("k1", "Tags", {{"11", "A"}, {"12", "B"}}, true), custom("k2", "Fee"),
                        custom("k3", "Empty fee")},
                       R"({"id":1,"k1":"12,11,99","visible_to":"3","k2":20,"k2_currency":"EUR","k3":null,)"
                       R"("k3_currency":null,"name":"x"})");
  CHECK(out == R"({"id":1,"visible_to":"Entire company","name":"x","custom_fields":{"Tags":["B","A","99"],)"
               R"("Fee":{"value":20,"currency":"EUR"},"Empty fee":null}})");
}

TEST_CASE("id/content lists become objects, properties keep names and get labels", "[fields]") {
  FieldsSpec list;
  list.placement = Placement::id_content_list;
  CHECK(relabeled(list, {custom("7", "Shoe size"), custom("8", "Color", {{"\"r\"", "Red"}})},
                  R"({"id":"1","custom_fields":[{"id":7,"content":42.50},{"id":8,"content":"r"},{"id":9,"content":1}]})") ==
        R"({"id":"1","custom_fields":{"Shoe size":42.50,"Color":"Red","9":1}})");

  FieldsSpec properties;
  properties.placement = Placement::properties;
  properties.container = "properties";
  properties.multiple = Multiple::semicolon;
  CHECK(relabeled(properties,
                  {builtin("dealstage", "Stage", {{"\"won\"", "Closed won"}}),
                   custom("tags", "Tags", {{"\"a\"", "Alpha"}, {"\"c\"", "Gamma"}}, true)},
                  R"({"id":"5","properties":{"dealstage":"won","tags":"c;a","other":"x","empty":""}})") ==
        R"({"id":"5","properties":{"dealstage":"Closed won","tags":["Gamma","Alpha"],"other":"x","empty":""}})");

  FieldsSpec pipes;
  pipes.placement = Placement::member_object;
  pipes.multiple = Multiple::double_pipe;
  CHECK(relabeled(pipes, {custom("4", "Colors", {{"\"A\"", "Apple"}, {"\"C\"", "Cherry"}}, true)},
                  R"({"custom_fields":{"4":"||A||C||"}})") == R"({"custom_fields":{"Colors":["Apple","Cherry"]}})");
}

TEST_CASE("CSV columns from --fields resolve by name or key, unknown ones are refused", "[fields]") {
  FieldsSpec spec;
  auto named = assign_names({builtin("id", "ID"), builtin("title", "Title"), custom("abc123", "Lead source")}, {},
                            false);
  std::vector<std::string> wanted{"id", "title", "Lead source", "custom_fields.abc123", "custom_fields"};
  auto labeled = resolve_columns(wanted, spec, named.fields, true);
  REQUIRE(labeled);
  CHECK(*labeled == std::vector<std::string>{"id", "title", "custom_fields.Lead source", "custom_fields.Lead source",
                                             "custom_fields"});
  auto raw = resolve_columns(wanted, spec, named.fields, false);
  REQUIRE(raw);
  CHECK((*raw)[2] == "custom_fields.abc123");
  // A built-in field by its label, with a sub-path; a label two built-ins share names neither.
  auto twins = assign_names({builtin("id", "ID"), builtin("emails", "Email"), builtin("a", "Same"),
                             builtin("b", "Same"), custom("abc123", "Lead source")},
                            {}, false);
  std::vector<std::string> by_label{"Email", "Email.0.value", "ID"};
  CHECK(*resolve_columns(by_label, spec, twins.fields, true) == std::vector<std::string>{"emails", "emails.0.value", "id"});
  std::vector<std::string> shared{"Same"};
  CHECK_FALSE(resolve_columns(shared, spec, twins.fields, true));
  std::vector<std::string> typo{"Lead sorce"};
  auto refused = resolve_columns(typo, spec, named.fields, true);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::usage);
  CHECK(refused.error().message.find("did you mean 'Lead source'?") != std::string::npos);
}

TEST_CASE("chosen columns need relabeling only under the container or at a field with options", "[fields]") {
  FieldsSpec spec;
  auto named = assign_names({builtin("id", "ID"), builtin("status", "Status", {{"\"open\"", "Open"}}),
                             builtin("emails", "Email"), custom("abc123", "Lead source")},
                            {}, false);
  auto changes = [&](std::vector<std::string> columns) { return relabeling_changes(columns, spec, named.fields); };
  CHECK_FALSE(changes({"id", "emails.primary.value", "name", "missing.path"}));
  CHECK(changes({"id", "status"}));
  CHECK(changes({"status.label"}));
  CHECK(changes({"custom_fields.Lead source"}));
  CHECK(changes({"custom_fields"}));
  CHECK(changes({"abc123"}));  // a flat provider's raw custom key
  CHECK_FALSE(changes({}));
}

TEST_CASE("side-loaded values join their records by id, in the order listed", "[fields]") {
  FieldsSpec spec;
  spec.placement = Placement::side_loaded;
  spec.side_loaded = {"fieldValues", "contact", "field", "value"};
  spec.multiple = Multiple::double_pipe;
  auto named = assign_names({builtin("email", "Email"), custom("1", "Color", {{"\"r\"", "Red"}}),
                             custom("2", "Sports", {{"\"g\"", "Golf"}, {"\"s\"", "Sailing"}}, true),
                             custom("3", "email")},
                            {}, false);
  Relabeler relabeler(spec, named.fields);
  std::vector<std::string> at{"contacts"};
  auto page = json::parse_page(
      R"({"fieldValues":[{"contact":"2","field":"2","value":"||s||g||x||"},{"contact":"1","field":"1","value":"r"},)"
      R"({"contact":"2","field":"3","value":"a@b.c"},{"contact":"2","field":"9","value":null}],)"
      R"("contacts":[{"id":"1","n":1.50},{"id":"2"},{"id":"3"}]})",
      at);
  REQUIRE(page);
  REQUIRE(relabeler.relabel_page(*page));
  CHECK(page->records == std::vector<std::string>{
                             R"({"id":"1","n":1.50,"custom_fields":{"Color":"Red"}})",
                             R"j({"id":"2","custom_fields":{"Sports":["Sailing","Golf","x"],"email (3)":"a@b.c","9":null}})j",
                             R"({"id":"3","custom_fields":{}})"});
}
