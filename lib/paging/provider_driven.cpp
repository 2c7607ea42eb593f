// Strategies where the provider names the next position: start/next_start, opaque cursors,
// has-more + offset.
#include <fmt/format.h>

#include "lib/json/fields.hpp"
#include "lib/paging/strategy.hpp"

namespace crmexport::paging {
namespace {

Error missing_field(std::string_view pointer) {
  return Error{ErrorKind::provider,
               fmt::format("malformed response: the page says more records follow but has no {}", pointer), 0,
               std::nullopt};
}

class StartNextStartStrategy : public Strategy {
 public:
  explicit StartNextStartStrategy(StartNextStart config) : m_config(std::move(config)) {}

  Result<void> add_params(std::string_view position, int page_size, Query& query) const override {
    if (!position.empty() && !json::parse_int(position))
      return fail(ErrorKind::usage,
                  fmt::format("cursor '{}' is not a start offset: it takes a whole number", position));
    query.emplace_back(m_config.start_param, position.empty() ? "0" : std::string(position));
    query.emplace_back(m_config.limit_param, std::to_string(page_size));
    return {};
  }

  Result<std::optional<std::string>> next(const json::Page& page, std::string_view, int) const override {
    const auto& envelope = page.envelope;
    if (!json::bool_at(envelope, m_config.more_at).value_or(false)) return std::nullopt;
    auto next_start = json::int_at(envelope, m_config.next_start_at);
    if (!next_start) return std::unexpected(missing_field(m_config.next_start_at));
    return std::to_string(*next_start);
  }

  std::vector<std::string> param_names() const override { return {m_config.start_param, m_config.limit_param}; }

 private:
  StartNextStart m_config;
};

class CursorStrategy : public Strategy {
 public:
  explicit CursorStrategy(Cursor config) : m_config(std::move(config)) {}

  Result<void> add_params(std::string_view position, int page_size, Query& query) const override {
    if (!position.empty()) query.emplace_back(m_config.cursor_param, std::string(position));
    if (!m_config.limit_param.empty()) query.emplace_back(m_config.limit_param, std::to_string(page_size));
    return {};
  }

  Result<std::optional<std::string>> next(const json::Page& page, std::string_view, int) const override {
    return json::position_at(page.envelope, m_config.next_at);
  }

  std::vector<std::string> param_names() const override { return {m_config.cursor_param, m_config.limit_param}; }

 private:
  Cursor m_config;
};

class HasMoreOffsetStrategy : public Strategy {
 public:
  explicit HasMoreOffsetStrategy(HasMoreOffset config) : m_config(std::move(config)) {}

  Result<void> add_params(std::string_view position, int page_size, Query& query) const override {
    if (!position.empty()) query.emplace_back(m_config.offset_param, std::string(position));
    query.emplace_back(m_config.limit_param, std::to_string(page_size));
    return {};
  }

  Result<std::optional<std::string>> next(const json::Page& page, std::string_view, int) const override {
    const auto& envelope = page.envelope;
    if (!json::bool_at(envelope, m_config.has_more_at).value_or(false)) return std::nullopt;
    auto offset = json::position_at(envelope, m_config.offset_at);
    if (offset && !*offset) return std::unexpected(missing_field(m_config.offset_at));
    return offset;
  }

  std::vector<std::string> param_names() const override { return {m_config.offset_param, m_config.limit_param}; }

 private:
  HasMoreOffset m_config;
};

}  // namespace

std::shared_ptr<const Strategy> make(StartNextStart config) {
  return std::make_shared<StartNextStartStrategy>(std::move(config));
}
std::shared_ptr<const Strategy> make(Cursor config) { return std::make_shared<CursorStrategy>(std::move(config)); }
std::shared_ptr<const Strategy> make(HasMoreOffset config) {
  return std::make_shared<HasMoreOffsetStrategy>(std::move(config));
}

}  // namespace crmexport::paging
