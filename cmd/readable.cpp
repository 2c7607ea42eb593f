#include "cmd/readable.hpp"

#include "lib/core/log.hpp"
#include "lib/fields/columns.hpp"

namespace crmexport::cmd {

ReadablePlan plan_readable(engine::Session& session, store::Store& store, std::mutex& store_lock,
                           const providers::TypeSpec& type,
                           bool labels, bool labels_asked, const std::vector<std::string>& columns,
                           bool refresh_names) {
  ReadablePlan plan;
  plan.columns = columns;
  if (!type.fields || (!labels && columns.empty())) return plan;
  auto read = [&] {
    std::lock_guard lock(store_lock);
    return engine::load_fields(session, type, store, refresh_names);
  }();
  if (read && labels)
    if (auto joined = engine::join_values(session, type, *read); !joined) read = std::unexpected(joined.error());
  if (!read && !labels_asked && columns.empty() && read.error().kind != ErrorKind::auth) {
    log::warn("{}: the field metadata could not be read ({}); writing the CSV with the provider's keys and values",
              type.name, read.error().message);
    return plan;
  }
  auto loaded = value_or_throw(std::move(read));
  plan.requests = loaded.requests;
  if (!columns.empty())
    plan.columns = value_or_throw(fields::resolve_columns(columns, *type.fields, loaded.relabeler->fields(), labels));
  if (labels) plan.labels = std::move(loaded.relabeler);
  return plan;
}

}  // namespace crmexport::cmd
