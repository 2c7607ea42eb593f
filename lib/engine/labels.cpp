#include "lib/engine/labels.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include <functional>
#include <mutex>
#include <unordered_map>

#include "lib/core/log.hpp"
#include "lib/engine/page_loop.hpp"
#include "lib/engine/progress.hpp"
#include "lib/fields/columns.hpp"
#include "lib/fields/naming.hpp"
#include "lib/mirror/fields.hpp"
#include "lib/store/field_names.hpp"

namespace crmexport::engine {
namespace {

// A metadata endpoint read like any type, with the same paging loop, retries and loop guard.
providers::TypeSpec as_type(const providers::TypeSpec& owner, const fields::MetadataSource& source) {
  providers::TypeSpec t;
  t.name = owner.name + " fields";
  t.path = source.path;
  t.records_at = source.records_at;
  t.paging = source.paging;
  t.max_page_size = source.max_page_size;
  t.fixed_params = source.fixed_params;
  t.total_at = source.total_at;
  return t;
}

// An interruption names the phase it stopped and how far it got: "nothing was written" alone
// would not explain minutes of reading.
Error stopped_in_phase(Error error, const providers::TypeSpec& type, const PhaseSpent& phase, long items) {
  if (error.kind == ErrorKind::interrupted)
    error.message = fmt::format("{}: {} while reading its {} ({} read in {} request{})", type.name, error.message,
                                phase.name, items, phase.requests, phase.requests == 1 ? "" : "s");
  return error;
}

// Counts a page of a phase on its line: items, pages and the provider's total when it says one.
void count_page(Progress& progress, const providers::TypeSpec& read_as, const PageRead& page, long& items) {
  if (auto total = reported_total(read_as, page)) progress.set_total(*total);
  items += static_cast<long>(page.page.records.size());
  progress.update(items, page.number);
}

Result<std::vector<fields::Field>> read_metadata(Session& session, const providers::TypeSpec& type,
                                                 const fields::FieldsSpec& spec, PhaseSpent& phase, bool shown) {
  PhaseClock clock(phase);
  std::vector<fields::Field> read;
  for (const auto& declared : spec.builtins) {
    fields::Field builtin;
    builtin.key = declared.key;
    builtin.label = declared.label.empty() ? declared.key : declared.label;
    builtin.type = declared.type;
    read.push_back(std::move(builtin));
  }
  Progress progress(phase_label(type.name, phase.name), shown && !spec.sources.empty());
  long items = 0;
  for (const auto& source : spec.sources) {
    auto metadata = as_type(type, source);
    auto on_page = [&](PageRead& page) -> Result<Flow> {
      ++phase.requests;
      count_page(progress, metadata, page, items);
      if (source.read_items) {
        source.read_items(page.page.records, read);
        return Flow::more;
      }
      for (const auto& item_text : page.page.records) {
        rapidjson::Document item;
        item.Parse(item_text.data(), item_text.size());
        if (item.HasParseError() || !item.IsObject())
          return fail(ErrorKind::provider, fmt::format("{}: a field definition is not a JSON object", source.path));
        if (auto field = spec.read(item)) read.push_back(std::move(*field));
      }
      if (spec.read_envelope) spec.read_envelope(page.page.envelope, read);
      return Flow::more;
    };
    if (auto done = read_pages(session, metadata, PageQuery{}, "", on_page); !done)
      return std::unexpected(stopped_in_phase(done.error(), type, phase, items));
  }
  for (auto& field : read) fields::make_storable(field);
  return read;
}

// The store's part of load_fields: readable names frozen at first sight, saved back.
Result<TypeFields> name_fields(Session& session, const providers::TypeSpec& type, store::Store& store,
                               std::vector<fields::Field> current, bool refresh_names, PhaseSpent metadata) {
  TypeFields result;
  result.phases.push_back(std::move(metadata));
  auto stored = store::load_field_names(store, session.connection_name(), type.name);
  if (!stored) return std::unexpected(stored.error());
  // HubSpot's property names are readable and immutable: they stay (FieldsSpec::placement).
  bool keys_are_names = type.fields->placement == fields::Placement::properties;
  auto named = fields::assign_names(std::move(current), *stored, refresh_names, keys_are_names);
  std::vector<fields::Field> seen(named.fields.begin(), named.fields.begin() + static_cast<long>(named.current));
  if (auto saved = store::save_field_names(store, session.connection_name(), type.name, seen); !saved)
    return std::unexpected(saved.error());
  result.current = named.current;
  result.relabeler = std::make_shared<fields::Relabeler>(*type.fields, std::move(named.fields));
  return result;
}

// The type's values collection (FieldsSpec::joined), read once, each item handed to `on_item`;
// more than `max_values` items is an error rather than unbounded memory.
Result<void> read_joined(Session& session, const providers::TypeSpec& type, PhaseSpent& phase, bool shown,
                         const std::function<Result<void>(std::string_view item)>& on_item) {
  PhaseClock clock(phase);
  const auto& joined = *type.fields->joined;
  const auto read_as = as_type(type, joined.source);
  Progress progress(phase_label(type.name, phase.name), shown);
  long count = 0;
  long items = 0;
  auto on_page = [&](PageRead& page) -> Result<Flow> {
    ++phase.requests;
    count_page(progress, read_as, page, items);
    count += static_cast<long>(page.page.records.size());
    if (count > joined.max_values)
      return fail(ErrorKind::usage,
                  fmt::format("{}: the account has more than {} custom field values, more than readable records keep "
                              "in memory; export {} without --labels (CSV: with --raw)",
                              type.name, joined.max_values, type.name));
    for (const auto& item : page.page.records)
      if (auto done = on_item(item); !done) return std::unexpected(done.error());
    return Flow::more;
  };
  if (auto done = read_pages(session, read_as, PageQuery{}, "", on_page); !done)
    return std::unexpected(stopped_in_phase(done.error(), type, phase, items));
  return {};
}

}  // namespace

Result<TypeFields> load_fields(Session& session, const providers::TypeSpec& type, store::Store& store,
                               bool refresh_names, bool shown) {
  if (!type.fields) return TypeFields{};
  auto metadata = PhaseSpent{"field metadata"};
  auto current = read_metadata(session, type, *type.fields, metadata, shown);
  if (!current) return std::unexpected(current.error());
  return name_fields(session, type, store, std::move(*current), refresh_names, std::move(metadata));
}

Result<void> join_values(Session& session, const providers::TypeSpec& type, TypeFields& loaded, bool shown) {
  if (!type.fields || !type.fields->joined || !loaded.relabeler) return {};
  fields::JoinedValuesByRecord by_record;
  auto& phase = loaded.phases.emplace_back(PhaseSpent{"custom values"});
  auto read = read_joined(session, type, phase, shown, [&](std::string_view item) {
    return loaded.relabeler->add_joined_item(item, by_record);
  });
  if (!read) return read;
  loaded.relabeler->set_joined(std::move(by_record));
  return {};
}

Result<std::vector<PhaseSpent>> refresh_mirror_fields(Session& session, mirror::Mirror& mirror, store::Store& store,
                                                      const providers::TypeSpec& type, bool refresh_names,
                                                      std::mutex& store_writer, std::mutex& mirror_writer,
                                                      bool shown) {
  if (!type.fields) return std::vector<PhaseSpent>{};
  // Definitions and values kept outside the records are read before taking the writer's lock:
  // a large account's values take many requests, and other types and connections write meanwhile.
  auto metadata = PhaseSpent{"field metadata"};
  auto current = read_metadata(session, type, *type.fields, metadata, shown);
  if (!current) return std::unexpected(current.error());
  std::unordered_map<std::string, std::string> by_record;
  auto values = PhaseSpent{"custom values"};
  if (type.fields->joined) {
    auto read = read_joined(session, type, values, shown, [&](std::string_view text) -> Result<void> {
      auto item = fields::read_joined_item(*type.fields->joined, text);
      if (!item) return std::unexpected(item.error());
      fields::append_raw_member(by_record[item->record], item->key, item->value);
      return {};
    });
    if (!read) return std::unexpected(read.error());
  }
  std::unique_lock store_turn(store_writer, std::defer_lock);
  std::unique_lock mirror_turn(mirror_writer, std::defer_lock);
  if (&store_writer == &mirror_writer)
    store_turn.lock();
  else
    std::lock(store_turn, mirror_turn);
  auto loaded = name_fields(session, type, store, std::move(*current), refresh_names, std::move(metadata));
  if (!loaded) return std::unexpected(loaded.error());
  const auto& all = loaded->relabeler->fields();
  std::vector<fields::Field> seen(all.begin(), all.begin() + static_cast<long>(loaded->current));
  auto saved = mirror::save_fields(mirror, session.connection_name(), session.provider().name, type.name,
                                   *type.fields, seen);
  if (!saved) return std::unexpected(saved.error());
  if (saved->left_out > 0)
    log::warn("{}: {} fields did not fit in {} (the database allows {} columns in a view): read them by name "
              "from its more_fields column (see \"Views wider than the database allows\" in docs/USAGE.md)",
              type.name, saved->left_out, mirror::labeled_view_name(session.provider().name, type.name),
              saved->max_columns);
  // The mirror keeps them as the API gives them, for the views.
  if (type.fields->joined)
    if (auto kept = mirror::save_field_values(mirror, session.connection_name(), type.name, by_record); !kept)
      return std::unexpected(kept.error());
  if (type.fields->joined) loaded->phases.push_back(std::move(values));
  return loaded->phases;
}

ReadablePlan plan_readable(Session& session, store::Store& store, std::mutex& store_lock,
                           const providers::TypeSpec& type, bool labels, bool labels_asked,
                           const std::vector<std::string>& columns, bool refresh_names, bool shown) {
  ReadablePlan plan;
  plan.columns = columns;
  if (!type.fields || (!labels && columns.empty())) return plan;
  auto read = [&] {
    std::lock_guard lock(store_lock);
    return load_fields(session, type, store, refresh_names, shown);
  }();
  // Chosen columns that labels would not change are filled from the raw records: relabeling
  // every record (and reading a joined values collection) would cost more than the columns.
  if (read && labels && !columns.empty()) {
    auto resolved = fields::resolve_columns(columns, *type.fields, read->relabeler->fields(), labels);
    if (resolved && !fields::relabeling_changes(*resolved, *type.fields, read->relabeler->fields())) labels = false;
  }
  if (read && labels)
    if (auto joined = join_values(session, type, *read, shown); !joined) read = std::unexpected(joined.error());
  if (!read && read.error().kind == ErrorKind::interrupted) {
    // Before the type's file is opened: an earlier run's partial file, if any, is as it was.
    read.error().message += "; no record was written by this run; run the same command again";
    throw Fatal(std::move(read.error()));
  }
  // Labels that are only CSV's default give way to raw CSV; an interruption is not a failure to read.
  if (!read && !labels_asked && columns.empty() && read.error().kind != ErrorKind::auth) {
    log::warn("{}: the field metadata could not be read ({}); writing the CSV with the provider's keys and values",
              type.name, read.error().message);
    return plan;
  }
  auto loaded = value_or_throw(std::move(read));
  plan.phases = loaded.phases;
  if (!columns.empty())
    plan.columns = value_or_throw(fields::resolve_columns(columns, *type.fields, loaded.relabeler->fields(), labels));
  if (labels) plan.labels = std::move(loaded.relabeler);
  return plan;
}

}  // namespace crmexport::engine
