// Behaviour per ../shared/api-specs/FACTS.md (HubSpot); guesses are listed in README.md.
#include "tests/fake/hubspot_provider.hpp"

#include "tests/fake/hubspot_data.hpp"
#include "tests/fake/hubspot_types.hpp"
#include "tests/fake/oauth_fake.hpp"
#include "tests/fake/object_store.hpp"
#include "tests/fake/rate_limiter.hpp"
#include "tests/fake/table_admin_routes.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <fstream>
#include <numeric>

namespace crm_fake {
namespace {

using hubspot::Account;
using hubspot::ObjectType;

constexpr std::string_view k_prefix = "/hubspot";
constexpr int k_list_max = 100;                  // GET /crm/v3/objects limit (FACTS §3)
constexpr int k_search_max = 200;                // search limit per page (FACTS §3)
constexpr std::int64_t k_search_cap = 10000;     // results per search query (FACTS §3)
constexpr std::size_t k_search_body_max = 3000;  // FACTS §5
constexpr int k_batch_max = 100;                 // batch/read inputs (FACTS §3)
constexpr int k_legacy_max = 250;                // v1 deals/engagements limit (FACTS §3)
// HubSpot answers 414 to long URLs (FACTS §6) without documenting the length; users report it
// once the query passes roughly 8 KB ("longer than 8000 symbols"). 8000 bytes of path and query,
// below cpp-httplib's own 8192.
constexpr std::size_t k_max_target = 8000;

void send_json(httplib::Response& res, int status, const rapidjson::StringBuffer& body) {
  res.status = status;
  res.set_content(body.GetString(), body.GetSize(), "application/json;charset=utf-8");
}

// HubSpot's error body (FACTS §6).
void send_error(httplib::Response& res, int status, std::string_view category, std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_string_field(w, "status", "error");
  write_string_field(w, "message", message);
  write_string_field(w, "correlationId", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
  write_string_field(w, "category", category);
  w.EndObject();
  send_json(res, status, buffer);
}

// Both 429 bodies (FACTS §4).
// Search's own throttle: its message, no policy (FACTS §4).
void send_search_429(httplib::Response& res) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_string_field(w, "status", "error");
  write_string_field(w, "message", "You have reached your secondly limit.");
  write_string_field(w, "errorType", "RATE_LIMIT");
  write_string_field(w, "correlationId", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
  w.EndObject();
  send_json(res, 429, buffer);
}

void send_429(httplib::Response& res, bool daily) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_string_field(w, "status", "error");
  write_string_field(
      w, "message", daily ? "You have reached your daily limit." : "You have reached your ten_secondly_rolling limit.");
  write_string_field(w, "errorType", "RATE_LIMIT");
  write_string_field(w, "correlationId", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
  write_string_field(w, "policyName", daily ? "DAILY" : "TEN_SECONDLY_ROLLING");
  write_string_field(w, "requestId", "r-1");
  w.EndObject();
  send_json(res, 429, buffer);
}

std::optional<std::int64_t> to_int(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> param_list(const httplib::Request& req, const char* name) {
  std::vector<std::string> out;
  for (size_t i = 0; i < req.get_param_value_count(name); ++i) {
    auto items = split_commas(req.get_param_value(name, i));
    out.insert(out.end(), items.begin(), items.end());
  }
  return out;
}

class HubSpotProvider : public FakeProvider {
 public:
  explicit HubSpotProvider(const FakeOptions& options)
      : m_options(options),
        m_account(options),
        m_store(hubspot::object_types(), options.seed, options.records),
        m_limiter(options.hubspot_burst, std::chrono::milliseconds(options.hubspot_interval_ms)),
        m_search_limiter(options.hubspot_search_per_second, std::chrono::milliseconds(1000)),
        m_oauth(hubspot_oauth_config(), options) {}

  std::string prefix() const override { return std::string(k_prefix); }

  void register_routes(httplib::Server& server, ServerState& state) override {
    m_oauth.register_routes(server, state);
    m_field_edits.register_routes(server, "hubspot",
                                  [this](const std::string& type, const std::string& key, const std::string* option) {
                                    auto parsed = hubspot::parse_type(type);
                                    return parsed && m_account.has_property(*parsed, key, option);
                                  });
    // Add, modify and delete the table's types' records (owners), and dump the account as it is now.
    table::register_admin_routes(server, table::Provider::hubspot, m_store,
                                 [this](const std::filesystem::path& dir) { dump(dir); });
    auto route = [&](const std::string& pattern, bool post, bool search, auto handler) {
      auto guarded = [this, &state, search, handler](const httplib::Request& req, httplib::Response& res) {
        if (!admit(state, req, res, search)) return;
        handler(req, res);
      };
      if (post)
        server.Post(prefix() + pattern, guarded);
      else
        server.Get(prefix() + pattern, guarded);
    };
    route("/account-info/v3/details", false, false, [](const httplib::Request&, httplib::Response& res) {
      res.set_content(
          R"({"portalId":62515,"accountType":"STANDARD","timeZone":"Europe/Berlin","companyCurrency":"EUR",)"
          R"("additionalCurrencies":[],"utcOffset":"+01:00","utcOffsetMilliseconds":3600000,)"
          R"("uiDomain":"app.hubspot.com","dataHostingLocation":"na1"})",
          "application/json;charset=utf-8");
    });
    route(R"(/crm/v3/properties/([^/]+))", false, false,
          [this](const httplib::Request& req, httplib::Response& res) { properties(req, res); });
    route(R"(/crm/v3/objects/([^/]+))", false, false,
          [this](const httplib::Request& req, httplib::Response& res) { list(req, res); });
    route(R"(/crm/v3/objects/([^/]+)/batch/read)", true, false,
          [this](const httplib::Request& req, httplib::Response& res) { batch_read(req, res); });
    route(R"(/crm/v3/objects/([^/]+)/search)", true, true,
          [this](const httplib::Request& req, httplib::Response& res) { search(req, res); });
    route("/crm/v3/pipelines/deals", false, false, [this](const httplib::Request&, httplib::Response& res) {
      rapidjson::StringBuffer buffer;
      JsonWriter w(buffer);
      w.StartObject();
      write_key(w, "results");
      w.StartArray();
      m_account.write_pipelines(w);
      w.EndArray();
      w.EndObject();
      send_json(res, 200, buffer);
    });
    route("/crm/v3/owners", false, false,
          [this](const httplib::Request& req, httplib::Response& res) { owners(req, res); });
    route("/contacts/v1/lists/all/contacts/all", false, false,
          [this](const httplib::Request& req, httplib::Response& res) { legacy(req, res, "contacts"); });
    route("/companies/v2/companies/paged", false, false,
          [this](const httplib::Request& req, httplib::Response& res) { legacy(req, res, "companies"); });
    route("/deals/v1/deal/paged", false, false,
          [this](const httplib::Request& req, httplib::Response& res) { legacy(req, res, "deals"); });
    route("/engagements/v1/engagements/paged", false, false,
          [this](const httplib::Request& req, httplib::Response& res) { legacy(req, res, "notes"); });
  }

  void dump(const std::filesystem::path& dir) const override {
    auto folder = dir / "hubspot";
    std::filesystem::create_directories(folder / "legacy");
    std::filesystem::create_directories(folder / "archived");
    std::filesystem::create_directories(folder / "associated");
    auto write_lines = [](const std::filesystem::path& file, std::int64_t count, auto write) {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      if (!out) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
      for (std::int64_t i = 0; i < count; ++i) {
        rapidjson::StringBuffer buffer;
        JsonWriter w(buffer);
        write(w, i);
        out.write(buffer.GetString(), static_cast<std::streamsize>(buffer.GetSize()));
        out.put('\n');
      }
    };
    // The property definitions, one per line (what /crm/v3/properties/TYPE lists).
    std::filesystem::create_directories(folder / "fields");
    for (auto type : hubspot::k_object_types) {
      rapidjson::StringBuffer buffer;
      JsonWriter w(buffer);
      w.StartArray();
      m_account.write_property_definitions(w, type);
      w.EndArray();
      rapidjson::Document definitions;
      definitions.Parse(buffer.GetString());
      std::ofstream out(folder / "fields" / (std::string(hubspot::type_name(type)) + ".ndjson"), std::ios::binary);
      for (const auto& item : definitions.GetArray()) {
        rapidjson::StringBuffer line;
        rapidjson::Writer<rapidjson::StringBuffer> lw(line);
        item.Accept(lw);
        out << line.GetString() << '\n';
      }
    }
    for (auto type : hubspot::k_object_types) {
      const auto& names = m_account.property_names(type);
      std::set<std::string> all(names.begin(), names.end());
      std::string name = hubspot::type_name(type);
      write_lines(folder / (name + ".ndjson"), m_account.live_count(),
                  [&](JsonWriter& w, std::int64_t i) { m_account.write_object(w, type, i + 1, all, {}); });
      write_lines(folder / "archived" / (name + ".ndjson"), m_account.archived_count(),
                  [&](JsonWriter& w, std::int64_t i) {
                    m_account.write_object(w, type, m_account.live_count() + i + 1, all, {});
                  });
      write_lines(folder / "associated" / (name + ".ndjson"), m_account.live_count(),
                  [&](JsonWriter& w, std::int64_t i) {
                    m_account.write_object(w, type, i + 1, all, {ObjectType::contacts, ObjectType::companies});
                  });
    }
    write_lines(folder / "pipelines.ndjson", m_account.pipeline_count(),
                [&](JsonWriter& w, std::int64_t i) { m_account.write_pipeline(w, static_cast<int>(i)); });
    std::vector<std::pair<int, int>> stages;
    for (int p = 0; p < m_account.pipeline_count(); ++p)
      for (int s = 0; s < m_account.stage_count(p); ++s) stages.emplace_back(p, s);
    write_lines(folder / "stages.ndjson", static_cast<std::int64_t>(stages.size()), [&](JsonWriter& w, std::int64_t i) {
      m_account.write_stage(w, stages[i].first, stages[i].second, true);
    });
    m_store.dump(dir);
    auto count = m_account.live_count();
    write_lines(folder / "legacy" / "contacts.ndjson", count,
                [&](JsonWriter& w, std::int64_t i) { m_account.write_legacy_contact(w, i + 1); });
    write_lines(folder / "legacy" / "companies.ndjson", count,
                [&](JsonWriter& w, std::int64_t i) { m_account.write_legacy_company(w, i + 1, {}); });
    write_lines(folder / "legacy" / "deals.ndjson", count,
                [&](JsonWriter& w, std::int64_t i) { m_account.write_legacy_deal(w, i + 1, {}, true); });
    write_lines(folder / "legacy" / "notes.ndjson", count,
                [&](JsonWriter& w, std::int64_t i) { m_account.write_legacy_engagement(w, i + 1); });
  }

 private:
  // Auth, URL length, daily and ten-secondly limits, injected failures; true when the endpoint
  // should answer.
  bool admit(ServerState& state, const httplib::Request& req, httplib::Response& res, bool search) {
    state.apply_latency();
    std::string auth = req.get_header_value("Authorization");
    std::string bearer = auth.starts_with("Bearer ") ? auth.substr(7) : "";
    if (m_oauth.access_expired(bearer)) {
      send_error(res, 401, "EXPIRED_AUTHENTICATION", "The OAuth token used to make this call expired.");
      return false;
    }
    // A private-app token (--token) or an access token the OAuth fake issued.
    if (bearer != state.options().token && !m_oauth.access_valid(bearer)) {
      send_error(res, 401, "INVALID_AUTHENTICATION",
                 "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can "
                 "find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview");
      return false;
    }
    if (req.target.size() > k_max_target) {
      state.count_request("/hubspot (answered 414)");
      res.status = 414;
      res.set_content("<html><body><h1>414 Request-URI Too Large</h1></body></html>", "text/html");
      return false;
    }
    auto used = ++m_daily_used;
    std::int64_t daily = m_options.hubspot_daily_limit;
    if (used > daily) {
      state.count_throttled();
      send_429(res, true);
      return false;
    }
    // Search has its own limit and no rate-limit headers (FACTS §4).
    RateDecision decision;
    if (!search) {
      decision = m_limiter.admit(auth);
      res.set_header("X-HubSpot-RateLimit-Interval-Milliseconds", std::to_string(m_options.hubspot_interval_ms));
      res.set_header("X-HubSpot-RateLimit-Max", std::to_string(decision.limit));
      res.set_header("X-HubSpot-RateLimit-Remaining", std::to_string(decision.remaining));
      res.set_header("X-HubSpot-RateLimit-Daily", std::to_string(daily));
      res.set_header("X-HubSpot-RateLimit-Daily-Remaining", std::to_string(std::max<std::int64_t>(0, daily - used)));
      if (!decision.allowed) {
        state.count_throttled();
        send_429(res, false);
        return false;
      }
    } else if (!m_search_limiter.admit(auth).allowed) {
      state.count_throttled();
      send_search_429(res);
      return false;
    }
    switch (state.next_injection()) {
      case Injection::too_many_requests:
        res.set_header("X-HubSpot-RateLimit-Remaining", "0");
        state.count_throttled();
        send_429(res, false);
        return false;
      case Injection::server_error:
        send_error(res, 500, "INTERNAL_ERROR", "internal error");
        return false;
      case Injection::malformed:
        res.set_content("{\"results\":[{\"id\":", "application/json");
        return false;
      case Injection::none:
        break;
    }
    return true;
  }

  std::optional<ObjectType> object_type(const httplib::Request& req, httplib::Response& res) {
    auto type = hubspot::parse_type(req.matches[1].str());
    if (!type)
      send_error(res, 400, "VALIDATION_ERROR",
                 fmt::format("Unable to infer object type from: {}", req.matches[1].str()));
    return type;
  }

  std::set<std::string> chosen_properties(ObjectType type, const std::vector<std::string>& asked) const {
    if (asked.empty()) {
      const auto& defaults = m_account.default_properties(type);
      return {defaults.begin(), defaults.end()};
    }
    return {asked.begin(), asked.end()};
  }

  void properties(const httplib::Request& req, httplib::Response& res) {
    auto type = object_type(req, res);
    if (!type) return;
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_key(w, "results");
    w.StartArray();
    m_account.write_property_definitions(w, *type, &m_field_edits);
    w.EndArray();
    w.EndObject();
    send_json(res, 200, buffer);
  }

  // Paged by an `after` that is the offset, as HubSpot's own cursors look.
  bool page_bounds(const httplib::Request& req, httplib::Response& res, int max, int fallback, std::int64_t& after,
                   int& limit) {
    limit = fallback;
    after = 0;
    if (req.has_param("limit")) {
      auto asked = to_int(req.get_param_value("limit"));
      if (!asked || *asked < 1 || *asked > max) {
        send_error(res, 400, "VALIDATION_ERROR", fmt::format("limit must be between 1 and {}", max));
        return false;
      }
      limit = static_cast<int>(*asked);
    }
    if (req.has_param("after")) {
      auto at = to_int(req.get_param_value("after"));
      if (!at || *at < 0) {
        send_error(res, 400, "VALIDATION_ERROR", "after is not a valid cursor");
        return false;
      }
      after = *at;
    }
    return true;
  }

  static void write_paging(JsonWriter& w, std::int64_t next, std::string_view link) {
    write_key(w, "paging");
    w.StartObject();
    write_key(w, "next");
    w.StartObject();
    write_string_field(w, "after", std::to_string(next));
    write_string_field(w, "link", fmt::format("https://api.hubapi.com{}?after={}", link, next));
    w.EndObject();
    w.EndObject();
  }

  void list(const httplib::Request& req, httplib::Response& res) {
    auto type = object_type(req, res);
    if (!type) return;
    std::int64_t after;
    int limit;
    if (!page_bounds(req, res, k_list_max, 10, after, limit)) return;
    bool archived = req.has_param("archived") && req.get_param_value("archived") == "true";
    auto properties = chosen_properties(*type, param_list(req, "properties"));
    std::vector<ObjectType> associations;
    for (const auto& name : param_list(req, "associations"))
      if (auto to = hubspot::parse_type(name)) associations.push_back(*to);
    std::int64_t first = archived ? m_account.live_count() + 1 : 1;
    std::int64_t count = archived ? m_account.archived_count() : m_account.live_count();
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_key(w, "results");
    w.StartArray();
    std::int64_t end = std::min(count, after + limit);
    for (std::int64_t i = after; i < end; ++i) m_account.write_object(w, *type, first + i, properties, associations);
    w.EndArray();
    if (end < count) write_paging(w, end, req.path.substr(k_prefix.size()));
    w.EndObject();
    send_json(res, 200, buffer);
  }

  void batch_read(const httplib::Request& req, httplib::Response& res) {
    auto type = object_type(req, res);
    if (!type) return;
    rapidjson::Document body;
    body.Parse(req.body.c_str());
    if (body.HasParseError() || !body.IsObject() || !body.HasMember("inputs") || !body["inputs"].IsArray()) {
      send_error(res, 400, "VALIDATION_ERROR", "Invalid input JSON: inputs is required");
      return;
    }
    if (body["inputs"].Size() > static_cast<unsigned>(k_batch_max)) {
      send_error(res, 400, "VALIDATION_ERROR", fmt::format("Batch input is too large: at most {} inputs", k_batch_max));
      return;
    }
    std::vector<std::string> asked;
    if (body.HasMember("properties") && body["properties"].IsArray())
      for (const auto& p : body["properties"].GetArray())
        if (p.IsString()) asked.emplace_back(p.GetString());
    auto properties = chosen_properties(*type, asked);
    bool archived = req.has_param("archived") && req.get_param_value("archived") == "true";
    std::vector<std::int64_t> ids;
    for (const auto& input : body["inputs"].GetArray()) {
      if (!input.IsObject() || !input.HasMember("id") || !input["id"].IsString()) continue;
      auto id = to_int(input["id"].GetString());
      if (id && m_account.exists(*id, archived)) ids.push_back(*id);
    }
    // HubSpot does not promise the order of batch results; the fake answers in reverse.
    std::reverse(ids.begin(), ids.end());
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_string_field(w, "status", "COMPLETE");
    write_key(w, "results");
    w.StartArray();
    for (auto id : ids) m_account.write_object(w, *type, id, properties, {});
    w.EndArray();
    write_string_field(w, "startedAt", "2026-11-23T00:00:00.000Z");
    write_string_field(w, "completedAt", "2026-11-23T00:00:00.100Z");
    w.EndObject();
    send_json(res, 200, buffer);
  }

  void search(const httplib::Request& req, httplib::Response& res) {
    auto type = object_type(req, res);
    if (!type) return;
    if (req.body.size() > k_search_body_max) {
      send_error(res, 400, "VALIDATION_ERROR", "The request body is too long");
      return;
    }
    rapidjson::Document body;
    body.Parse(req.body.c_str());
    if (body.HasParseError() || !body.IsObject()) {
      send_error(res, 400, "VALIDATION_ERROR", "Invalid input JSON");
      return;
    }
    std::string modified = hubspot::modified_property(*type);
    int limit = 10;
    if (body.HasMember("limit")) {
      if (!body["limit"].IsInt() || body["limit"].GetInt() < 1 || body["limit"].GetInt() > k_search_max) {
        send_error(res, 400, "VALIDATION_ERROR", fmt::format("limit must be between 1 and {}", k_search_max));
        return;
      }
      limit = body["limit"].GetInt();
    }
    std::int64_t after = 0;
    if (body.HasMember("after") && body["after"].IsString()) {
      auto at = to_int(body["after"].GetString());
      if (!at || *at < 0) {
        send_error(res, 400, "VALIDATION_ERROR", "after is not a valid cursor");
        return;
      }
      after = *at;
    }
    if (after >= k_search_cap) {
      send_error(res, 400, "VALIDATION_ERROR",
                 "Search results are limited to 10000 results; narrow the query (after must be below 10000)");
      return;
    }
    // One sort at most; by the modification time or the id.
    std::string sort_by;
    bool descending = false;
    if (body.HasMember("sorts") && body["sorts"].IsArray()) {
      if (body["sorts"].Size() > 1) {
        send_error(res, 400, "VALIDATION_ERROR", "Only one sort is allowed");
        return;
      }
      for (const auto& s : body["sorts"].GetArray()) {
        if (s.IsObject() && s.HasMember("propertyName") && s["propertyName"].IsString())
          sort_by = s["propertyName"].GetString();
        descending = s.IsObject() && s.HasMember("direction") && s["direction"].IsString() &&
                     std::string_view(s["direction"].GetString()) == "DESCENDING";
      }
    }
    struct Rule {
      bool on_time;
      std::string op;
      std::int64_t value;
    };
    std::vector<std::vector<Rule>> groups;
    if (body.HasMember("filterGroups") && body["filterGroups"].IsArray()) {
      for (const auto& g : body["filterGroups"].GetArray()) {
        std::vector<Rule> rules;
        if (!g.IsObject() || !g.HasMember("filters") || !g["filters"].IsArray()) continue;
        for (const auto& f : g["filters"].GetArray()) {
          if (!f.IsObject() || !f.HasMember("propertyName") || !f.HasMember("operator") || !f.HasMember("value"))
            continue;
          std::string property = f["propertyName"].GetString();
          std::string value = f["value"].IsString() ? f["value"].GetString() : std::to_string(f["value"].GetInt64());
          auto number = to_int(value);
          if (!number) {
            send_error(res, 400, "VALIDATION_ERROR", fmt::format("{} is not a valid value for {}", value, property));
            return;
          }
          if (property != modified && property != "hs_object_id") {
            send_error(res, 400, "VALIDATION_ERROR", fmt::format("the fake cannot filter on {}", property));
            return;
          }
          rules.push_back({property == modified, f["operator"].GetString(), *number});
        }
        groups.push_back(std::move(rules));
      }
    }
    auto passes = [&](std::int64_t id) {
      if (groups.empty()) return true;
      for (const auto& rules : groups) {
        bool all = true;
        for (const auto& r : rules) {
          std::int64_t v = r.on_time ? m_account.modified_ms(*type, id) : id;
          bool ok = r.op == "EQ"    ? v == r.value
                    : r.op == "GT"  ? v > r.value
                    : r.op == "GTE" ? v >= r.value
                    : r.op == "LT"  ? v < r.value
                    : r.op == "LTE" ? v <= r.value
                    : r.op == "NEQ" ? v != r.value
                                    : false;
          all = all && ok;
        }
        if (all) return true;
      }
      return false;
    };
    std::vector<std::int64_t> ids;
    for (std::int64_t id = 1; id <= m_account.live_count(); ++id)
      if (passes(id)) ids.push_back(id);
    // Records sharing a time come in no particular order (not by id), as a client must expect.
    auto scramble = [](std::int64_t id) { return (static_cast<std::uint64_t>(id) * 0x9e3779b97f4a7c15ULL) >> 7; };
    if (sort_by == "hs_object_id") {
      if (descending) std::reverse(ids.begin(), ids.end());
    } else {
      std::stable_sort(ids.begin(), ids.end(), [&](std::int64_t a, std::int64_t b) {
        auto ta = m_account.modified_ms(*type, a), tb = m_account.modified_ms(*type, b);
        if (ta != tb) return descending ? ta > tb : ta < tb;
        return scramble(a) < scramble(b);
      });
    }
    std::vector<std::string> asked;
    if (body.HasMember("properties") && body["properties"].IsArray())
      for (const auto& p : body["properties"].GetArray())
        if (p.IsString()) asked.emplace_back(p.GetString());
    auto properties = chosen_properties(*type, asked);
    auto total = static_cast<std::int64_t>(ids.size());
    std::int64_t end = std::min({total, after + limit, k_search_cap});
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_int_field(w, "total", total);
    write_key(w, "results");
    w.StartArray();
    for (std::int64_t i = after; i < end; ++i)
      m_account.write_object(w, *type, ids[static_cast<size_t>(i)], properties, {});
    w.EndArray();
    // Like HubSpot, the cursor goes on past the cap; asking for it is the 400 above.
    if (after + limit < total) write_paging(w, after + limit, req.path.substr(k_prefix.size()));
    w.EndObject();
    send_json(res, 200, buffer);
  }

  void owners(const httplib::Request& req, httplib::Response& res) {
    table::ListQuery query;
    int limit;
    if (!page_bounds(req, res, 500, 100, query.offset, limit)) return;
    query.limit = limit;
    const table::ObjectType& row = *m_store.row("owners");
    // Cannot be refused: page_bounds checked the limit, and owners have no filters.
    auto page = m_store.list(row, query);
    res.status = 200;
    res.set_content(table::write_list_answer(row, *page, {}, {}, "/crm/v3/owners"), "application/json;charset=utf-8");
  }

  // Legacy lists: the offset is the last id served (opaque to clients), FACTS §3.
  void legacy(const httplib::Request& req, httplib::Response& res, std::string_view which) {
    bool contacts = which == "contacts";
    const char* size_param = contacts ? "count" : "limit";
    const char* offset_param = contacts ? "vidOffset" : "offset";
    int max = contacts ? 100 : k_legacy_max;
    int limit = contacts ? 20 : 100;
    if (req.has_param(size_param)) {
      auto asked = to_int(req.get_param_value(size_param));
      if (!asked || *asked < 1) {
        send_error(res, 400, "VALIDATION_ERROR", fmt::format("{} must be a positive number", size_param));
        return;
      }
      limit = static_cast<int>(std::min<std::int64_t>(*asked, max));  // capped silently
    }
    std::int64_t offset = 0;
    if (req.has_param(offset_param)) {
      auto at = to_int(req.get_param_value(offset_param));
      if (!at || *at < 0) {
        send_error(res, 400, "VALIDATION_ERROR", fmt::format("{} is not valid", offset_param));
        return;
      }
      offset = *at;
    }
    auto properties = param_list(req, "properties");
    bool with_associations =
        req.has_param("includeAssociations") && req.get_param_value("includeAssociations") == "true";
    auto count = m_account.live_count();
    std::int64_t end = std::min(count, offset + limit);
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_key(w, contacts ? "contacts" : which == "companies" ? "companies" : which == "deals" ? "deals" : "results");
    w.StartArray();
    for (std::int64_t id = offset + 1; id <= end; ++id) {
      if (contacts)
        m_account.write_legacy_contact(w, id);
      else if (which == "companies")
        m_account.write_legacy_company(w, id, properties);
      else if (which == "deals")
        m_account.write_legacy_deal(w, id, properties, with_associations);
      else
        m_account.write_legacy_engagement(w, id);
    }
    w.EndArray();
    bool more = end < count;
    if (contacts || which == "companies") {
      write_bool_field(w, "has-more", more);
      write_int_field(w, contacts ? "vid-offset" : "offset", end);
    } else {
      write_bool_field(w, "hasMore", more);
      write_int_field(w, "offset", end);
    }
    w.EndObject();
    send_json(res, 200, buffer);
  }

  FakeOptions m_options;
  Account m_account;
  table::Store m_store;  // the types that are rows of the object table: owners
  FieldEdits m_field_edits;
  RateLimiter m_limiter;
  RateLimiter m_search_limiter;  // search's 5 a second, outside the ten-second bucket (FACTS §4)
  OAuthFake m_oauth;
  std::atomic<std::int64_t> m_daily_used{0};
};

}  // namespace

std::unique_ptr<FakeProvider> make_hubspot_provider(const FakeOptions& options) {
  return std::make_unique<HubSpotProvider>(options);
}

}  // namespace crm_fake
