#pragma once
// A record as a small tree whose numbers stay the provider's own characters, for the few steps
// that rewrite a record rather than copy it (readable labels): RapidJSON's DOM would turn
// 9007199254740993 or 1500.750 into doubles, and a DOM with numbers as strings cannot write them
// back as numbers.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/core/error.hpp"

namespace crmexport::json {

struct Node {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  std::string text;                                  // number: its characters; string: its value
  bool flag = false;                                 // boolean
  std::vector<Node> items;                           // array
  std::vector<std::pair<std::string, Node>> members;  // object, in the record's order

  static Node string_node(std::string value) {
    Node n;
    n.kind = Kind::string;
    n.text = std::move(value);
    return n;
  }
  bool is(Kind k) const { return kind == k; }
  // The member called `key`, or nullptr.
  Node* member(std::string_view key);
  const Node* member(std::string_view key) const;
};

// Parses `text` (one JSON value); provider error when it is not JSON.
Result<Node> parse_tree(std::string_view text);
// Compact JSON, numbers as they were read.
std::string to_text(const Node& node);

}  // namespace crmexport::json
