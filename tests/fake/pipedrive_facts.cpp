#include "tests/fake/pipedrive_facts.hpp"

#include "tests/fake/fake_random.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace crm_fake::pipedrive {
namespace {

// Most records are owned by a few sales reps, as in a real account.
constexpr std::int64_t k_owner_pool = 8;
// Deals sit in the first pipelines' stages only; later pipelines are empty, as often in life.
constexpr std::int64_t k_deal_stage_pool = 12;
constexpr EpochSeconds k_day = 86400;

Rng body_rng(const Dataset& dataset, RecordType type, std::int64_t id) {
  return Rng(dataset.seed(), stream_id(type, Stream::body), static_cast<std::uint64_t>(id));
}

std::int64_t pick_owner(const Dataset& dataset, Rng& rng) {
  return rng.between(1, std::max<std::int64_t>(1, std::min(dataset.generated_count(RecordType::user), k_owner_pool)));
}

// A link to another record, present `percent` of the time (never when that type is empty).
std::optional<std::int64_t> pick_link(const Dataset& dataset, RecordType target, unsigned percent, Rng& rng) {
  const bool linked = rng.percent(percent);
  const std::int64_t id = rng.between(1, std::max<std::int64_t>(1, dataset.generated_count(target)));
  if (!linked || dataset.generated_count(target) == 0) return std::nullopt;
  return id;
}

std::vector<std::int64_t> pick_labels(Rng& rng) {
  std::vector<std::int64_t> labels;
  for (std::int64_t label = 1; label <= 4; ++label) {
    if (rng.percent(15)) labels.push_back(label);
  }
  return labels;
}

EpochSeconds between_times(const RecordTimes& times, Rng& rng) {
  return rng.between(times.add_time, times.update_time);
}

std::string uuid_like(Rng& rng) {
  const std::uint64_t a = rng.next();
  const std::uint64_t b = rng.next();
  return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                     0x8000 | ((b >> 48) & 0x3fff), b & 0xffffffffffffULL);
}

struct TimeZone {
  std::string_view name;
  std::string_view offset;
  std::string_view locale;
  std::string_view currency;
};

constexpr std::array<TimeZone, 5> k_time_zones{{
    {"Europe/Tallinn", "+02:00", "et_EE", "EUR"},
    {"Europe/Berlin", "+01:00", "de_DE", "EUR"},
    {"America/New_York", "-05:00", "en_US", "USD"},
    {"Asia/Shanghai", "+08:00", "zh_CN", "CNY"},
    {"Europe/Stockholm", "+01:00", "sv_SE", "SEK"},
}};

constexpr std::array<std::string_view, 6> k_activity_types{"call", "meeting", "task", "deadline", "email", "lunch"};
constexpr std::array<std::string_view, 3> k_origins{"ManuallyCreated", "API", "Import"};

}  // namespace

UserFacts make_user(const Dataset& dataset, std::int64_t id) {
  Rng rng = body_rng(dataset, RecordType::user, id);
  UserFacts u;
  u.id = id;
  u.is_you = id == 1;
  const PersonName name = person_name(rng);
  u.name = name.full;
  u.email =
      u.is_you ? std::string("admin@fake-company.example") : fmt::format("{}@fake-company.example", name.ascii_slug);
  if (rng.percent(70)) u.phone = phone_number(rng);
  u.times = dataset.times(RecordType::user, id);
  u.last_login = u.times.update_time;
  const TimeZone& zone = rng.pick(k_time_zones);
  u.timezone_name = zone.name;
  u.timezone_offset = zone.offset;
  u.locale = zone.locale;
  u.default_currency = zone.currency;
  if (rng.percent(60)) {
    const std::uint64_t high = rng.next();
    const std::uint64_t low = rng.next();
    u.pic_hash = fmt::format("{:016x}{:016x}", high, low);
    u.icon_url = fmt::format("https://assets.fake-company.example/profile_120x120_{}_{}.jpg", id, *u.pic_hash);
  }
  u.sales_permission_set_id = uuid_like(rng);
  u.global_permission_set_id = uuid_like(rng);
  u.active = u.is_you || rng.percent(90);
  u.is_admin = u.is_you || rng.percent(20);
  return u;
}

OrganizationFacts make_organization(const Dataset& dataset, std::int64_t id) {
  Rng rng = body_rng(dataset, RecordType::organization, id);
  OrganizationFacts o;
  o.id = id;
  o.name = company_name(rng);
  o.owner_id = pick_owner(dataset, rng);
  o.times = dataset.times(RecordType::organization, id);
  o.visible_to = rng.percent(80) ? 3 : 7;
  o.label_ids = pick_labels(rng);
  if (rng.percent(70)) o.address = postal_address(rng);
  o.people_count = rng.between(0, 12);
  o.open_deals_count = rng.between(0, 4);
  o.closed_deals_count = rng.between(0, 6);
  o.custom = custom_values(dataset, RecordType::organization, id);
  return o;
}

PersonFacts make_person(const Dataset& dataset, std::int64_t id) {
  Rng rng = body_rng(dataset, RecordType::person, id);
  PersonFacts p;
  p.id = id;
  p.name = person_name(rng);
  p.owner_id = pick_owner(dataset, rng);
  p.org_id = pick_link(dataset, RecordType::organization, 80, rng);
  p.times = dataset.times(RecordType::person, id);
  // Some people have no email or phone at all; some have several.
  const auto email_count = rng.below(4) == 0 ? 0 : rng.between(1, 2);
  for (std::int64_t i = 0; i < email_count; ++i)
    p.emails.push_back({email_address(p.name.ascii_slug, rng), i == 0, i == 0 ? "work" : "home"});
  const auto phone_count = rng.between(0, 2);
  for (std::int64_t i = 0; i < phone_count; ++i)
    p.phones.push_back({phone_number(rng), i == 0, i == 0 ? "work" : "mobile"});
  p.visible_to = rng.percent(80) ? 3 : 7;
  p.label_ids = pick_labels(rng);
  p.open_deals_count = rng.between(0, 3);
  p.closed_deals_count = rng.between(0, 5);
  p.notes_count = rng.between(0, 9);
  p.custom = custom_values(dataset, RecordType::person, id);
  return p;
}

DealFacts make_deal(const Dataset& dataset, std::int64_t id) {
  Rng rng = body_rng(dataset, RecordType::deal, id);
  DealFacts d;
  d.id = id;
  d.times = dataset.times(RecordType::deal, id);
  d.person_id = pick_link(dataset, RecordType::person, 85, rng);
  d.org_id = pick_link(dataset, RecordType::organization, 70, rng);
  const std::string company = d.org_id ? make_organization(dataset, *d.org_id).name : std::string("Walk-in");
  d.title = deal_title(company, rng);
  d.creator_user_id = pick_owner(dataset, rng);
  d.owner_id = pick_owner(dataset, rng);
  const bool whole = rng.percent(40);
  const std::int64_t amount = rng.between(0, 5000000);
  d.value_hundredths = whole ? amount / 100 * 100 : amount;
  d.currency = currency_code(rng);
  const std::int64_t stage_pool =
      std::max<std::int64_t>(1, std::min(dataset.generated_count(RecordType::stage), k_deal_stage_pool));
  d.stage_id = rng.between(1, stage_pool);
  d.pipeline_id = dataset.stage_pipeline_id(d.stage_id);
  const auto outcome = rng.below(100);
  d.status = outcome < 60 ? "open" : outcome < 85 ? "won" : "lost";
  if (rng.percent(70)) d.stage_change_time = between_times(d.times, rng);
  const EpochSeconds closed = between_times(d.times, rng);
  if (d.status == "won") {
    d.close_time = closed;
    d.won_time = closed;
  } else if (d.status == "lost") {
    d.close_time = closed;
    d.lost_time = closed;
    if (rng.percent(70)) d.lost_reason = lost_reason(rng);
  }
  if (rng.percent(70)) d.expected_close_date = (d.times.add_time / k_day + rng.between(10, 180)) * k_day;
  if (rng.percent(50)) d.probability = rng.between(0, 100);
  d.visible_to = rng.percent(80) ? 3 : 7;
  d.label_ids = pick_labels(rng);
  d.origin = rng.pick(k_origins);
  // A deleted deal stays listed under status=deleted (FACTS, Pipedrive §5), updated when deleted.
  if (dataset.is_deleted(RecordType::deal, id)) d.status = "deleted";
  if (rng.percent(20)) {
    d.channel = 52;
    d.channel_id = "Jun23 Billboards, \"north\"";
  }
  d.custom = custom_values(dataset, RecordType::deal, id);
  return d;
}

ActivityFacts make_activity(const Dataset& dataset, std::int64_t id) {
  Rng rng = body_rng(dataset, RecordType::activity, id);
  ActivityFacts a;
  a.id = id;
  a.times = dataset.times(RecordType::activity, id);
  a.type = rng.pick(k_activity_types);
  a.owner_id = pick_owner(dataset, rng);
  a.creator_user_id = pick_owner(dataset, rng);
  a.deal_id = pick_link(dataset, RecordType::deal, 60, rng);
  a.person_id = pick_link(dataset, RecordType::person, 70, rng);
  a.org_id = pick_link(dataset, RecordType::organization, 50, rng);
  const std::string first_name = a.person_id ? make_person(dataset, *a.person_id).name.first : std::string("team");
  const std::string company = a.org_id ? make_organization(dataset, *a.org_id).name : std::string("Acme");
  a.subject = activity_subject(first_name, company, rng);
  a.due_date = dataset.activity_due_date(id);
  if (rng.percent(70)) {
    const auto hour = rng.between(8, 18);
    const auto quarter = rng.between(0, 3);
    a.due_time = fmt::format("{:02}:{:02}:00", hour, quarter * 15);
    a.duration = rng.percent(50) ? "01:00:00" : "00:30:00";
  }
  a.busy = rng.percent(60);
  a.done = rng.percent(45);
  if (a.done) a.marked_as_done_time = between_times(a.times, rng);
  if (rng.percent(30)) a.location = postal_address(rng);
  if (a.person_id) {
    a.participant_person_ids.push_back(*a.person_id);
    const auto other = pick_link(dataset, RecordType::person, 30, rng);
    if (other && *other != *a.person_id) a.participant_person_ids.push_back(*other);
  }
  if (rng.percent(40)) a.note = activity_note_html(rng);
  return a;
}

PipelineFacts make_pipeline(const Dataset& dataset, std::int64_t id) {
  Rng rng = body_rng(dataset, RecordType::pipeline, id);
  PipelineFacts p;
  p.id = id;
  p.name = pipeline_name(id);
  p.order_nr = id;
  p.deal_probability_enabled = id == 1 || rng.percent(50);
  p.times = dataset.times(RecordType::pipeline, id);
  return p;
}

StageFacts make_stage(const Dataset& dataset, std::int64_t id) {
  Rng rng = body_rng(dataset, RecordType::stage, id);
  StageFacts s;
  s.id = id;
  s.order_nr = Dataset::stage_order_nr(id);
  s.name = stage_name(s.order_nr);
  s.deal_probability = std::min<std::int64_t>(100, s.order_nr * 20);
  s.pipeline_id = dataset.stage_pipeline_id(id);
  s.rot_enabled = rng.percent(40);
  if (s.rot_enabled) s.days_to_rotten = rng.between(3, 30);
  s.times = dataset.times(RecordType::stage, id);
  return s;
}

NoteFacts make_note(const Dataset& dataset, std::int64_t id) {
  Rng rng = body_rng(dataset, RecordType::note, id);
  NoteFacts n;
  n.id = id;
  n.user_id = pick_owner(dataset, rng);
  n.deal_id = pick_link(dataset, RecordType::deal, 50, rng);
  n.person_id = pick_link(dataset, RecordType::person, 60, rng);
  n.org_id = pick_link(dataset, RecordType::organization, 50, rng);
  // A note always hangs on something.
  if (!n.deal_id && !n.person_id && !n.org_id && dataset.generated_count(RecordType::person) > 0)
    n.person_id = 1 + (id - 1) % dataset.generated_count(RecordType::person);
  const std::string first_name = n.person_id ? make_person(dataset, *n.person_id).name.first : std::string("them");
  n.content = note_html(first_name, rng);
  n.times = dataset.times(RecordType::note, id);
  n.pinned_to_deal = n.deal_id && rng.percent(20);
  n.pinned_to_person = n.person_id && rng.percent(10);
  n.pinned_to_organization = n.org_id && rng.percent(10);
  n.last_update_user_id = rng.percent(80) ? n.user_id : pick_owner(dataset, rng);
  return n;
}

}  // namespace crm_fake::pipedrive
