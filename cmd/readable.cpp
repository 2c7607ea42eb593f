#include "cmd/readable.hpp"

#include "lib/fields/columns.hpp"

namespace crmexport::cmd {

ReadablePlan plan_readable(engine::Session& session, store::Store& store, const providers::TypeSpec& type,
                           bool labels, const std::vector<std::string>& columns) {
  ReadablePlan plan;
  plan.columns = columns;
  if (!type.fields || (!labels && columns.empty())) return plan;
  auto loaded = value_or_throw(engine::load_fields(session, type, store));
  plan.requests = loaded.requests;
  if (!columns.empty())
    plan.columns = value_or_throw(fields::resolve_columns(columns, *type.fields, loaded.relabeler->fields(), labels));
  if (labels) plan.labels = std::move(loaded.relabeler);
  return plan;
}

}  // namespace crmexport::cmd
