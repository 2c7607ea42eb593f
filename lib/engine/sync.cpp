#include "lib/engine/sync.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include <chrono>
#include <mutex>
#include <unordered_map>

#include "lib/core/log.hpp"
#include "lib/engine/page_loop.hpp"
#include "lib/fields/relabel.hpp"
#include "lib/json/fields.hpp"
#include "lib/json/member.hpp"
#include "lib/json/parse.hpp"
#include "lib/mirror/fields.hpp"

namespace crmexport::engine {
namespace {

// The mirror has one writer at a time: types read concurrently take turns at the database, each
// page still one transaction (the resume-after-kill guarantee does not change).
template <typename Call>
auto one_writer(const SyncOptions& options, Call&& call) {
  std::unique_lock<std::mutex> lock;
  if (options.mirror_lock) lock = std::unique_lock(*options.mirror_lock);
  return call();
}

TimePoint now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

// Decides what this run does: resume the unfinished run (same mode, change filter and position,
// so the result is that of an uninterrupted run), or start a new one.
Result<void> plan_run(mirror::Mirror& mirror, mirror::TypeState& state, const providers::TypeSpec& type,
                      const SyncOptions& options, SyncReport& report) {
  bool can_filter = type.since.has_value();
  bool resumable = state.run_mode && !options.since && (!options.full || *state.run_mode == mirror::RunMode::full) &&
                   (can_filter || *state.run_mode == mirror::RunMode::full);
  if (resumable) {
    report.resumed = true;
  } else {
    mirror::RunMode mode = mirror::RunMode::full;
    std::optional<TimePoint> since;
    if (can_filter && options.since) {
      mode = mirror::RunMode::incremental;
      since = options.since;
    } else if (can_filter && !options.full && state.high_water) {
      mode = mirror::RunMode::incremental;
      since = *state.high_water - k_sync_overlap;
    }
    if (options.since && !can_filter)
      log::info("{}: {} has no change filter for this type; reading every record", type.name, state.provider);
    if (auto started = one_writer(options, [&] { return mirror.start_run(state, mode, since); }); !started)
      return started;
  }
  report.mode = *state.run_mode == mirror::RunMode::full ? "full" : "incremental";
  report.since = state.run_since;
  return {};
}

// A top-level key ("update_time"), or a JSON pointer for a nested one ("/properties/hs_lastmodifieddate").
const rapidjson::Value* field(const rapidjson::Value& record, const std::string& name) {
  if (name.starts_with('/')) return json::find(record, name);
  auto member = record.FindMember(name.c_str());
  return member == record.MemberEnd() ? nullptr : &member->value;
}

// An updated-at as a time: the forms parse_time reads (RFC 3339, "YYYY-MM-DD HH:MM:SS" UTC), or
// epoch seconds (10 digits) or milliseconds (13 digits), as some providers send.
std::optional<TimePoint> updated_time(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos && text.size() >= 10) {
    auto value = json::parse_int(text);
    if (!value) return std::nullopt;
    return TimePoint{std::chrono::seconds{text.size() >= 13 ? *value / 1000 : *value}};
  }
  auto time = parse_time(text, now());
  if (!time) return std::nullopt;
  return *time;
}

// A record's id and updated-at, read from its JSON; the JSON itself is kept as received.
Result<mirror::Record> to_record(const providers::TypeSpec& type, std::string json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  // 1e309 or a 400-digit number is valid JSON but no double: read such a record with numbers as
  // text; the id is then a number when its text has no quotes.
  bool numbers_as_text = doc.GetParseError() == rapidjson::kParseErrorNumberTooBig;
  bool parsed = !doc.HasParseError();
  if (numbers_as_text) parsed = json::parse_dom<rapidjson::kParseNumbersAsStringsFlag>(doc, json) == json::Parsed::ok;
  if (!parsed || !doc.IsObject())
    return fail(ErrorKind::provider, fmt::format("{}: a record is not a JSON object", type.name));
  mirror::Record record;
  const auto* id = field(doc, type.id_field);
  if (!id) return fail(ErrorKind::provider, fmt::format("{}: a record has no '{}' field", type.name, type.id_field));
  std::optional<int64_t> number_id;
  if (numbers_as_text && id->IsString() && !type.id_field.starts_with('/'))
    if (auto raw = json::member_text(json, type.id_field); raw && *raw && !(*raw)->starts_with('"'))
      number_id = json::parse_int(id->GetString());
  if (id->IsInt64())
    record.id = id->GetInt64();
  else if (number_id)
    record.id = *number_id;
  else if (id->IsString())
    record.id = std::string(id->GetString(), id->GetStringLength());
  else
    return fail(ErrorKind::provider,
                fmt::format("{}: a record's '{}' is neither an integer nor a string", type.name, type.id_field));
  if (!type.updated_field.empty()) {
    const auto* updated = field(doc, type.updated_field);
    if (updated && updated->IsString())
      record.updated_at = std::string(updated->GetString(), updated->GetStringLength());
    else if (updated && updated->IsInt64())
      record.updated_at = std::to_string(updated->GetInt64());
  }
  record.json = std::move(json);
  return record;
}

// The newest updated-at of a page, as a time; texts that are not times are left out.
std::optional<TimePoint> page_high_water(const std::vector<mirror::Record>& records) {
  std::optional<TimePoint> newest;
  for (const auto& record : records) {
    if (!record.updated_at) continue;
    auto time = updated_time(*record.updated_at);
    if (time && (!newest || *time > *newest)) newest = *time;
  }
  return newest;
}

// Reads from the run's saved position to the end, saving each page with the position after it.
Result<ReadEnd> read_and_save(Session& session, mirror::Mirror& mirror, mirror::TypeState& state,
                              const providers::TypeSpec& type, const SyncOptions& options, SyncReport& report,
                              http::RequestMeter& meter, Progress& progress) {
  const bool side_loaded = type.fields && type.fields->placement == fields::Placement::side_loaded;
  auto on_page = [&](PageRead& read) -> Result<Flow> {
    if (auto total = reported_total(type, read)) {
      report.provider_total = *total;
      progress.set_total(*total);
    }
    std::vector<mirror::Record> records;
    records.reserve(read.page.records.size());
    for (auto& json : read.page.records) {
      auto record = to_record(type, std::move(json));
      if (!record) return std::unexpected(record.error());
      records.push_back(std::move(*record));
    }
    // On the last page the position stays where it is: a run killed before finish_run reads
    // that page again, which changes nothing.
    const std::string& next = read.next ? *read.next : state.run_position;
    // Custom values side-loaded beside the page are kept beside the records (which stay exact),
    // before the page: a run killed in between reads the page again and writes them again.
    if (side_loaded) {
      std::unordered_map<std::string, std::string> by_record;
      fields::for_each_side_loaded(*type.fields, read.page,
                                   [&](const std::string& record, const std::string& key, json::Node value) {
                                     fields::append_raw_member(by_record[record], key, value);
                                   });
      std::vector<std::string> ids;
      for (const auto& record : records) ids.push_back(mirror::format_id(record.id));
      auto kept = one_writer(options, [&] {
        return mirror::save_field_values(mirror, state.connection, type.name, by_record, &ids);
      });
      if (!kept) return std::unexpected(kept.error());
    }
    auto counts = one_writer(options, [&] { return mirror.save_page(state, records, next, page_high_water(records)); });
    if (!counts) return std::unexpected(counts.error());
    report.fetched += static_cast<long>(records.size());
    report.inserted += counts->inserted;
    report.updated += counts->updated;
    ++report.pages;
    progress.update(report.fetched, report.pages);
    return Flow::more;
  };
  PageQuery query;
  query.page_size = options.page_size;
  query.since = state.run_since;
  query.meter = &meter;
  if (side_loaded) query.params = type.fields->label_params;  // include=fieldValues
  return read_pages(session, type, query, state.run_position, on_page);
}

// An incremental run cannot see deletions in the change filter's answer; where the provider
// lists recently deleted records, mark those. (A full pass needs no such list: its sweep sees all.)
Result<ReadEnd> read_deleted(Session& session, mirror::Mirror& mirror, mirror::TypeState& state,
                             const providers::TypeSpec& type, const SyncOptions& options, SyncReport& report,
                             http::RequestMeter& meter) {
  if (type.deleted_params.empty() || *state.run_mode != mirror::RunMode::incremental) return ReadEnd{};
  // A phase of its own: its status line while it reads, its requests and time in the summary.
  auto& phase = report.phases.emplace_back(PhaseSpent{"deletions"});
  PhaseClock clock(phase);
  Progress progress(phase_label(type.name, phase.name), progress_wanted(false));
  const long requests_before = meter.requests;  // retries included, as the records' count has them
  long items = 0;
  auto on_page = [&](PageRead& read) -> Result<Flow> {
    items += static_cast<long>(read.page.records.size());
    progress.update(items, read.number);
    std::vector<mirror::RecordId> ids;
    for (auto& json : read.page.records) {
      auto record = to_record(type, std::move(json));
      if (!record) return std::unexpected(record.error());
      ids.push_back(std::move(record->id));
    }
    auto marked = one_writer(options, [&] { return mirror.mark_deleted(state, ids); });
    if (!marked) return std::unexpected(marked.error());
    report.deleted += *marked;
    return Flow::more;
  };
  PageQuery query;
  query.page_size = options.page_size;
  query.params = type.deleted_params;
  query.meter = &meter;
  auto read = read_pages(session, type, query, "", on_page);
  progress.finish();
  phase.requests = meter.requests - requests_before;
  return read;
}

}  // namespace

Result<SyncReport> sync_type(Session& session, mirror::Mirror& mirror, const providers::TypeSpec& type,
                             const std::string& api_version, const SyncOptions& options, Progress& progress) {
  const auto started = std::chrono::steady_clock::now();
  http::RequestMeter meter;
  meter.on_wait = progress.wait_observer();
  SyncReport report;
  report.type = type.name;

  auto state = one_writer(options, [&] {
    return mirror.load(session.connection_name(), session.provider().name, type.name, api_version);
  });
  if (!state) return std::unexpected(state.error());
  if (auto planned = plan_run(mirror, *state, type, options, report); !planned) return std::unexpected(planned.error());
  auto read = read_and_save(session, mirror, *state, type, options, report, meter, progress);
  if (read && !read->budget_stop) read = read_deleted(session, mirror, *state, type, options, report, meter);
  // The records' own; the deletions phase (the only one so far) says its own.
  report.requests = meter.requests - requests_of(report.phases);
  report.tokens = meter.tokens;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!read) return std::unexpected(read.error());
  if (read->budget_stop) {
    // The run stays open at the saved position (the deleted list, when stopped there, is read
    // again in full next time): the next sync resumes it as after an interruption.
    report.budget_stopped = true;
    return report;
  }
  // Only a full pass that reached the end (resumed or not) saw every live record.
  auto deleted =
      one_writer(options, [&] { return mirror.finish_run(*state, *state->run_mode == mirror::RunMode::full); });
  if (!deleted) return std::unexpected(deleted.error());
  report.deleted += *deleted;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace crmexport::engine
