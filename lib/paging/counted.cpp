// Strategies whose position is a number the client computes: offset/limit and page number.
#include <fmt/format.h>

#include "lib/json/fields.hpp"
#include "lib/paging/strategy.hpp"

namespace crmexport::paging {
namespace {

Result<int64_t> number_position(std::string_view position, int64_t first) {
  if (position.empty()) return first;
  auto value = json::parse_int(position);
  if (!value || *value < 0)
    return fail(ErrorKind::usage, fmt::format("cursor '{}' is not a position of this type's paging: it takes a "
                                              "whole number; use the cursor crmexport printed",
                                              position));
  return *value;
}

class OffsetLimitStrategy : public Strategy {
 public:
  explicit OffsetLimitStrategy(OffsetLimit config) : m_config(std::move(config)) {}

  Result<void> add_params(std::string_view position, int page_size, Query& query) const override {
    auto offset = number_position(position, 0);
    if (!offset) return std::unexpected(offset.error());
    query.emplace_back(m_config.offset_param, std::to_string(*offset));
    query.emplace_back(m_config.limit_param, std::to_string(page_size));
    return {};
  }

  Result<std::optional<std::string>> next(const json::Page& page, std::string_view position,
                                          int page_size) const override {
    const auto& envelope = page.envelope;
    size_t records = page.records.size();
    auto offset = number_position(position, 0);
    if (!offset) return std::unexpected(offset.error());
    int64_t after = *offset + static_cast<int64_t>(records);
    if (records == 0) return std::nullopt;
    if (!m_config.total_at.empty()) {
      if (auto total = json::int_at(envelope, m_config.total_at)) {
        if (after >= *total) return std::nullopt;
        return std::to_string(after);
      }
    }
    if (records < static_cast<size_t>(page_size)) return std::nullopt;
    return std::to_string(after);
  }

  std::vector<std::string> param_names() const override { return {m_config.offset_param, m_config.limit_param}; }

 private:
  OffsetLimit m_config;
};

class PageNumberStrategy : public Strategy {
 public:
  explicit PageNumberStrategy(PageNumber config) : m_config(std::move(config)) {}

  Result<void> add_params(std::string_view position, int page_size, Query& query) const override {
    auto page = number_position(position, m_config.first_page);
    if (!page) return std::unexpected(page.error());
    query.emplace_back(m_config.page_param, std::to_string(*page));
    query.emplace_back(m_config.size_param, std::to_string(page_size));
    return {};
  }

  Result<std::optional<std::string>> next(const json::Page& current, std::string_view position,
                                          int page_size) const override {
    const auto& envelope = current.envelope;
    size_t records = current.records.size();
    auto page = number_position(position, m_config.first_page);
    if (!page) return std::unexpected(page.error());
    if (records == 0) return std::nullopt;
    if (!m_config.total_pages_at.empty()) {
      if (auto pages = json::int_at(envelope, m_config.total_pages_at)) {
        int64_t last = *pages - 1 + m_config.first_page;
        if (*page >= last) return std::nullopt;
        return std::to_string(*page + 1);
      }
    }
    if (records < static_cast<size_t>(page_size)) return std::nullopt;
    return std::to_string(*page + 1);
  }

  std::vector<std::string> param_names() const override { return {m_config.page_param, m_config.size_param}; }

 private:
  PageNumber m_config;
};

}  // namespace

std::shared_ptr<const Strategy> make(OffsetLimit config) {
  return std::make_shared<OffsetLimitStrategy>(std::move(config));
}
std::shared_ptr<const Strategy> make(PageNumber config) {
  return std::make_shared<PageNumberStrategy>(std::move(config));
}

}  // namespace crmexport::paging
