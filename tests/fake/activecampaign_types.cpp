#include "tests/fake/activecampaign_types.hpp"

#include "tests/fake/fake_random.hpp"
#include "tests/fake/text_gen.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace crm_fake::activecampaign {
namespace {

using table::Compare;
using table::Filter;
using table::Link;
using table::SideLoad;

// AC renders times in the account's zone with its offset; this account is in US Eastern (EST).
constexpr std::int64_t k_zone_offset = -5 * 3600;

std::string ac_time(EpochSeconds t) {
  std::string text = format_iso_utc(t + k_zone_offset);
  text.pop_back();  // the Z
  return text + "-05:00";
}

// Each type's random stream; the numbers are the dataset's, changing one changes its records.
enum class Stream : std::uint64_t { contact, deal, account, note, deal_group, deal_stage };

struct Builder {
  table::Record record;
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

// What every record draws first: its times (then replaced by the generation's, if given, after the
// draws, so the rest of the record stays the same) and how many records links may point at.
struct Drawn {
  Drawn(const table::Generation& generation, Stream stream, std::int64_t id)
      : rng(generation.seed, 0xac00 + static_cast<std::uint64_t>(stream), static_cast<std::uint64_t>(id)) {
    created = epoch_from_civil(2023, 1, 1) + rng.between(0, 3 * 365 * 86400);
    // A quarter of the updates share a few "bulk edit" seconds, so orders by date have ties.
    updated = rng.percent(25) ? std::max(created, epoch_from_civil(2025, 6, 1) + rng.between(0, 3) * 3600)
                              : created + rng.between(0, 200 * 86400);
    created = generation.created_at.value_or(created);
    updated = generation.updated_at.value_or(updated);
    others = std::max<std::int64_t>(generation.records, 1);
    b.record.id = id;
  }
  Rng rng;
  EpochSeconds created = 0;
  EpochSeconds updated = 0;
  std::int64_t others = 1;
  Builder b;
};

table::Record make_contact(const table::Generation& generation, std::int64_t id) {
  Drawn d(generation, Stream::contact, id);
  auto& [rng, created, updated, others, b] = d;
  const std::string id_text = std::to_string(id);
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
  b.links("contacts", {"bounceLogs", "contactAutomations", "contactData", "contactGoals", "contactLists", "contactLogs",
                       "contactTags", "contactDeals", "deals", "fieldValues", "notes"});
  b.text("id", id_text);
  b.null("organization");
  return std::move(b.record);
}

table::Record make_deal(const table::Generation& generation, std::int64_t id) {
  Drawn d(generation, Stream::deal, id);
  auto& [rng, created, updated, others, b] = d;
  const std::string id_text = std::to_string(id);
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
  return std::move(b.record);
}

table::Record make_account(const table::Generation& generation, std::int64_t id) {
  Drawn d(generation, Stream::account, id);
  auto& [rng, created, updated, others, b] = d;
  const std::string id_text = std::to_string(id);
  b.text("name", company_name(rng));
  b.text("accountUrl", rng.percent(60) ? fmt::format("https://www.example{}.com", id) : "");
  b.text("created_timestamp", ac_time(created));
  b.text("updated_timestamp", ac_time(updated));
  b.raw("links", "[]");
  b.raw("fields", "[]");
  b.text("id", id_text);
  return std::move(b.record);
}

table::Record make_note(const table::Generation& generation, std::int64_t id) {
  Drawn d(generation, Stream::note, id);
  auto& [rng, created, updated, others, b] = d;
  const std::string id_text = std::to_string(id);
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
  return std::move(b.record);
}

table::Record make_deal_group(const table::Generation& generation, std::int64_t id) {
  Drawn d(generation, Stream::deal_group, id);
  auto& [rng, created, updated, others, b] = d;
  const std::string id_text = std::to_string(id);
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
  return std::move(b.record);
}

table::Record make_deal_stage(const table::Generation& generation, std::int64_t id) {
  Drawn d(generation, Stream::deal_stage, id);
  auto& [rng, created, updated, others, b] = d;
  const std::string id_text = std::to_string(id);
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
  return std::move(b.record);
}

// FACTS ActiveCampaign §3: limit defaults to 20, larger ones are capped at 100 (0 lists none).
constexpr table::Limits k_limits{.default_size = 20,
                                 .min_size = 0,
                                 .max_size = 100,
                                 .out_of_range = table::OverLimit::cap,
                                 .zero_is_default = false};

// The date filters FACTS §5 documents for contacts and deals (after is >=, before is <=); other
// types ignore them, as every type ignores unknown filters.
std::vector<Filter> date_filters(std::string updated_field) {
  return {{"filters[updated_after]", updated_field, Compare::at_or_after},
          {"filters[updated_before]", updated_field, Compare::at_or_before},
          {"filters[created_after]", "cdate", Compare::at_or_after},
          {"filters[created_before]", "cdate", Compare::at_or_before}};
}

table::ObjectType row(std::string name, std::string resource, table::Generator generate) {
  table::ObjectType row;
  row.provider = table::Provider::activecampaign;
  row.name = std::move(name);
  row.paths = {{"3", resource}};
  row.envelope.records_key = resource;
  row.paging = table::PagingKind::offset_total;
  row.limits = k_limits;
  row.any_field_filter_prefix = "filters[";  // equality on any field by name
  row.any_field_order = true;                // orders[FIELD] on any field, in query order
  row.generate = generate;
  row.deletion = table::Deletion::hard;  // no deleted-records endpoint (coverage.md)
  return row;
}

std::vector<table::ObjectType> make_rows() {
  std::vector<table::ObjectType> rows;
  auto& contacts = rows.emplace_back(row("contacts", "contacts", make_contact));
  contacts.filters = date_filters("udate");
  // FACTS §3: id_greater with orders[id]=ASC pages contacts, and only contacts.
  contacts.filters.push_back({"id_greater", "id", Compare::greater});
  contacts.envelope.side_loads = {{"scoreValues", true, "", ""}};
  contacts.links = {{"orgid", "accounts"}};
  auto& deals = rows.emplace_back(row("deals", "deals", make_deal));
  deals.filters = date_filters("mdate");
  deals.links = {{"contact", "contacts"}, {"organization", "accounts"}, {"group", "pipelines"}, {"stage", "stages"}};
  rows.push_back(row("accounts", "accounts", make_account));
  auto& notes = rows.emplace_back(row("notes", "notes", make_note));
  notes.links = {{"relid", "contacts"}};  // or a deal, as reltype says
  auto& pipelines = rows.emplace_back(row("pipelines", "dealGroups", make_deal_group));
  // A pipeline's stages come along, as the real list side-loads them.
  pipelines.envelope.side_loads = {{"dealStages", false, "stages", "group"}};
  auto& stages = rows.emplace_back(row("stages", "dealStages", make_deal_stage));
  // FACTS §1: stages filter by pipeline as d_groupid; the record calls it "group".
  stages.filters = {{"filters[d_groupid]", "group", Compare::equals}};
  stages.links = {{"group", "pipelines"}};
  return rows;
}

}  // namespace

std::span<const table::ObjectType> object_types() {
  static const std::vector<table::ObjectType> rows = make_rows();
  return rows;
}

}  // namespace crm_fake::activecampaign
