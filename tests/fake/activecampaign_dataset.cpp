#include "tests/fake/activecampaign_dataset.hpp"

#include "tests/fake/fake_random.hpp"
#include "tests/fake/json_util.hpp"
#include "tests/fake/text_gen.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace crm_fake::activecampaign {
namespace {

constexpr std::int64_t k_max_limit = 100;  // FACTS ActiveCampaign §3: larger limits are capped
// AC renders times in the account's zone with its offset; this account is in US Eastern (EST).
constexpr std::int64_t k_zone_offset = -5 * 3600;

std::string ac_time(EpochSeconds t) {
  std::string text = format_iso_utc(t + k_zone_offset);
  text.pop_back();  // the Z
  return text + "-05:00";
}

std::optional<EpochSeconds> parse_filter_time(std::string_view text) {
  if (auto t = parse_rfc3339_ceil(text)) return t;
  return parse_date(text);
}

std::optional<std::int64_t> as_int(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The fields behind the date filters (FACTS §5): contacts and deals only.
std::optional<std::string> date_field(Type type, std::string_view filter) {
  const bool updated = filter.starts_with("updated_");
  if (type == Type::contact) return updated ? "udate" : "cdate";
  if (type == Type::deal) return updated ? "mdate" : "cdate";
  return std::nullopt;
}

struct Builder {
  Record record;
  void text(std::string key, std::string value) { record.fields.push_back({std::move(key), std::move(value), ""}); }
  void null(std::string key) { record.fields.push_back({std::move(key), std::nullopt, ""}); }
  void raw(std::string key, std::string json) {
    record.fields.push_back({std::move(key), std::nullopt, std::move(json)});
  }
  void links(std::string_view resource, std::initializer_list<std::string_view> names) {
    std::string json = "{";
    for (auto name : names) {
      if (json.size() > 1) json += ",";
      json += fmt::format(R"("{}":"https://fake.api-us1.com/api/3/{}/{}/{}")", name, resource, record.id, name);
    }
    raw("links", json + "}");
  }
};

}  // namespace

std::string resource_name(Type type) {
  switch (type) {
    case Type::contact:
      return "contacts";
    case Type::deal:
      return "deals";
    case Type::account:
      return "accounts";
    case Type::note:
      return "notes";
    case Type::deal_group:
      return "dealGroups";
    case Type::deal_stage:
      return "dealStages";
  }
  return "";
}

std::string dump_name(Type type) {
  if (type == Type::deal_group) return "pipelines";
  if (type == Type::deal_stage) return "stages";
  return resource_name(type);
}

std::optional<Type> type_from_resource(std::string_view resource) {
  for (Type type : k_all_types)
    if (resource_name(type) == resource) return type;
  return std::nullopt;
}

const Field* Record::field(std::string_view key) const {
  for (const auto& f : fields)
    if (f.key == key) return &f;
  return nullptr;
}

std::string record_json(const Record& record) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  for (const auto& f : record.fields) {
    write_key(w, f.key);
    if (!f.raw.empty())
      w.RawValue(f.raw.data(), f.raw.size(), rapidjson::kObjectType);
    else
      write_optional_string(w, f.text);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Dataset::Dataset(std::uint64_t seed, std::int64_t records) : m_seed(seed), m_count(records) {
  for (Type type : k_all_types) {
    auto& of_type = m_records[type];  // present even when empty: --records 0 is an empty account
    for (std::int64_t id = 1; id <= records; ++id) of_type.emplace(id, make_record(type, id));
  }
  m_next_contact_id = records + 1;
}

Record Dataset::make_record(Type type, std::int64_t id) const {
  Rng rng(m_seed, 0xac00 + static_cast<std::uint64_t>(type), static_cast<std::uint64_t>(id));
  const EpochSeconds created = epoch_from_civil(2023, 1, 1) + rng.between(0, 3 * 365 * 86400);
  // A quarter of the updates share a few "bulk edit" seconds, so orders by date have ties.
  const EpochSeconds updated = rng.percent(25)
                                   ? std::max(created, epoch_from_civil(2025, 6, 1) + rng.between(0, 3) * 3600)
                                   : created + rng.between(0, 200 * 86400);
  const std::int64_t others = std::max<std::int64_t>(m_count, 1);
  Builder b;
  b.record.id = id;
  const std::string id_text = std::to_string(id);
  switch (type) {
    case Type::contact: {
      const PersonName name = person_name(rng);
      b.text("cdate", ac_time(created));
      b.text("email", email_address(name.ascii_slug, rng));
      b.text("phone", rng.percent(70) ? phone_number(rng) : "");
      b.text("firstName", name.first);
      b.text("lastName", name.last);
      b.text("orgid", std::to_string(rng.between(0, others)));
      b.text("orgname", "");
      b.text("deleted", "0");
      b.text("anonymized", "0");
      b.text("score", std::to_string(rng.between(0, 100)));
      b.text("udate", ac_time(updated));
      b.text("created_timestamp", format_sql_utc(created + k_zone_offset));
      b.text("updated_timestamp", format_sql_utc(updated + k_zone_offset));
      b.raw("scoreValues", "[]");
      b.links("contacts", {"bounceLogs", "contactAutomations", "contactData", "contactGoals", "contactLists",
                           "contactLogs", "contactTags", "contactDeals", "deals", "fieldValues", "notes"});
      b.text("id", id_text);
      b.null("organization");
      break;
    }
    case Type::deal: {
      const std::string company = company_name(rng);
      b.text("hash", fmt::format("{:08x}", rng.next() & 0xffffffff));
      b.text("owner", std::to_string(rng.between(1, 5)));
      b.text("contact", std::to_string(rng.between(1, others)));
      b.text("organization", std::to_string(rng.between(1, others)));
      b.text("group", std::to_string(rng.between(1, std::min<std::int64_t>(others, 4))));
      b.text("stage", std::to_string(rng.between(1, std::min<std::int64_t>(others, 12))));
      b.text("title", deal_title(company, rng));
      b.text("description", short_free_text(rng));
      b.text("percent", "0");
      b.text("cdate", ac_time(created));
      b.text("mdate", ac_time(updated));
      b.null("nextdate");
      b.text("value", std::to_string(rng.between(0, 5000000)));
      b.text("currency", rng.percent(70) ? "usd" : "eur");
      b.text("status", std::to_string(rng.between(0, 2)));
      b.links("deals", {"activities", "contact", "contactDeals", "group", "nextTask", "notes", "organization", "owner",
                        "scoreValues", "stage", "tasks"});
      b.text("id", id_text);
      b.text("isDisabled", "0");
      break;
    }
    case Type::account:
      b.text("name", company_name(rng));
      b.text("accountUrl", rng.percent(60) ? fmt::format("https://www.example{}.com", id) : "");
      b.text("created_timestamp", ac_time(created));
      b.text("updated_timestamp", ac_time(updated));
      b.raw("links", "[]");
      b.raw("fields", "[]");
      b.text("id", id_text);
      break;
    case Type::note: {
      const PersonName name = person_name(rng);
      b.text("note", note_html(name.first, rng));
      b.text("relid", std::to_string(rng.between(1, others)));
      b.text("reltype", rng.percent(50) ? "Subscriber" : "Deal");
      b.text("userid", std::to_string(rng.between(1, 5)));
      b.text("is_draft", "0");
      b.text("cdate", ac_time(created));
      b.text("mdate", ac_time(updated));
      b.links("notes", {"activities", "mentions", "notes", "owner", "user"});
      b.text("id", id_text);
      break;
    }
    case Type::deal_group:
      b.text("title", pipeline_name(id));
      b.text("currency", "usd");
      b.text("autoassign", "1");
      b.text("allgroups", "0");
      b.text("allusers", "1");
      b.text("cdate", ac_time(created));
      b.text("udate", ac_time(updated));
      b.raw("stages", fmt::format(R"(["{}"])", id));  // stage N belongs to pipeline N
      b.links("dealGroups", {"dealGroupGroups", "dealGroupUsers", "stages"});
      b.text("id", id_text);
      break;
    case Type::deal_stage:
      b.text("title", stage_name(rng.between(1, 6)));
      b.text("group", id_text);
      b.text("order", std::to_string(rng.between(1, 6)));
      b.text("dealOrder", "next-action DESC");
      b.text("color", "32B0FC");
      b.text("width", "280");
      b.text("cdate", ac_time(created));
      b.text("udate", ac_time(updated));
      b.links("dealStages", {"group"});
      b.text("id", id_text);
      break;
  }
  return std::move(b.record);
}

std::vector<Record> Dataset::all(Type type) const {
  const std::lock_guard lock(m_mutex);
  std::vector<Record> out;
  for (const auto& [id, record] : m_records.at(type)) out.push_back(record);
  return out;
}

std::optional<ListResult> Dataset::list(Type type, const ListQuery& query, std::string& error) const {
  // Bounds of the date filters, parsed before the lock.
  struct DateBound {
    std::string field;
    EpochSeconds at;
    bool after;
  };
  std::vector<DateBound> dates;
  std::vector<std::pair<std::string, std::string>> equals;
  for (const auto& [name, value] : query.filters) {
    bool is_date =
        name == "updated_after" || name == "updated_before" || name == "created_after" || name == "created_before";
    if (is_date) {
      auto field = date_field(type, name);
      if (!field) continue;  // undocumented for this type: ignored, as unknown filters are
      auto at = parse_filter_time(value);
      if (!at) {
        error = fmt::format("filters[{}] must be a date, not '{}'", name, value);
        return std::nullopt;
      }
      dates.push_back({*field, *at, name.ends_with("_after")});
    } else {
      // dealStages filter by pipeline as d_groupid (FACTS §1); the record calls it "group".
      equals.emplace_back(type == Type::deal_stage && name == "d_groupid" ? "group" : name, value);
    }
  }

  std::vector<Record> matching;
  {
    const std::lock_guard lock(m_mutex);
    for (const auto& [id, record] : m_records.at(type)) {
      if (query.id_greater && type == Type::contact && id <= *query.id_greater) continue;
      bool keep = true;
      for (const auto& [field, value] : equals) {
        const Field* f = record.field(field);
        if (f && f->raw.empty() && f->text.value_or("") != value) keep = false;
      }
      for (const auto& bound : dates) {
        const Field* f = record.field(bound.field);
        auto at = f && f->text ? parse_rfc3339_ceil(*f->text) : std::nullopt;
        if (!at || (bound.after ? *at < bound.at : *at > bound.at)) keep = false;
      }
      if (keep) matching.push_back(record);
    }
  }

  // Orders in the given sequence, numbers as numbers, ties by id; unknown fields are ignored.
  auto compare = [&](const Record& a, const Record& b) {
    for (const auto& [field, ascending] : query.orders) {
      const Field* fa = a.field(field);
      const Field* fb = b.field(field);
      if (!fa || !fb || !fa->raw.empty()) continue;
      const std::string ta = fa->text.value_or("");
      const std::string tb = fb->text.value_or("");
      auto na = as_int(ta);
      auto nb = as_int(tb);
      int order = na && nb ? (*na < *nb ? -1 : *na > *nb) : ta.compare(tb);
      if (order != 0) return ascending ? order < 0 : order > 0;
    }
    return a.id < b.id;
  };
  std::stable_sort(matching.begin(), matching.end(), compare);

  ListResult result;
  result.total = static_cast<std::int64_t>(matching.size());
  const std::int64_t limit = std::clamp<std::int64_t>(query.limit, 0, k_max_limit);
  const std::int64_t offset = std::max<std::int64_t>(query.offset, 0);
  for (std::int64_t i = offset; i < result.total && i < offset + limit; ++i)
    result.records.push_back(std::move(matching[static_cast<std::size_t>(i)]));
  return result;
}

void Dataset::churn_contacts() {
  const std::lock_guard lock(m_mutex);
  auto& contacts = m_records.at(Type::contact);
  for (int deletion = 0; deletion < 2 && !contacts.empty(); ++deletion) {
    auto it = contacts.begin();
    if (deletion == 1) std::advance(it, contacts.size() / 2);
    m_changes.deleted.push_back(it->first);
    contacts.erase(it);
  }
  for (int insertion = 0; insertion < 2; ++insertion) {
    const std::int64_t id = m_next_contact_id++;
    contacts.emplace(id, make_record(Type::contact, id));
    m_changes.inserted.push_back(id);
  }
}

ChangeLog Dataset::changes() const {
  const std::lock_guard lock(m_mutex);
  return m_changes;
}

}  // namespace crm_fake::activecampaign
