#include "tests/fake/keap_provider.hpp"

#include "tests/fake/keap_custom_fields.hpp"

#include "tests/fake/fake_random.hpp"
#include "tests/fake/json_util.hpp"
#include "tests/fake/oauth_fake.hpp"
#include "tests/fake/text_gen.hpp"
#include "tests/fake/time_format.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <charconv>
#include <fstream>
#include <optional>
#include <set>
#include <stdexcept>

namespace crm_fake {
namespace {

enum class KeapType { contact, company, opportunity, note, stage };
enum class Version { v1, v2 };

constexpr KeapType k_all_types[] = {KeapType::contact, KeapType::company, KeapType::opportunity, KeapType::note,
                                    KeapType::stage};
// Pipelines have a handful of stages, whatever the account's size.
constexpr std::int64_t k_stage_count = 7;
// v2 lists cap page_size at 1000 (spec); v1's cap is unconfirmed, so it is clamped quietly there.
constexpr std::int64_t k_v2_max_page_size = 1000;
constexpr std::int64_t k_v1_max_limit = 1000;
constexpr EpochSeconds k_first = 1672531200;  // 2023-01-01
constexpr EpochSeconds k_last = 1767225599;   // 2025-12-31T23:59:59

std::string collection(KeapType t) {
  switch (t) {
    case KeapType::contact:
      return "contacts";
    case KeapType::company:
      return "companies";
    case KeapType::opportunity:
      return "opportunities";
    case KeapType::note:
      return "notes";
    case KeapType::stage:
      return "stages";
  }
  return "";
}

struct Times {
  EpochSeconds created;
  EpochSeconds updated;
};

Times times_of(std::uint64_t seed, KeapType t, std::int64_t id) {
  Rng rng(seed, 900 + static_cast<std::uint64_t>(t), static_cast<std::uint64_t>(id));
  const EpochSeconds updated = rng.between(k_first, k_last);
  return {rng.between(k_first, updated), updated};
}

// Keap v2 carries ids as strings, v1 as numbers (spec; KP-V1).
void write_id(JsonWriter& w, std::string_view key, Version v, std::int64_t id) {
  write_key(w, key);
  if (v == Version::v2)
    write_string(w, std::to_string(id));
  else
    w.Int64(id);
}

class Dataset {
 public:
  Dataset(std::uint64_t seed, std::int64_t records) : m_seed(seed), m_records(records) {}
  std::int64_t count(KeapType t) const { return t == KeapType::stage ? k_stage_count : m_records; }
  Times times(KeapType t, std::int64_t id) const { return times_of(m_seed, t, id); }

  // `fields`: the v2 `fields` parameter's names (nullptr: every field, as the dump has them).
  // `custom`: custom_fields asked for (v2 `fields`, v1 `optional_properties`); the dump has them.
  void write(JsonWriter& w, KeapType t, Version v, std::int64_t id, const std::set<std::string>* fields = nullptr,
             bool custom = true) const {
    Rng rng(m_seed, 950 + static_cast<std::uint64_t>(t), static_cast<std::uint64_t>(id));
    const Times tm = times(t, id);
    const bool v2 = v == Version::v2;
    w.StartObject();
    write_id(w, "id", v, id);
    switch (t) {
      case KeapType::contact: {
        // v2 `fields` is the list of properties to include (spec: listContacts), read here as the
        // strictest reading allows: only those are written, so a client that forgets one loses it
        // and the conformance test sees it. Without `fields`, every property. Values are drawn
        // either way, as for companies.
        auto want = [&](std::string_view field) {
          return !v2 || !fields || fields->empty() || fields->contains(std::string(field));
        };
        const PersonName name = person_name(rng);
        const std::string email = email_address(name.ascii_slug, rng);
        const auto phone = rng.percent(70) ? std::optional(phone_number(rng)) : std::nullopt;
        const std::int64_t company = m_records > 0 ? rng.between(1, m_records) : 0;
        const std::string company_label = m_records > 0 ? company_name(rng) : std::string();
        const std::int64_t owner = rng.between(1, 5);
        if (want("given_name")) write_string_field(w, "given_name", name.first);
        if (want("family_name")) write_string_field(w, "family_name", name.last);
        if (want("email_addresses")) {
          write_key(w, "email_addresses");
          w.StartArray();
          w.StartObject();
          write_string_field(w, "email", email);
          write_string_field(w, "field", "EMAIL1");
          w.EndObject();
          w.EndArray();
        }
        if (want("phone_numbers")) {
          write_key(w, "phone_numbers");
          w.StartArray();
          if (phone) {
            w.StartObject();
            write_string_field(w, "number", *phone);
            write_string_field(w, "field", "PHONE1");
            w.EndObject();
          }
          w.EndArray();
        }
        if (m_records > 0 && want("company")) {
          write_key(w, "company");
          w.StartObject();
          write_id(w, "id", v, company);
          write_string_field(w, "company_name", company_label);
          w.EndObject();
        }
        if (want("owner_id")) write_id(w, "owner_id", v, owner);
        if (want("create_time")) write_string_field(w, v2 ? "create_time" : "date_created", format_iso_utc(tm.created));
        if (want("update_time")) write_string_field(w, v2 ? "update_time" : "last_updated", format_iso_utc(tm.updated));
        break;
      }
      case KeapType::company: {
        // v2 leaves these out unless `fields` names them (spec: listCompanies `fields`); the
        // values are drawn either way, so a record's content never depends on the request.
        auto want = [&](std::string_view field) { return !v2 || !fields || fields->contains(std::string(field)); };
        const std::string name = company_name(rng);
        const std::string email = email_address("info", rng);
        const std::string phone = phone_number(rng);
        const auto notes = rng.percent(30) ? std::optional(short_free_text(rng)) : std::nullopt;
        write_string_field(w, "company_name", name);
        if (want("email_address")) {
          write_key(w, "email_address");
          w.StartObject();
          write_string_field(w, "email", email);
          write_string_field(w, "field", "EMAIL1");
          w.EndObject();
        }
        if (want("phone_number")) {
          write_key(w, "phone_number");
          w.StartObject();
          write_string_field(w, "number", phone);
          write_string_field(w, "type", "Work");
          w.EndObject();
        }
        if (want("notes")) write_optional_string_field(w, "notes", notes);
        if (want("create_time")) write_string_field(w, v2 ? "create_time" : "date_created", format_iso_utc(tm.created));
        if (want("update_time")) write_string_field(w, v2 ? "update_time" : "last_updated", format_iso_utc(tm.updated));
        break;
      }
      case KeapType::opportunity: {
        const PersonName name = person_name(rng);
        const std::string company = company_name(rng);
        write_string_field(w, "opportunity_title", deal_title(company, rng));
        write_key(w, "contact");
        w.StartObject();
        write_id(w, "id", v, m_records > 0 ? rng.between(1, m_records) : 0);
        write_string_field(w, "first_name", name.first);
        write_string_field(w, "last_name", name.last);
        write_string_field(w, "email", email_address(name.ascii_slug, rng));
        write_string_field(w, "company_name", company);
        w.EndObject();
        write_key(w, "stage");
        w.StartObject();
        const std::int64_t stage = rng.between(1, k_stage_count);
        write_id(w, "id", v, stage);
        write_string_field(w, "name", stage_name(stage));
        w.EndObject();
        write_key(w, "user");
        w.StartObject();
        write_id(w, "id", v, rng.between(1, 5));
        write_string_field(w, "first_name", "Ada");
        write_string_field(w, "last_name", "Lovelace");
        w.EndObject();
        const std::int64_t low = rng.between(0, 1000000);
        write_key(w, "projected_revenue_low");
        write_hundredths(w, low);
        write_key(w, "projected_revenue_high");
        write_hundredths(w, low + rng.between(0, 500000));
        write_bool_field(w, "include_in_forecast", rng.percent(50));
        write_string_field(w, "opportunity_notes", short_free_text(rng));
        write_string_field(w, v2 ? "created_time" : "date_created", format_iso_utc(tm.created));
        write_string_field(w, v2 ? "last_updated_time" : "last_updated", format_iso_utc(tm.updated));
        break;
      }
      case KeapType::note: {
        const PersonName name = person_name(rng);
        write_string_field(w, "title", fmt::format("Call with {}", name.first));
        write_string_field(w, "body", note_html(name.first, rng));
        write_string_field(w, "type", rng.percent(50) ? "Call" : "Email");
        write_id(w, "contact_id", v, m_records > 0 ? rng.between(1, m_records) : 0);
        write_string_field(w, v2 ? "create_time" : "date_created", format_iso_utc(tm.created));
        write_string_field(w, v2 ? "update_time" : "last_updated", format_iso_utc(tm.updated));
        break;
      }
      case KeapType::stage: {
        write_string_field(w, "name", stage_name(id));
        write_int_field(w, "order", id);
        write_int_field(w, "probability", std::min<std::int64_t>(100, id * 15));
        write_int_field(w, "target_number_days", rng.between(1, 30));
        write_key(w, "checklist_items");
        w.StartArray();
        w.EndArray();
        write_string_field(w, "created_time", format_iso_utc(tm.created));
        write_string_field(w, "updated_time", format_iso_utc(tm.updated));
        break;
      }
    }
    if (custom && keap::has_custom_fields(collection(t))) keap::write_custom_fields(w, collection(t), v2, m_seed, id);
    w.EndObject();
  }

 private:
  std::uint64_t m_seed;
  std::int64_t m_records;
};

std::optional<std::int64_t> to_int(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

void send_json(httplib::Response& res, int status, const rapidjson::StringBuffer& body) {
  res.status = status;
  res.set_content(body.GetString(), body.GetSize(), "application/json");
}

// The application's error envelope (spec: Error).
void send_error(httplib::Response& res, int status, std::string_view status_name, std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_int_field(w, "code", status);
  write_string_field(w, "message", message);
  write_string_field(w, "status", status_name);
  w.EndObject();
  send_json(res, status, buffer);
}

// The Apigee gateway's rejection (FACTS Keap §6).
void send_fault(httplib::Response& res, int status, std::string_view faultstring, std::string_view errorcode) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_key(w, "fault");
  w.StartObject();
  write_string_field(w, "faultstring", faultstring);
  write_key(w, "detail");
  w.StartObject();
  write_string_field(w, "errorcode", errorcode);
  w.EndObject();
  w.EndObject();
  w.EndObject();
  send_json(res, status, buffer);
}

// A v2 time filter: `field==time` pairs joined by ';' (FACTS Keap §5). Lower bound inclusive.
struct TimeWindow {
  std::optional<EpochSeconds> from;
  std::optional<EpochSeconds> until;
};

std::optional<TimeWindow> parse_filter(KeapType t, const std::string& filter, std::string& error) {
  TimeWindow window;
  const std::string from_field = t == KeapType::contact ? "start_update_time" : "since_time";
  const std::string until_field = t == KeapType::contact ? "end_update_time" : "until_time";
  std::string_view rest = filter;
  while (!rest.empty()) {
    const auto semi = rest.find(';');
    const std::string_view part = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    const auto eq = part.find("==");
    if (eq == std::string_view::npos) {
      error = fmt::format("Invalid filter: '{}'", part);
      return std::nullopt;
    }
    const std::string field(part.substr(0, eq));
    const std::string_view value = part.substr(eq + 2);
    const bool time_field = (field == from_field || field == until_field) &&
                            (t == KeapType::contact || t == KeapType::company || t == KeapType::note);
    if (!time_field) continue;  // other filters are real but irrelevant to the export: all match
    auto time = parse_rfc3339_ceil(value);
    if (!time) {
      error = fmt::format("Invalid date-time for {}: '{}'", field, value);
      return std::nullopt;
    }
    (field == from_field ? window.from : window.until) = *time;
  }
  return window;
}

class KeapProvider final : public FakeProvider {
 public:
  explicit KeapProvider(const FakeOptions& options)
      : m_options(options), m_dataset(options.seed, options.records), m_oauth(keap_oauth_config(), options) {}

  std::string prefix() const override { return "/keap"; }

  void register_routes(httplib::Server& server, ServerState& state) override {
    m_oauth.register_routes(server, state);
    m_field_edits.register_routes(server, "keap",
                                  [](const std::string& type, const std::string& key, const std::string* option) {
                                    return keap::has_custom_field(type, key, option);
                                  });
    const std::string p = prefix();
    server.Get(p + "/crm/rest/v2/opportunities/stages",
               guarded(state, [this](const auto& req, auto& res) { serve_v2(KeapType::stage, req, res); }));
    // Custom field definitions (the model endpoints), before the lists' pattern takes "model".
    server.Get(p + "/crm/rest/(v1|v2)/(contacts|companies|opportunities)/model",
               guarded(state, [this](const auto& req, auto& res) {
                 rapidjson::StringBuffer buffer;
                 JsonWriter w(buffer);
                 keap::write_model(w, req.matches[2].str(), req.matches[1].str() == "v2", &m_field_edits);
                 send_json(res, 200, buffer);
               }));
    server.Get(p + "/crm/rest/v2/([a-z]+)", guarded(state, [this](const auto& req, auto& res) {
                 auto type = type_named(req.matches[1].str());
                 if (!type || *type == KeapType::stage) return send_error(res, 404, "NOT_FOUND", "Not Found");
                 serve_v2(*type, req, res);
               }));
    server.Get(p + "/crm/rest/v1/([a-z]+)", guarded(state, [this](const auto& req, auto& res) {
                 auto type = type_named(req.matches[1].str());
                 if (!type || *type == KeapType::stage) return send_error(res, 404, "NOT_FOUND", "Not Found");
                 serve_v1(*type, req, res);
               }));
  }

  void dump(const std::filesystem::path& dir) const override {
    const auto root = dir / "keap";
    std::filesystem::create_directories(root / "v1");
    for (const KeapType t : k_all_types) {
      dump_type(t, Version::v2, root / (collection(t) + ".ndjson"));
      if (t != KeapType::stage) dump_type(t, Version::v1, root / "v1" / (collection(t) + ".ndjson"));
    }
    std::filesystem::create_directories(root / "fields");
    for (const char* type : {"contacts", "companies", "opportunities"}) {
      std::ofstream out(root / "fields" / fmt::format("{}.ndjson", type), std::ios::binary);
      rapidjson::StringBuffer buffer;
      JsonWriter w(buffer);
      keap::write_model(w, type, true);
      out << buffer.GetString() << '\n';
    }
  }

 private:
  using Endpoint = std::function<void(const httplib::Request&, httplib::Response&)>;

  static std::optional<KeapType> type_named(const std::string& name) {
    for (const KeapType t : k_all_types)
      if (collection(t) == name) return t;
    return std::nullopt;
  }

  // Auth (static key or OAuth access token), throttle headers, burst limit, injected failures.
  httplib::Server::Handler guarded(ServerState& state, Endpoint endpoint) {
    return [this, &state, endpoint = std::move(endpoint)](const httplib::Request& req, httplib::Response& res) {
      state.apply_latency();
      std::string key;
      if (req.has_header("X-Keap-API-Key")) {
        key = req.get_header_value("X-Keap-API-Key");
        if (key != m_options.token)
          return send_fault(res, 401, "Invalid API Key", "keymanagement.service.invalid_access_token");
      } else if (req.has_header("Authorization") && req.get_header_value("Authorization").starts_with("Bearer ")) {
        key = req.get_header_value("Authorization").substr(7);
        if (m_oauth.access_expired(key))
          return send_fault(res, 401, "Access Token expired", "keymanagement.service.access_token_expired");
        if (!m_oauth.access_valid(key))
          return send_fault(res, 401, "Invalid Access Token", "keymanagement.service.invalid_access_token");
      } else {
        return send_fault(res, 401, "Invalid access token", "oauth.v2.InvalidAccessToken");
      }
      const RateDecision decision = state.admit(key);
      res.set_header("x-keap-product-throttle-limit", std::to_string(decision.limit));
      res.set_header("x-keap-product-throttle-available", std::to_string(decision.remaining));
      res.set_header("x-keap-product-throttle-time-unit", "second");
      res.set_header("x-keap-product-throttle-interval", "2");
      res.set_header("x-keap-product-quota-limit", "150000");
      res.set_header("x-keap-product-quota-available", "149000");
      res.set_header("x-keap-product-quota-time-unit", "day");
      if (!decision.allowed) {
        state.count_throttled();
        return send_fault(res, 429, "Rate limit quota violation. Quota limit exceeded.",
                          "policies.ratelimit.QuotaViolation");
      }
      switch (state.next_injection()) {
        case Injection::too_many_requests:
          res.set_header("x-keap-product-throttle-available", "0");
          return send_fault(res, 429, "Spike arrest violation.", "policies.ratelimit.SpikeArrestViolation");
        case Injection::server_error:
          return send_error(res, 500, "INTERNAL", "Internal Server Error");
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

  // What the v1 reference (KP-V1: {Contact,Company,Opportunity,Note}Api.md) lists for `order` on
  // each list; nullptr where the list takes no `order` (notes). Only contacts and companies take
  // `order_direction`.
  static const std::vector<std::string_view>* v1_orders(KeapType t) {
    static const std::vector<std::string_view> contacts{"id", "date_created", "name", "email"};
    static const std::vector<std::string_view> companies{"id", "date_created", "name"};
    static const std::vector<std::string_view> opportunities{"next_action", "opportunity_name", "contact_name",
                                                             "date_created"};
    switch (t) {
      case KeapType::contact:
        return &contacts;
      case KeapType::company:
        return &companies;
      case KeapType::opportunity:
        return &opportunities;
      default:
        return nullptr;
    }
  }

  // `ids` as a v1 list orders them for `order`: by creation (then id) for date_created, else by
  // id (the order of a list asked for none, assumed; this fake sorts by no name).
  void v1_sort(KeapType t, std::vector<std::int64_t>& ids, std::string_view order, bool descending) const {
    if (order == "date_created")
      std::ranges::stable_sort(ids, {}, [&](std::int64_t id) { return m_dataset.times(t, id).created; });
    if (descending) std::ranges::reverse(ids);
  }

  // The ids of `t` matching `window`, in id order.
  std::vector<std::int64_t> ids(KeapType t, const TimeWindow& window) const {
    std::vector<std::int64_t> out;
    for (std::int64_t id = 1; id <= m_dataset.count(t); ++id) {
      const auto updated = m_dataset.times(t, id).updated;
      if (window.from && updated < *window.from) continue;
      if (window.until && updated > *window.until) continue;
      out.push_back(id);
    }
    return out;
  }

  void serve_v2(KeapType t, const httplib::Request& req, httplib::Response& res) const {
    std::int64_t page_size = k_v2_max_page_size;  // default unconfirmed: the cap is the least surprising
    if (req.has_param("page_size")) {
      auto asked = to_int(req.get_param_value("page_size"));
      if (!asked || *asked < 0 || *asked > k_v2_max_page_size)
        return send_error(res, 400, "INVALID_ARGUMENT", "page_size must be between 0 and 1000");
      if (*asked > 0) page_size = *asked;
    }
    std::string error;
    auto window = parse_filter(t, req.get_param_value("filter"), error);
    if (!window) return send_error(res, 400, "INVALID_ARGUMENT", error);
    std::int64_t offset = 0;
    if (const std::string token = req.get_param_value("page_token"); !token.empty()) {
      auto decoded = base64_decode(token);
      auto parsed = decoded && decoded->starts_with("o:") ? to_int(decoded->substr(2)) : std::nullopt;
      if (!parsed || *parsed < 0) return send_error(res, 400, "INVALID_ARGUMENT", "Invalid page_token");
      offset = *parsed;
    }
    const auto matching = ids(t, *window);
    const auto begin = std::min<std::size_t>(static_cast<std::size_t>(offset), matching.size());
    const auto end = std::min<std::size_t>(begin + static_cast<std::size_t>(page_size), matching.size());
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_key(w, collection(t));
    w.StartArray();
    // Companies answer without their optional fields unless `fields` asks for them; empty asks for
    // none. Contacts answer with the properties `fields` names; empty: all of them.
    std::set<std::string> fields;
    const std::string asked_fields = req.get_param_value("fields");
    for (std::string_view rest = asked_fields; !rest.empty();) {
      const auto comma = rest.find(',');
      fields.emplace(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    for (std::size_t i = begin; i < end; ++i)
      m_dataset.write(w, t, Version::v2, matching[i], &fields, fields.contains("custom_fields"));
    w.EndArray();
    // The last page carries an empty token.
    write_string_field(w, "next_page_token",
                       end < matching.size() ? base64url_encode(fmt::format("o:{}", end)) : std::string());
    w.EndObject();
    send_json(res, 200, buffer);
  }

  void serve_v1(KeapType t, const httplib::Request& req, httplib::Response& res) const {
    std::int64_t limit = 1000;
    std::int64_t offset = 0;
    if (req.has_param("limit")) {
      auto asked = to_int(req.get_param_value("limit"));
      if (!asked || *asked < 1) return send_error(res, 400, "Bad Request", "Invalid limit");
      limit = std::min(*asked, k_v1_max_limit);
    }
    if (req.has_param("offset")) {
      auto asked = to_int(req.get_param_value("offset"));
      if (!asked || *asked < 0) return send_error(res, 400, "Bad Request", "Invalid offset");
      offset = *asked;
    }
    // v1 contacts take `since`/`until` on last_updated (KP-V1; FACTS Keap §5); other lists ignore them.
    TimeWindow window;
    if (t == KeapType::contact) {
      for (const char* name : {"since", "until"}) {
        if (!req.has_param(name)) continue;
        auto time = parse_rfc3339_ceil(req.get_param_value(name));
        if (!time) return send_error(res, 400, "Bad Request", fmt::format("Invalid {}", name));
        (std::string_view(name) == "since" ? window.from : window.until) = *time;
      }
    }
    // A value outside a documented list is refused, as the API's enum conversion refuses it; a
    // parameter a list does not take is ignored, as unknown parameters are (assumed).
    std::string order;
    if (const auto* orders = v1_orders(t); orders && req.has_param("order")) {
      order = req.get_param_value("order");
      if (std::ranges::find(*orders, order) == orders->end())
        return send_error(res, 400, "Bad Request", fmt::format("Invalid order: {}", order));
    }
    bool descending = false;
    if ((t == KeapType::contact || t == KeapType::company) && req.has_param("order_direction")) {
      const auto direction = req.get_param_value("order_direction");
      if (direction != "ascending" && direction != "descending")
        return send_error(res, 400, "Bad Request", fmt::format("Invalid order_direction: {}", direction));
      descending = direction == "descending";
    }
    auto matching = ids(t, window);
    v1_sort(t, matching, order, descending);
    const auto total = static_cast<std::int64_t>(matching.size());
    const std::int64_t end = std::min(total, offset + limit);
    const std::string base = fmt::format("http://{}/keap/crm/rest/v1/{}", req.get_header_value("Host"), collection(t));
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_key(w, collection(t));
    w.StartArray();
    const bool custom = req.get_param_value("optional_properties").find("custom_fields") != std::string::npos;
    for (std::int64_t i = offset; i < end; ++i)
      m_dataset.write(w, t, Version::v1, matching[static_cast<std::size_t>(i)], nullptr, custom);
    w.EndArray();
    write_int_field(w, "count", total);
    write_string_field(w, "next", fmt::format("{}?limit={}&offset={}", base, limit, end));
    write_string_field(w, "previous",
                       fmt::format("{}?limit={}&offset={}", base, limit, std::max<std::int64_t>(0, offset - limit)));
    w.EndObject();
    send_json(res, 200, buffer);
  }

  void dump_type(KeapType t, Version v, const std::filesystem::path& file) const {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
    rapidjson::StringBuffer buffer;
    // In the order crmexport asks a v1 list for (opportunities by creation, docs/providers/keap.md).
    auto all = ids(t, TimeWindow{});
    if (v == Version::v1 && t == KeapType::opportunity) v1_sort(t, all, "date_created", false);
    for (const std::int64_t id : all) {
      buffer.Clear();
      JsonWriter w(buffer);
      m_dataset.write(w, t, v, id);
      out.write(buffer.GetString(), static_cast<std::streamsize>(buffer.GetSize()));
      out.put('\n');
    }
    if (!out.flush()) throw std::runtime_error(fmt::format("failed writing {}", file.string()));
  }

  const FakeOptions& m_options;
  Dataset m_dataset;
  OAuthFake m_oauth;
  FieldEdits m_field_edits;
};

}  // namespace

std::unique_ptr<FakeProvider> make_keap_provider(const FakeOptions& options) {
  return std::make_unique<KeapProvider>(options);
}

}  // namespace crm_fake
