// Keyset paging: the next page starts after the last record's id, read from the records.
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "lib/json/fields.hpp"
#include "lib/json/parse.hpp"
#include "lib/paging/strategy.hpp"

namespace crmexport::paging {
namespace {

class IdKeysetStrategy : public Strategy {
 public:
  explicit IdKeysetStrategy(IdKeyset config) : m_config(std::move(config)) {}

  Result<void> add_params(std::string_view position, int page_size, Query& query) const override {
    if (!position.empty() && !json::parse_int(position))
      return fail(ErrorKind::usage, fmt::format("cursor '{}' is not a position of this type's paging: it takes the "
                                                "id of the last record read; use the cursor crmexport printed",
                                                position));
    if (!m_config.order_param.empty()) query.emplace_back(m_config.order_param, m_config.order_value);
    if (!position.empty()) query.emplace_back(m_config.after_param, std::string(position));
    query.emplace_back(m_config.limit_param, std::to_string(page_size));
    return {};
  }

  Result<std::optional<std::string>> next(const json::Page& page, std::string_view position,
                                          int page_size) const override {
    if (page.records.empty()) return std::nullopt;
    if (!m_config.total_at.empty()) {
      if (auto total = json::int_at(page.envelope, m_config.total_at);
          total && static_cast<int64_t>(page.records.size()) >= *total)
        return std::nullopt;
    }
    if (m_config.total_at.empty() && page.records.size() < static_cast<size_t>(page_size)) return std::nullopt;

    auto last_id = id_of(page.records.back());
    if (!last_id) return std::unexpected(last_id.error());
    // Ids must grow from page to page, or the provider ignored the ordering and the next page
    // could repeat or skip records.
    if (!position.empty() && *json::parse_int(*last_id) <= *json::parse_int(position))
      return fail(ErrorKind::provider,
                  fmt::format("malformed response: the page after id {} ends with id {}; the provider did not "
                              "return records in ascending id order",
                              position, *last_id));
    return *last_id;
  }

  std::vector<std::string> param_names() const override {
    std::vector<std::string> names{m_config.after_param, m_config.limit_param};
    if (!m_config.order_param.empty()) names.push_back(m_config.order_param);
    return names;
  }

  bool reads_records() const override { return true; }  // the last record's id

 private:
  // The record's id as whole-number text, whether the provider sends it as a number or a string.
  Result<std::string> id_of(const std::string& record) const {
    rapidjson::Document doc;
    const rapidjson::Value* id = nullptr;
    if (json::parse_dom<rapidjson::kParseNumbersAsStringsFlag>(doc, record) == json::Parsed::ok && doc.IsObject()) {
      auto it = doc.FindMember(m_config.id_field.c_str());
      if (it != doc.MemberEnd() && it->value.IsString()) id = &it->value;
    }
    if (!id || !json::parse_int(id->GetString()))
      return fail(ErrorKind::provider,
                  fmt::format("malformed response: a record has no whole-number '{}' to page by", m_config.id_field));
    return std::string(id->GetString(), id->GetStringLength());
  }

  IdKeyset m_config;
};

}  // namespace

std::shared_ptr<const Strategy> make(IdKeyset config) { return std::make_shared<IdKeysetStrategy>(std::move(config)); }

}  // namespace crmexport::paging
