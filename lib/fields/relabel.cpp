#include "lib/fields/relabel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "lib/json/fields.hpp"
#include "lib/json/member.hpp"
#include "lib/json/tree.hpp"

namespace crmexport::fields {
namespace {

using json::Node;

const Option* find_option(const Field& field, std::string_view value_json) {
  if (const auto* exact = field.option(value_json)) return exact;
  // Ids written as numbers in one place and as strings in another (Pipedrive v1's visible_to).
  auto plain = plain_id(value_json);
  for (const auto& option : field.options)
    if (plain_id(option.id) == plain) return &option;
  return nullptr;
}

Node labeled_piece(const Field& field, Node piece) {
  if (const auto* option = find_option(field, json::to_text(piece))) return Node::string_node(option->label);
  return piece;
}

std::vector<std::string> split(std::string_view text, std::string_view separator) {
  std::vector<std::string> pieces;
  size_t start = 0;
  for (;;) {
    auto at = text.find(separator, start);
    pieces.emplace_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return pieces;
    start = at + separator.size();
  }
}

// "141,142", "a;b" and "||A||C||" as the list of their pieces; empty text stays as it is.
std::optional<std::vector<std::string>> pieces_of(std::string_view text, Multiple multiple) {
  if (text.empty()) return std::nullopt;
  switch (multiple) {
    case Multiple::json_array:
      return std::nullopt;
    case Multiple::comma_separated:
      return split(text, ",");
    case Multiple::semicolon:
      return split(text, ";");
    case Multiple::double_pipe: {
      if (text.starts_with("||")) text.remove_prefix(2);
      if (text.ends_with("||")) text.remove_suffix(2);
      if (text.empty()) return std::vector<std::string>{};
      return split(text, "||");
    }
  }
  return std::nullopt;
}

Node labeled(const Field& field, Node value, Multiple multiple) {
  if (field.options.empty() || value.is(Node::Kind::null)) return value;
  if (field.multiple && value.is(Node::Kind::array)) {
    for (auto& item : value.items) item = labeled_piece(field, std::move(item));
    return value;
  }
  if (field.multiple && value.is(Node::Kind::string))
    if (auto pieces = pieces_of(value.text, multiple)) {
      Node list;
      list.kind = Node::Kind::array;
      for (auto& piece : *pieces) list.items.push_back(labeled_piece(field, Node::string_node(std::move(piece))));
      return list;
    }
  return labeled_piece(field, std::move(value));
}

}  // namespace

Relabeler::Relabeler(const FieldsSpec& spec, std::vector<Field> fields) : m_spec(spec), m_fields(std::move(fields)) {
  for (size_t i = 0; i < m_fields.size(); ++i) m_by_key.emplace(m_fields[i].key, i);
}

const Field* Relabeler::find(std::string_view key) const {
  auto it = m_by_key.find(std::string(key));
  return it == m_by_key.end() ? nullptr : &m_fields[it->second];
}

Result<std::string> Relabeler::relabel(std::string_view record) const {
  auto tree = json::parse_tree(record);
  if (!tree) return std::unexpected(tree.error());
  if (!tree->is(Node::Kind::object)) return fail(ErrorKind::provider, "a record is not a JSON object");
  Node& root = *tree;
  const auto multiple = m_spec.multiple;

  // Values keyed by the field's name, labeled; keys no metadata names stay as they are.
  auto rename_all = [&](Node& object) {
    for (auto& [key, value] : object.members)
      if (const auto* field = find(key)) {
        value = labeled(*field, std::move(value), multiple);
        if (field->custom) key = field->name;
      }
  };

  switch (m_spec.placement) {
    case Placement::member_object:
      if (auto* values = root.member(m_spec.container); values && values->is(Node::Kind::object))
        rename_all(*values);
      break;
    case Placement::properties:
      if (auto* values = root.member(m_spec.container); values && values->is(Node::Kind::object))
        for (auto& [key, value] : values->members)
          if (const auto* field = find(key)) value = labeled(*field, std::move(value), multiple);
      break;
    case Placement::id_content_list:
      if (auto* values = root.member(m_spec.container); values && values->is(Node::Kind::array)) {
        Node object;
        object.kind = Node::Kind::object;
        for (auto& item : values->items) {
          const Node* id = item.member("id");
          Node* content = item.member("content");
          if (!id || !content) continue;
          auto key = plain_id(json::to_text(*id));
          const auto* field = find(key);
          object.members.emplace_back(field ? field->name : key,
                                      field ? labeled(*field, std::move(*content), multiple) : std::move(*content));
        }
        *values = std::move(object);
      }
      break;
    case Placement::side_loaded:
    case Placement::joined:
      break;  // the values are beside the page or in their own collection: relabel_page adds them
    case Placement::flat: {
      Node gathered;
      gathered.kind = Node::Kind::object;
      std::vector<std::pair<std::string, Node>> kept;
      for (auto& [key, value] : root.members) {
        const auto* field = find(key);
        if (field && field->custom) {
          gathered.members.emplace_back(key, std::move(value));
          continue;
        }
        kept.emplace_back(std::move(key), std::move(value));
      }
      // A money field's currency sits beside it (KEY_currency): both become {value, currency}.
      if (!m_spec.currency_suffix.empty())
        for (auto& [key, value] : gathered.members) {
          auto currency_key = key + m_spec.currency_suffix;
          auto it = std::ranges::find_if(kept, [&](const auto& m) { return m.first == currency_key; });
          if (it == kept.end()) continue;
          if (value.is(Node::Kind::null) && it->second.is(Node::Kind::null)) {  // no amount: null, as in v2
            kept.erase(it);
            continue;
          }
          Node money;
          money.kind = Node::Kind::object;
          money.members.emplace_back("value", std::move(value));
          money.members.emplace_back("currency", std::move(it->second));
          value = std::move(money);
          kept.erase(it);
        }
      rename_all(gathered);
      root.members = std::move(kept);
      root.members.emplace_back(m_spec.container, std::move(gathered));
      break;
    }
  }
  // Built-in fields with options (deal status, visible_to, label_ids) sit on the record itself.
  if (m_spec.placement != Placement::properties)
    for (auto& [key, value] : root.members)
      if (const auto* field = find(key); field && !field->custom) value = labeled(*field, std::move(value), multiple);
  return json::to_text(root);
}

Result<void> Relabeler::relabel_page(json::Page& page) const {
  if (m_spec.placement == Placement::side_loaded) return add_side_loaded(page);
  if (m_spec.placement == Placement::joined) return attach(page, m_joined);
  for (auto& record : page.records) {
    auto done = relabel(record);
    if (!done) return std::unexpected(done.error());
    record = std::move(*done);
  }
  return {};
}

void append_raw_member(std::string& members, const std::string& key, const json::Node& value) {
  if (!members.empty()) members += ',';
  members += json::to_text(Node::string_node(key)) + ":" + json::to_text(value);
}

void for_each_side_loaded(const FieldsSpec& spec, const json::Page& page,
                          const std::function<void(const std::string& record, const std::string& key, Node value)>& each) {
  const auto& side = spec.side_loaded;
  const auto* values = json::find(page.envelope, "/" + side.at);
  if (!values || !values->IsArray()) return;
  for (const auto& item : values->GetArray()) {
    auto record = json::text_at(item, "/" + side.record);
    auto key = json::text_at(item, "/" + side.field);
    if (!record || !key) continue;
    auto text = json::text_at(item, "/" + side.value);
    each(*record, *key, text ? Node::string_node(*text) : Node{});
  }
}

// Each record gains `container`: {name: labeled value} from the values side-loaded beside the
// page (the page's records and their values arrive together), in the order they were listed.
Result<void> Relabeler::add_side_loaded(json::Page& page) const {
  JoinedValuesByRecord by_record;
  for_each_side_loaded(m_spec, page, [&](const std::string& record, const std::string& key, Node value) {
    append_member(by_record[record], key, std::move(value));
  });
  return attach(page, by_record);
}

Result<JoinedItem> read_joined_item(const JoinedValues& joined, std::string_view item) {
  auto tree = json::parse_tree(item);
  if (!tree) return std::unexpected(tree.error());
  const Node* record = tree->is(Node::Kind::object) ? tree->member(joined.record) : nullptr;
  const Node* key = tree->is(Node::Kind::object) ? tree->member(joined.field) : nullptr;
  if (!record || !key || record->is(Node::Kind::null) || key->is(Node::Kind::null))
    return fail(ErrorKind::provider, fmt::format("{}: a custom field value names no {} or {}", joined.source.path,
                                                 joined.record, joined.field));
  JoinedItem read{plain_id(json::to_text(*record)), plain_id(json::to_text(*key)), {}};
  if (Node* value = tree->member(joined.value)) read.value = std::move(*value);
  // Money keeps its number as the API gives it (ActiveCampaign: cents) beside its currency.
  if (const Node* currency = joined.currency.empty() ? nullptr : tree->member(joined.currency);
      currency && currency->is(Node::Kind::string) && !currency->text.empty()) {
    Node money;
    money.kind = Node::Kind::object;
    money.members.emplace_back("value", std::move(read.value));
    money.members.emplace_back("currency", *currency);
    read.value = std::move(money);
  }
  return read;
}

Result<void> Relabeler::add_joined_item(std::string_view item, JoinedValuesByRecord& into) const {
  auto read = read_joined_item(*m_spec.joined, item);
  if (!read) return std::unexpected(read.error());
  append_member(into[read->record], read->key, std::move(read->value));
  return {};
}

// "Name":labeled value, after the members `members` holds already.
void Relabeler::append_member(std::string& members, const std::string& key, Node value) const {
  const auto* field = find(key);
  if (!members.empty()) members += ',';
  members += json::to_text(Node::string_node(field ? field->name : key));
  members += ':';
  members += json::to_text(field ? labeled(*field, std::move(value), m_spec.multiple) : std::move(value));
}

Result<void> Relabeler::attach(json::Page& page, const JoinedValuesByRecord& by_record) const {
  for (auto& record : page.records) {
    auto id = json::member_text(record, "id");
    if (!id) return std::unexpected(id.error());
    auto it = *id ? by_record.find(plain_id(**id)) : by_record.end();
    record = json::with_member(record, m_spec.container, "{" + (it == by_record.end() ? "" : it->second) + "}");
  }
  return {};
}

}  // namespace crmexport::fields
