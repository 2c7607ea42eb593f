#include "tests/fake/activecampaign_provider.hpp"

#include "tests/fake/activecampaign_custom_fields.hpp"
#include "tests/fake/activecampaign_fields.hpp"
#include "tests/fake/activecampaign_types.hpp"
#include "tests/fake/json_util.hpp"
#include "tests/fake/object_store.hpp"
#include "tests/fake/table_admin_routes.hpp"

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

using table::ListQuery;

// 5 requests a second per account, whatever the key (FACTS ActiveCampaign §4).
constexpr int k_requests_per_second = 5;
constexpr std::string_view k_json = "application/json";
constexpr std::int64_t k_max_limit = 100;  // FACTS §3: larger limits are capped
constexpr std::int64_t k_default_limit = 20;

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
// limit, offset and id_greater must be whole numbers on every list, whether or not it uses them.
ListQuery parse_list_query(const httplib::Request& req, std::string& error) {
  ListQuery query;
  std::optional<std::string> id_greater;  // the last one given counts
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
      query.filters.emplace_back(key, value);
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
      if (key == "id_greater") id_greater = value;
    }
  }
  if (id_greater) query.filters.emplace_back("id_greater", *id_greater);
  return query;
}

// Limits are capped, never refused; id_greater was checked as it was parsed: what is left is a
// filter's date.
std::string refusal(const table::ListError& error) {
  if (error.kind == table::ListError::Kind::bad_time)
    return fmt::format("{} must be a date, not '{}'", error.param, error.value);
  return fmt::format("{} must be a whole number", error.param);
}

class ActiveCampaignProvider final : public FakeProvider {
 public:
  explicit ActiveCampaignProvider(const FakeOptions& options)
      : m_store(activecampaign::object_types(), options.seed, options.records),
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
                 activecampaign::write_fields_page(
                     w, query.offset, std::clamp<std::int64_t>(limit_of(query), 0, k_max_limit), m_field_edits);
                 send_body(res, 200, std::string(buffer.GetString(), buffer.GetSize()));
               }));
    m_total_offset = state.options().activecampaign_total_offset;
    register_custom_fields(server, state, p);
    m_field_edits.register_routes(
        server, "activecampaign", [](const std::string& type, const std::string& key, const std::string* option) {
          if (type == "contacts") return activecampaign::has_contact_field(key, option);
          if (type != "deals" && type != "accounts") return false;
          return activecampaign::CustomFields::has_field(
              type == "deals" ? activecampaign::CustomObject::deal : activecampaign::CustomObject::account, key,
              option);
        });
    server.Get(p + "/([A-Za-z]+)", guarded(state, [this](const httplib::Request& req, httplib::Response& res) {
                 const table::ObjectType* row = m_store.row_at("3", req.matches[1].str());
                 if (!row) return send_message(res, 404, "No Result found for route");
                 serve_list(*row, req, res);
               }));
    server.Get(prefix() + "/.*", [](const httplib::Request&, httplib::Response& res) {
      send_body(res, 404, R"({"errors":[{"status":404,"title":"Not Found"}]})");
    });
    // Admin (loopback tests only): change contacts now, read what changed, and the list requests
    // as they arrived (to check the query crmexport built).
    server.Post("/_activecampaign/churn", [this](const httplib::Request&, httplib::Response& res) {
      churn_contacts();
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
      const auto changes = m_store.changes(contacts());
      rapidjson::StringBuffer buffer;
      JsonWriter w(buffer);
      w.StartObject();
      write_int_array(w, "inserted", changes.inserted);
      write_int_array(w, "deleted", changes.deleted);
      w.EndObject();
      send_body(res, 200, std::string(buffer.GetString(), buffer.GetSize()));
    });
    // Add, modify and delete any type's records, and dump the account as it is now.
    table::register_admin_routes(server, table::Provider::activecampaign, m_store,
                                 [this](const std::filesystem::path& dir) { dump(dir); });
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
          const auto limit = std::clamp<std::int64_t>(limit_of(query), 0, k_max_limit);
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
        m_store.ids(*m_store.row(object == activecampaign::CustomObject::deal ? "deals" : "accounts")).size());
  }

  const table::ObjectType& contacts() const { return *m_store.row("contacts"); }

  static std::int64_t limit_of(const ListQuery& query) { return query.limit.value_or(k_default_limit); }

  // Deletes the lowest-id contact and one from the middle, and inserts two new ones (higher ids),
  // at generated times: what other users do to the account while an export runs.
  void churn_contacts() {
    for (int deletion = 0; deletion < 2; ++deletion) {
      const auto ids = m_store.ids(contacts());
      if (ids.empty()) break;
      m_store.remove(contacts(), ids[deletion == 0 ? 0 : ids.size() / 2]);
    }
    for (int insertion = 0; insertion < 2; ++insertion) m_store.add(contacts(), std::nullopt);
  }

  void dump(const std::filesystem::path& dir) const override {
    const auto root = dir / "activecampaign";
    m_store.dump(dir);
    // The contact fields (with their options) and each contact's side-loaded values, one line each.
    std::filesystem::create_directories(root / "fields");
    std::ofstream fields(root / "fields" / "contacts.ndjson", std::ios::binary);
    for (const auto& line : activecampaign::field_lines()) fields << line << '\n';
    const std::vector<std::int64_t> ids = m_store.ids(contacts());
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

  void serve_list(const table::ObjectType& row, const httplib::Request& req, httplib::Response& res) {
    {
      const std::lock_guard lock(m_log_mutex);
      m_list_targets.push_back(req.target);
    }
    std::string error;
    const ListQuery query = parse_list_query(req, error);
    if (!error.empty()) return send_invalid(res, 422, error);
    auto page = m_store.list(row, query);
    if (!page) return send_invalid(res, 422, refusal(page.error()));

    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    const auto [before, after] = m_store.side_loads(row, *page);
    for (const auto& side_loaded : before) table::write_side_loaded(w, side_loaded);
    const bool is_contacts = &row == &contacts();
    // Custom field values come along when asked (include=fieldValues), for this page's contacts.
    if (is_contacts && req.get_param_value("include").find("fieldValues") != std::string::npos) {
      std::vector<std::int64_t> ids;
      for (const auto& record : page->records) ids.push_back(record.id);
      activecampaign::write_field_values(w, m_seed, ids);
    }
    table::write_records(w, row, *page);
    for (const auto& side_loaded : after) table::write_side_loaded(w, side_loaded);
    // Off by --activecampaign-total-offset to imitate records added meanwhile.
    page->total += m_total_offset;
    table::write_paging(w, row, *page, "");
    w.EndObject();
    send_body(res, 200, std::string(buffer.GetString(), buffer.GetSize()));

    // Contacts change between the pages of an export when asked to.
    if (is_contacts && m_churn_every > 0 && ++m_contact_lists % m_churn_every == 0) churn_contacts();
  }

  table::Store m_store;
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
