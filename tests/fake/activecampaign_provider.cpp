#include "tests/fake/activecampaign_provider.hpp"

#include "tests/fake/activecampaign_dataset.hpp"
#include "tests/fake/activecampaign_custom_fields.hpp"
#include "tests/fake/activecampaign_fields.hpp"
#include "tests/fake/json_util.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <fstream>
#include <mutex>
#include <stdexcept>

namespace crm_fake {
namespace {

using activecampaign::Dataset;
using activecampaign::ListQuery;
using activecampaign::Type;

// 5 requests a second per account, whatever the key (FACTS ActiveCampaign §4).
constexpr int k_requests_per_second = 5;
constexpr std::string_view k_json = "application/json";
constexpr std::int64_t k_max_limit = 100;  // FACTS §3: larger limits are capped

void send_body(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, std::string(k_json).c_str());
}

// FACTS §6: {"message":"Forbidden"} for 403; the 401 body is unconfirmed, this is a guess.
void send_message(httplib::Response& res, int status, std::string_view message) {
  send_body(res, status, fmt::format(R"({{"message":"{}"}})", message));
}

// 422-style validation error (FACTS §6).
void send_invalid(httplib::Response& res, int status, const std::string& title) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_key(w, "errors");
  w.StartArray();
  w.StartObject();
  write_string_field(w, "title", title);
  write_string_field(w, "detail", "");
  write_string_field(w, "code", "field_invalid");
  w.EndObject();
  w.EndArray();
  w.EndObject();
  send_body(res, status, std::string(buffer.GetString(), buffer.GetSize()));
}

std::optional<std::int64_t> as_int(const std::string& text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// filters[FIELD] and orders[FIELD] in the order they appear in the query string (httplib's
// params are a multimap sorted by key, which would lose the order of several orders[...]).
ListQuery parse_list_query(const httplib::Request& req, std::string& error) {
  ListQuery query;
  const auto q = req.target.find('?');
  const std::string raw = q == std::string::npos ? "" : req.target.substr(q + 1);
  std::size_t start = 0;
  while (start < raw.size()) {
    auto amp = raw.find('&', start);
    std::string pair = raw.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    start = amp == std::string::npos ? raw.size() : amp + 1;
    auto eq = pair.find('=');
    std::string key = httplib::detail::decode_url(pair.substr(0, eq), true);
    std::string value = eq == std::string::npos ? "" : httplib::detail::decode_url(pair.substr(eq + 1), true);
    auto inner = [&](std::string_view prefix) -> std::optional<std::string> {
      if (!key.starts_with(prefix) || !key.ends_with(']')) return std::nullopt;
      return key.substr(prefix.size(), key.size() - prefix.size() - 1);
    };
    auto filter = inner("filters[");
    auto order = inner("orders[");
    if (filter) {
      query.filters.emplace_back(*filter, value);
    } else if (order) {
      std::string upper = value;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (upper != "ASC" && upper != "DESC") error = fmt::format("orders[{}] must be ASC or DESC", *order);
      query.orders.emplace_back(*order, upper == "ASC");
    } else if (key == "limit" || key == "offset" || key == "id_greater") {
      auto number = as_int(value);
      if (!number || *number < 0) {
        error = fmt::format("{} must be a whole number", key);
        continue;
      }
      if (key == "limit") query.limit = *number;
      if (key == "offset") query.offset = *number;
      if (key == "id_greater") query.id_greater = *number;
    }
  }
  return query;
}

class ActiveCampaignProvider final : public FakeProvider {
 public:
  explicit ActiveCampaignProvider(const FakeOptions& options)
      : m_dataset(options.seed, options.records),
        m_custom_fields(options.seed),
        m_seed(options.seed),
        m_churn_every(options.churn_every),
        m_limiter(k_requests_per_second, std::chrono::milliseconds(1000)) {}

  std::string prefix() const override { return "/activecampaign"; }

  void register_routes(httplib::Server& server, ServerState& state) override {
    const std::string p = prefix() + "/api/3";
    server.Get(p + "/users/me", guarded(state, [](const httplib::Request&, httplib::Response& res) {
                 send_body(res, 200,
                           R"({"user":{"username":"admin","firstName":"Ada","lastName":"Admin",)"
                           R"("email":"admin@example.com","phone":"","signature":null,"links":{},"id":"1"}})");
               }));
    server.Get(p + "/fields", guarded(state, [this](const httplib::Request& req, httplib::Response& res) {
                 std::string error;
                 const ListQuery query = parse_list_query(req, error);
                 if (!error.empty()) return send_invalid(res, 422, error);
                 rapidjson::StringBuffer buffer;
                 JsonWriter w(buffer);
                 activecampaign::write_fields_page(w, query.offset, std::clamp<std::int64_t>(query.limit, 0, k_max_limit),
                                                   m_field_edits);
                 send_body(res, 200, std::string(buffer.GetString(), buffer.GetSize()));
               }));
    m_total_offset = state.options().activecampaign_total_offset;
    register_custom_fields(server, state, p);
    m_field_edits.register_routes(server, "activecampaign",
                                  [](const std::string& type, const std::string& key, const std::string* option) {
                                    if (type == "contacts") return activecampaign::has_contact_field(key, option);
                                    if (type != "deals" && type != "accounts") return false;
                                    return activecampaign::CustomFields::has_field(
                                        type == "deals" ? activecampaign::CustomObject::deal
                                                        : activecampaign::CustomObject::account,
                                        key, option);
                                  });
    server.Get(p + "/([A-Za-z]+)", guarded(state, [this](const httplib::Request& req, httplib::Response& res) {
                 const auto type = activecampaign::type_from_resource(req.matches[1].str());
                 if (!type) return send_message(res, 404, "No Result found for route");
                 serve_list(*type, req, res);
               }));
    server.Get(prefix() + "/.*", [](const httplib::Request&, httplib::Response& res) {
      send_body(res, 404, R"({"errors":[{"status":404,"title":"Not Found"}]})");
    });
    // Admin (loopback tests only): change contacts now, read what changed, and the list requests
    // as they arrived (to check the query crmexport built).
    server.Post("/_activecampaign/churn", [this](const httplib::Request&, httplib::Response& res) {
      m_dataset.churn_contacts();
      send_body(res, 200, R"({"success":true})");
    });
    server.Get("/_activecampaign/requests", [this](const httplib::Request&, httplib::Response& res) {
      rapidjson::StringBuffer buffer;
      JsonWriter w(buffer);
      w.StartArray();
      const std::lock_guard lock(m_log_mutex);
      for (const auto& target : m_list_targets) write_string(w, target);
      w.EndArray();
      send_body(res, 200, std::string(buffer.GetString(), buffer.GetSize()));
    });
    server.Get("/_activecampaign/changes", [this](const httplib::Request&, httplib::Response& res) {
      const auto changes = m_dataset.changes();
      rapidjson::StringBuffer buffer;
      JsonWriter w(buffer);
      w.StartObject();
      write_int_array(w, "inserted", changes.inserted);
      write_int_array(w, "deleted", changes.deleted);
      w.EndObject();
      send_body(res, 200, std::string(buffer.GetString(), buffer.GetSize()));
    });
  }

  // Deal and account custom fields: definitions and values, limit capped at 100 (FACTS §3).
  void register_custom_fields(httplib::Server& server, ServerState& state, const std::string& p) {
    for (auto object : {activecampaign::CustomObject::deal, activecampaign::CustomObject::account}) {
      const auto name = activecampaign::object_name(object);
      auto served = [this, object](bool data) {
        return [this, object, data](const httplib::Request& req, httplib::Response& res) {
          std::string error;
          const ListQuery query = parse_list_query(req, error);
          if (!error.empty()) return send_invalid(res, 422, error);
          const auto limit = std::clamp<std::int64_t>(query.limit, 0, k_max_limit);
          send_body(res, 200,
                    data ? m_custom_fields.data_page(object, records_of(object), query.offset, limit)
                         : m_custom_fields.meta_page(object, query.offset, limit, m_field_edits));
        };
      };
      server.Get(p + "/" + name + "CustomFieldMeta", guarded(state, served(false)));
      server.Get(p + "/" + name + "CustomFieldData", guarded(state, served(true)));
    }
  }

  std::int64_t records_of(activecampaign::CustomObject object) const {
    return static_cast<std::int64_t>(
        m_dataset.all(object == activecampaign::CustomObject::deal ? Type::deal : Type::account).size());
  }

  void dump(const std::filesystem::path& dir) const override {
    const auto root = dir / "activecampaign";
    std::filesystem::create_directories(root);
    for (Type type : activecampaign::k_all_types) {
      const auto file = root / (activecampaign::dump_name(type) + ".ndjson");
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      if (!out) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
      for (const auto& record : m_dataset.all(type)) out << activecampaign::record_json(record) << '\n';
      if (!out.flush()) throw std::runtime_error(fmt::format("failed writing {}", file.string()));
    }
    // The contact fields (with their options) and each contact's side-loaded values, one line each.
    std::filesystem::create_directories(root / "fields");
    std::ofstream fields(root / "fields" / "contacts.ndjson", std::ios::binary);
    for (const auto& line : activecampaign::field_lines()) fields << line << '\n';
    std::vector<std::int64_t> ids;
    for (const auto& record : m_dataset.all(Type::contact)) ids.push_back(record.id);
    std::ofstream values(root / "fields" / "contact_values.ndjson", std::ios::binary);
    for (const auto& line : activecampaign::value_lines(m_seed, ids)) values << line << '\n';
    // Deals' and accounts' definitions and values, each line as the API serves it.
    for (auto object : {activecampaign::CustomObject::deal, activecampaign::CustomObject::account}) {
      const auto name = activecampaign::object_name(object);
      std::ofstream meta(root / "fields" / (name + "s.ndjson"), std::ios::binary);
      for (const auto& line : m_custom_fields.meta_lines(object)) meta << line << '\n';
      std::ofstream data(root / "fields" / (name + "_values.ndjson"), std::ios::binary);
      for (const auto& line : m_custom_fields.data_lines(object, records_of(object))) data << line << '\n';
    }
  }

 private:
  // Api-Token, the account's rate limit and failure injection, then the endpoint.
  httplib::Server::Handler guarded(ServerState& state, httplib::Server::Handler endpoint) {
    return [this, &state, endpoint = std::move(endpoint)](const httplib::Request& req, httplib::Response& res) {
      state.apply_latency();
      if (!req.has_header("Api-Token")) return send_message(res, 401, "Unauthorized");
      if (req.get_header_value("Api-Token") != state.options().token) return send_message(res, 403, "Forbidden");

      const RateDecision decision = m_limiter.admit("account");
      res.set_header("RateLimit-Limit", std::to_string(decision.limit));
      res.set_header("RateLimit-Remaining", std::to_string(decision.remaining));
      if (!decision.allowed) {
        state.count_throttled();
        res.set_header("Retry-After", std::to_string(std::max(decision.reset_seconds, 1)));
        return send_message(res, 429, "Too Many Requests");
      }
      switch (state.next_injection()) {
        case Injection::too_many_requests:
          res.set_header("Retry-After", "1");
          return send_message(res, 429, "Too Many Requests");
        case Injection::server_error:
          return send_message(res, 500, "Internal Server Error");
        case Injection::malformed:
          endpoint(req, res);
          res.body.resize(res.body.size() / 2);
          return;
        case Injection::none:
          break;
      }
      endpoint(req, res);
    };
  }

  void serve_list(Type type, const httplib::Request& req, httplib::Response& res) {
    {
      const std::lock_guard lock(m_log_mutex);
      m_list_targets.push_back(req.target);
    }
    std::string error;
    const ListQuery query = parse_list_query(req, error);
    if (!error.empty()) return send_invalid(res, 422, error);
    auto result = m_dataset.list(type, query, error);
    if (!result) return send_invalid(res, 422, error);

    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    // Side-loaded collections sit beside the records (they are not records of this type).
    if (type == Type::contact) {
      write_key(w, "scoreValues");
      w.StartArray();
      w.EndArray();
    }
    // Custom field values come along when asked (include=fieldValues), for this page's contacts.
    if (type == Type::contact && req.get_param_value("include").find("fieldValues") != std::string::npos) {
      std::vector<std::int64_t> ids;
      for (const auto& record : result->records) ids.push_back(record.id);
      activecampaign::write_field_values(w, m_seed, ids);
    }
    write_key(w, activecampaign::resource_name(type));
    w.StartArray();
    for (const auto& record : result->records) {
      const std::string json = activecampaign::record_json(record);
      w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    }
    w.EndArray();
    if (type == Type::deal_group) {
      // A pipeline's stages come along, as the real list side-loads them.
      write_key(w, "dealStages");
      w.StartArray();
      auto stages = m_dataset.all(Type::deal_stage);
      for (const auto& group : result->records)
        for (const auto& stage : stages)
          if (stage.field("group")->text == std::to_string(group.id)) {
            const std::string json = activecampaign::record_json(stage);
            w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
          }
      w.EndArray();
    }
    write_key(w, "meta");
    w.StartObject();
    // A string, as AC sends it; off by --activecampaign-total-offset to imitate records added meanwhile.
    write_string_field(w, "total", std::to_string(result->total + m_total_offset));
    write_key(w, "page_input");
    w.StartObject();
    write_int_field(w, "limit", query.limit);
    write_int_field(w, "offset", query.offset);
    w.EndObject();
    w.EndObject();
    w.EndObject();
    send_body(res, 200, std::string(buffer.GetString(), buffer.GetSize()));

    // Contacts change between the pages of an export when asked to.
    if (type == Type::contact && m_churn_every > 0 && ++m_contact_lists % m_churn_every == 0)
      m_dataset.churn_contacts();
  }

  Dataset m_dataset;
  activecampaign::CustomFields m_custom_fields;
  FieldEdits m_field_edits;
  std::uint64_t m_seed;
  std::int64_t m_churn_every;
  std::int64_t m_total_offset = 0;  // --activecampaign-total-offset
  std::atomic<std::int64_t> m_contact_lists{0};
  RateLimiter m_limiter;
  std::mutex m_log_mutex;
  std::vector<std::string> m_list_targets;  // each list request as sent (path and query)
};

}  // namespace

std::unique_ptr<FakeProvider> make_activecampaign_provider(const FakeOptions& options) {
  return std::make_unique<ActiveCampaignProvider>(options);
}

}  // namespace crm_fake
