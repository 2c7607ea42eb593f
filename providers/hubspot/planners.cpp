// Why one request per page: HubSpot's limits count requests (FACTS HubSpot §4), so the list GET
// asks for every property itself when the URL stays short enough, and search carries them in
// its body when the body stays under its cap. Only an account whose property names do not fit
// (hundreds of custom properties) lists ids and reads them with batch/read, two requests a page.
// HubSpot documents no URL limit; users hit 414 past roughly 8 KB of query (FACTS §6), so a
// path and query of at most 6,000 bytes leaves a quarter for the base URL and for the guess.
// Search bodies are capped at 3,000 characters (FACTS §5). batch/read takes 100 ids (FACTS §3).
//
// Why this search state: search stops at 10,000 results per query (FACTS §3, §5) and sorts by
// one property. So the export reads windows sorted by modification time; when a window reaches
// the cap, the records of its last timestamp T are finished by a keyset walk over
// hs_object_id (filter time == T and id > last, sorted by id) skipping the ids the window had
// already exported at T, then a new window starts at time > T. Nothing is lost or repeated
// however many records share a timestamp, and the position stays printable text.
#include "providers/hubspot/planners.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <unordered_map>

#include "lib/http/url.hpp"
#include "lib/json/fields.hpp"
#include "lib/json/member.hpp"
#include "providers/hubspot/wire.hpp"

namespace crmexport::providers::hubspot {
namespace {

constexpr int k_list_max = 100;          // GET /crm/v3/objects limit (FACTS §3)
constexpr int k_batch_max = 100;         // batch/read inputs (FACTS §3)
constexpr int64_t k_search_cap = 10000;  // results per search query (FACTS §3)
constexpr size_t k_safe_target = 6000;   // path and query of a GET (see the file comment)
constexpr size_t k_search_body_max = 3000;  // FACTS §5

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  size_t start = 0;
  for (;;) {
    auto at = text.find(separator, start);
    out.emplace_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

bool id_less(std::string_view a, std::string_view b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;  // decimal ids without leading zeros
}

// Where a --since read stands (see the file comment). Written as text for --cursor.
struct SearchPosition {
  bool ties = false;
  int64_t bound = 0;             // window: lower bound in ms; ties: the shared timestamp
  bool strict = false;           // window: time > bound rather than >=
  int64_t read = 0;              // window: records read in it
  int64_t last_time = -1;        // window: latest time read in it
  std::string last_id;           // ties: go on after this id
  std::vector<std::string> ids;  // window: ids read at last_time; ties: ids already exported
  std::string after;             // window: HubSpot's cursor within the window

  std::string text() const {
    auto joined = fmt::format("{}", fmt::join(ids, ","));
    if (ties) return fmt::format("t;{};{};{}", bound, last_id, joined);
    return fmt::format("w;{};{};{};{};{};{}", bound, strict ? "gt" : "gte", read, last_time, joined, after);
  }
};

Result<SearchPosition> parse_search_position(std::string_view text, const ReadAsk& ask) {
  SearchPosition p;
  if (text.empty()) {
    p.bound = std::chrono::duration_cast<std::chrono::milliseconds>(ask.since->time_since_epoch()).count();
    return p;
  }
  auto bad = [&] {
    return fail(ErrorKind::usage, fmt::format("'{}' is not a HubSpot --since position; use the cursor "
                                              "crmexport printed for the same --since",
                                              text));
  };
  if (text.starts_with("t;")) {
    auto parts = split(text.substr(2), ';');
    if (parts.size() != 3) return bad();
    auto bound = json::parse_int(parts[0]);
    if (!bound) return bad();
    p.ties = true;
    p.bound = *bound;
    p.last_id = parts[1];
    p.ids = split(parts[2], ',');
    return p;
  }
  if (!text.starts_with("w;")) return bad();
  // The cursor `after` comes last and may hold anything.
  std::vector<std::string> parts;
  size_t start = 2;
  for (int i = 0; i < 5; ++i) {
    auto at = text.find(';', start);
    if (at == std::string_view::npos) return bad();
    parts.emplace_back(text.substr(start, at - start));
    start = at + 1;
  }
  auto bound = json::parse_int(parts[0]);
  auto read = json::parse_int(parts[2]);
  auto last = json::parse_int(parts[3]);
  if (!bound || !read || !last || (parts[1] != "gt" && parts[1] != "gte")) return bad();
  p.bound = *bound;
  p.strict = parts[1] == "gt";
  p.read = *read;
  p.last_time = *last;
  p.ids = split(parts[4], ',');
  p.after = std::string(text.substr(start));
  return p;
}

// A window's last page asks only for what the cap leaves: never a page reaching past 10,000.
int search_limit(const ReadAsk& ask, const SearchPosition& p) {
  if (p.ties) return ask.page_size;
  return static_cast<int>(std::clamp<int64_t>(k_search_cap - p.read, 1, ask.page_size));
}

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
    std::vector<PlannedRequest> batches;
    for (size_t start = 0; start < ids.size(); start += k_batch_max) {
      std::vector<std::string> chunk(ids.begin() + static_cast<long>(start),
                                     ids.begin() + static_cast<long>(std::min(ids.size(), start + k_batch_max)));
      http::Query query;
      if (ask.archived) query.emplace_back("archived", "true");
      batches.push_back(PlannedRequest{
          "POST", "/crm/v3/objects/" + m_type + "/batch/read", query, batch_read_body(*names, chunk), {"results"}});
    }
    return batches;
  }

  Result<AssembledPage> assemble(const ReadAsk& ask, std::span<const json::Page> prelude, std::string_view position,
                                 std::span<const json::Page> answers) const override {
    auto first = first_request(ask, prelude, position);
    if (!first) return std::unexpected(first.error());
    bool complete = first->complete;  // the first answer carried every property
    std::unordered_map<std::string, const std::string*> full;
    for (size_t i = complete ? 0 : 1; i < answers.size(); ++i)
      for (const auto& record : answers[i].records)
        if (auto id = record_id(record)) full[*id] = &record;

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
    auto after = json::text_at(answers[0].envelope, "/paging/next/after");
    if (!search) {
      if (after && !after->empty()) page.next = *after;
      return page;
    }
    auto& p = *search;
    bool more = after && !after->empty();
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
      p.after = *after;
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
      std::string whole = has_modified ? body(*names) : std::string();
      bool complete = has_modified && whole.size() <= k_search_body_max;
      PlannedRequest search{"POST", "/crm/v3/objects/" + m_type + "/search", {},
                            complete ? std::move(whole) : body({m_modified}), {"results"}, "search"};
      return FirstRequest{std::move(search), complete};
    }
    http::Query query{{"limit", std::to_string(std::min(ask.page_size, k_list_max))}};
    if (!position.empty()) query.emplace_back("after", std::string(position));
    query.emplace_back("properties", fmt::format("{}", fmt::join(*names, ",")));
    if (!ask.associations.empty())
      query.emplace_back("associations", fmt::format("{}", fmt::join(ask.associations, ",")));
    if (ask.archived) query.emplace_back("archived", "true");
    query.insert(query.end(), ask.params.begin(), ask.params.end());
    const std::string path = "/crm/v3/objects/" + m_type;
    bool complete = http::make_url("", path, query).size() <= k_safe_target;
    if (!complete)  // one known property keeps the listing small
      std::ranges::find(query, "properties", &http::Query::value_type::first)->second = "hs_object_id";
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
