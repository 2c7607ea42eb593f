#include "lib/json/tree.hpp"

#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "lib/json/parse.hpp"

namespace crmexport::json {
namespace {

using rapidjson::SizeType;

// Builds a Node tree from SAX events; numbers arrive as their text (kParseNumbersAsStringsFlag).
class TreeBuilder {
 public:
  bool Null() { return add(Node{}); }
  bool Bool(bool b) {
    Node n;
    n.kind = Node::Kind::boolean;
    n.flag = b;
    return add(std::move(n));
  }
  bool Int(int) { return false; }
  bool Uint(unsigned) { return false; }
  bool Int64(int64_t) { return false; }
  bool Uint64(uint64_t) { return false; }
  bool Double(double) { return false; }
  bool RawNumber(const char* s, SizeType n, bool) {
    Node node;
    node.kind = Node::Kind::number;
    node.text.assign(s, n);
    return add(std::move(node));
  }
  bool String(const char* s, SizeType n, bool) { return add(Node::string_node(std::string(s, n))); }
  bool Key(const char* s, SizeType n, bool) {
    m_stack.back()->members.emplace_back(std::string(s, n), Node{});
    return true;
  }
  bool StartObject() { return open(Node::Kind::object); }
  bool EndObject(SizeType) { return m_stack.pop_back(), true; }
  bool StartArray() { return open(Node::Kind::array); }
  bool EndArray(SizeType) { return m_stack.pop_back(), true; }

  Node root;

 private:
  // Where the next value goes: the root, the array on top, or the member just keyed.
  Node& slot() {
    if (m_stack.empty()) return root;
    Node& top = *m_stack.back();
    if (top.kind == Node::Kind::array) return top.items.emplace_back();
    return top.members.back().second;
  }
  bool add(Node node) {
    slot() = std::move(node);
    return true;
  }
  bool open(Node::Kind kind) {
    Node& n = slot();
    n.kind = kind;
    m_stack.push_back(&n);
    return true;
  }
  std::vector<Node*> m_stack;  // pointers stay valid: a container only grows while it is on top
};

void write(rapidjson::Writer<rapidjson::StringBuffer>& w, const Node& n) {
  switch (n.kind) {
    case Node::Kind::null:
      w.Null();
      break;
    case Node::Kind::boolean:
      w.Bool(n.flag);
      break;
    case Node::Kind::number:
      w.RawValue(n.text.data(), n.text.size(), rapidjson::kNumberType);
      break;
    case Node::Kind::string:
      w.String(n.text.data(), static_cast<SizeType>(n.text.size()));
      break;
    case Node::Kind::array:
      w.StartArray();
      for (const auto& item : n.items) write(w, item);
      w.EndArray();
      break;
    case Node::Kind::object:
      w.StartObject();
      for (const auto& [key, value] : n.members) {
        w.Key(key.data(), static_cast<SizeType>(key.size()));
        write(w, value);
      }
      w.EndObject();
      break;
  }
}

}  // namespace

Node* Node::member(std::string_view key) {
  for (auto& [name, value] : members)
    if (name == key) return &value;
  return nullptr;
}

const Node* Node::member(std::string_view key) const { return const_cast<Node*>(this)->member(key); }

Result<Node> parse_tree(std::string_view text) {
  // Through Guarded like every outside text, so 1e309 and the nesting cap hold here as where the
  // page was split.
  TreeBuilder builder;
  auto attempt = [&](std::string_view input, const HugeNumbers* huge) {
    builder = TreeBuilder();
    Guarded<TreeBuilder> guarded(builder, huge);
    return read_sax<rapidjson::kParseNumbersAsStringsFlag>(input, guarded);
  };
  if (with_huge_numbers(text, attempt).IsError()) return fail(ErrorKind::provider, "a record is not valid JSON");
  return std::move(builder.root);
}

std::string to_text(const Node& node) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  write(writer, node);
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace crmexport::json
