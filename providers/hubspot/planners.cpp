// Why one request per page: HubSpot's limits count requests (FACTS HubSpot §4), so the list GET
// asks for every property itself when the URL stays short enough, and search carries them in
// its body when the body stays under its cap. Only an account whose property names do not fit
// (hundreds of custom properties) lists ids and reads them with batch/read, two requests a page.
// HubSpot documents no URL limit; users hit 414 past roughly 8 KB of query (FACTS §6), so a
// path and query of at most 6,000 bytes leaves a quarter for the base URL and for the guess.
// Search bodies are capped at 3,000 characters (FACTS §5). batch/read takes 100 ids (FACTS §3).
// A --since read walks search windows past its 10,000-result cap (search_position.hpp).
#include "providers/hubspot/planners.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <rapidjson/document.h>

#include <algorithm>

#include "lib/http/url.hpp"
#include "lib/json/fields.hpp"
#include "lib/json/member.hpp"
#include "lib/paging/planning.hpp"
#include "providers/hubspot/search_position.hpp"
#include "providers/hubspot/wire.hpp"

namespace crmexport::providers::hubspot {
namespace {

constexpr int k_list_max = 100;          // GET /crm/v3/objects limit (FACTS §3)
constexpr int k_batch_max = 100;         // batch/read inputs (FACTS §3)
constexpr size_t k_safe_target = 6000;   // path and query of a GET (see the file comment)
constexpr size_t k_search_body_max = 3000;  // FACTS §5

class ObjectsPlanner : public PagePlanner {
 public:
  ObjectsPlanner(std::string object_type, std::string modified)
      : m_type(std::move(object_type)), m_modified(std::move(modified)) {}

  std::vector<PlannedRequest> prelude(const ReadAsk& ask) const override {
    if (!ask.properties.empty()) return {};
    return {PlannedRequest{"GET", "/crm/v3/properties/" + m_type, {}, "", {"results"}}};
  }

  Result<std::vector<PlannedRequest>> requests(const ReadAsk& ask, std::span<const json::Page> prelude,
                                               std::string_view position,
                                               std::span<const json::Page> answers) const override {
    if (ask.since && ask.archived)
      return fail(ErrorKind::usage,
                  "HubSpot's search never returns archived records (FACTS HubSpot §5); drop --since to export "
                  "archived records");
    if (ask.since && !ask.associations.empty())
      return fail(ErrorKind::usage,
                  "HubSpot's search does not return associations; export --associations without --since, or "
                  "--since without --associations");
    auto first = first_request(ask, prelude, position);
    if (!first) return std::unexpected(first.error());
    if (answers.empty()) return std::vector<PlannedRequest>{std::move(first->request)};
    if (answers.size() > 1 || first->complete) return std::vector<PlannedRequest>{};
    auto names = property_names(ask, prelude);
    if (!names) return std::unexpected(names.error());
    std::vector<std::string> ids;
    auto skip = ask.since ? parse_search_position(position, ask) : Result<SearchPosition>(SearchPosition{});
    if (!skip) return std::unexpected(skip.error());
    for (const auto& record : answers[0].records) {
      auto id = record_id(record);
      if (!id) return fail(ErrorKind::provider, fmt::format("HubSpot {}: a record without an id", m_type));
      if (!skip->ties || std::ranges::find(skip->ids, *id) == skip->ids.end()) ids.push_back(*id);
    }
    http::Query query;
    if (ask.archived) query.emplace_back("archived", "true");
    std::vector<PlannedRequest> reads;
    for (const auto& batch : paging::batches(ids, k_batch_max))
      reads.push_back(PlannedRequest{
          "POST", "/crm/v3/objects/" + m_type + "/batch/read", query, batch_read_body(*names, batch), {"results"}});
    return reads;
  }

  Result<AssembledPage> assemble(const ReadAsk& ask, std::span<const json::Page> prelude, std::string_view position,
                                 std::span<const json::Page> answers) const override {
    auto first = first_request(ask, prelude, position);
    if (!first) return std::unexpected(first.error());
    bool complete = first->complete;  // the first answer carried every property
    auto full = paging::by_id(answers.subspan(complete ? 0 : 1), record_id);

    AssembledPage page;
    std::optional<SearchPosition> search;
    if (ask.since) {
      auto p = parse_search_position(position, ask);
      if (!p) return std::unexpected(p.error());
      search = std::move(*p);
    }
    std::string last_id;
    for (const auto& listed : answers[0].records) {
      auto id = record_id(listed);
      if (!id) return fail(ErrorKind::provider, fmt::format("HubSpot {}: a record without an id", m_type));
      last_id = *id;
      if (search && !search->ties) {
        auto modified = record_property(listed, m_modified);
        auto time = modified ? parse_iso_millis(*modified) : std::nullopt;
        if (!time)
          return fail(ErrorKind::provider,
                      fmt::format("HubSpot {} {}: search gave no readable {}", m_type, *id, m_modified));
        if (*time > search->last_time) {  // ascending: a later time starts a new run of ties
          search->last_time = *time;
          search->ids.clear();
        }
        if (*time == search->last_time) search->ids.push_back(*id);
      }
      if (search && search->ties && std::ranges::find(search->ids, *id) != search->ids.end()) continue;
      auto found = full.find(*id);
      if (found == full.end()) continue;  // deleted between the listing and the read
      std::string record = *found->second;
      auto associations = json::member_text(listed, "associations");
      if (!associations) return std::unexpected(associations.error());
      if (*associations && !complete) record = json::with_member(record, "associations", **associations);
      page.records.push_back(std::move(record));
    }
    auto after = json::position_at(answers[0].envelope, "/paging/next/after");
    if (!after) return std::unexpected(after.error());
    if (!search) {
      page.next = *after;
      return page;
    }
    auto& p = *search;
    bool more = after->has_value();
    if (p.ties) {
      if (more) {
        std::erase_if(p.ids, [&](const std::string& id) { return !id_less(last_id, id); });
        p.last_id = last_id;
      } else {
        SearchPosition window;  // the timestamp is done: a new window after it
        window.bound = p.bound;
        window.strict = true;
        p = std::move(window);
      }
      page.next = p.text();
      return page;
    }
    p.read += static_cast<int64_t>(answers[0].records.size());
    if (!more) return page;
    if (p.read >= k_search_cap) {
      SearchPosition ties;  // finish the window's last timestamp by id
      ties.ties = true;
      ties.bound = p.last_time;
      ties.ids = std::move(p.ids);
      p = std::move(ties);
    } else {
      p.after = **after;
    }
    page.next = p.text();
    return page;
  }

  std::vector<std::string> param_names() const override {
    return {"limit", "after", "properties", "associations", "archived"};
  }

 private:
  // A page's first request, and whether its answer is already the whole page.
  struct FirstRequest {
    PlannedRequest request;
    bool complete = false;
  };

  // Every property on the request itself when it fits (see the file comment); else only what
  // paging needs, and batch/read brings the rest.
  Result<FirstRequest> first_request(const ReadAsk& ask, std::span<const json::Page> prelude,
                                     std::string_view position) const {
    auto names = property_names(ask, prelude);
    if (!names) return std::unexpected(names.error());
    if (ask.since) {
      auto p = parse_search_position(position, ask);
      if (!p) return std::unexpected(p.error());
      std::vector<Filter> filters;
      std::string sort = m_modified;
      if (p->ties) {
        filters.push_back({m_modified, "EQ", std::to_string(p->bound)});
        if (!p->last_id.empty()) filters.push_back({"hs_object_id", "GT", p->last_id});
        sort = "hs_object_id";
      } else {
        filters.push_back({m_modified, p->strict ? "GT" : "GTE", std::to_string(p->bound)});
      }
      auto body = [&](const std::vector<std::string>& properties) {
        return search_body(filters, sort, properties, search_limit(ask, *p), p->ties ? "" : p->after);
      };
      // The position needs each record's modification time, so it must be among the properties.
      bool has_modified = std::ranges::find(*names, m_modified) != names->end();
      auto fitted = has_modified ? paging::fit_body(body, *names, {m_modified}, k_search_body_max)
                                 : paging::FittedBody{body({m_modified}), false};
      PlannedRequest search{"POST", "/crm/v3/objects/" + m_type + "/search", {}, std::move(fitted.body), {"results"},
                            "search"};
      return FirstRequest{std::move(search), fitted.complete};
    }
    http::Query query{{"limit", std::to_string(std::min(ask.page_size, k_list_max))}};
    if (!position.empty()) query.emplace_back("after", std::string(position));
    query.emplace_back("properties", fmt::format("{}", fmt::join(*names, ",")));
    if (!ask.associations.empty())
      query.emplace_back("associations", fmt::format("{}", fmt::join(ask.associations, ",")));
    if (ask.archived) query.emplace_back("archived", "true");
    query.insert(query.end(), ask.params.begin(), ask.params.end());
    const std::string path = "/crm/v3/objects/" + m_type;
    // One known property keeps the listing small when every name does not fit.
    bool complete = paging::fit_list_param(path, query, "properties", "hs_object_id", k_safe_target);
    return FirstRequest{PlannedRequest{"GET", path, query, "", {"results"}}, complete};
  }

  Result<std::vector<std::string>> property_names(const ReadAsk& ask, std::span<const json::Page> prelude) const {
    if (!ask.properties.empty()) return ask.properties;
    std::vector<std::string> names;
    for (const auto& definition : prelude.front().records) {
      rapidjson::Document d;
      d.Parse(definition.data(), definition.size());
      if (d.HasParseError() || !d.IsObject() || !d.HasMember("name") || !d["name"].IsString())
        return fail(ErrorKind::provider, fmt::format("HubSpot {}: a property definition without a name", m_type));
      names.emplace_back(d["name"].GetString(), d["name"].GetStringLength());
    }
    return names;
  }

  std::string m_type;
  std::string m_modified;
};

class PipelinesPlanner : public PagePlanner {
 public:
  explicit PipelinesPlanner(bool stages) : m_stages(stages) {}

  std::vector<PlannedRequest> prelude(const ReadAsk&) const override { return {}; }
  Result<std::vector<PlannedRequest>> requests(const ReadAsk& ask, std::span<const json::Page>, std::string_view,
                                               std::span<const json::Page> answers) const override {
    if (!answers.empty()) return std::vector<PlannedRequest>{};
    return std::vector<PlannedRequest>{PlannedRequest{"GET", "/crm/v3/pipelines/deals", ask.params, "", {"results"}}};
  }
  Result<AssembledPage> assemble(const ReadAsk&, std::span<const json::Page>, std::string_view,
                                 std::span<const json::Page> answers) const override {
    AssembledPage page;
    if (!m_stages) {
      page.records = answers[0].records;
      return page;
    }
    for (const auto& pipeline : answers[0].records) {
      auto id = json::member_text(pipeline, "id");
      if (!id) return std::unexpected(id.error());
      auto stages = json::parse_page(pipeline, std::vector<std::string>{"stages"});
      if (!stages) return std::unexpected(stages.error());
      for (const auto& stage : stages->records)
        page.records.push_back(json::with_member(stage, "pipelineId", id->value_or("null")));
    }
    return page;
  }
  std::vector<std::string> param_names() const override { return {}; }

 private:
  bool m_stages;
};

}  // namespace

std::shared_ptr<const PagePlanner> objects_planner(std::string object_type, std::string modified_property) {
  return std::make_shared<ObjectsPlanner>(std::move(object_type), std::move(modified_property));
}

std::shared_ptr<const PagePlanner> pipelines_planner(bool stages) { return std::make_shared<PipelinesPlanner>(stages); }

}  // namespace crmexport::providers::hubspot
