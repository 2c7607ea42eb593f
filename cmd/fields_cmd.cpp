// `crmexport fields CONNECTION TYPE`: every field of a type, built-in and custom, with the
// readable name crmexport writes for it (frozen in the store) and its options.
#include <fmt/format.h>

#include <cstdio>

#include "cmd/commands.hpp"
#include "lib/core/log.hpp"
#include "lib/core/log_format.hpp"
#include "cmd/readable.hpp"
#include "lib/engine/labels.hpp"

namespace crmexport::cmd {
namespace {

struct FieldsArgs {
  std::string connection;
  std::string type;
  std::string api_version;
  bool json = false;
  bool refresh_names = false;
};

std::string options_text(const fields::Field& field) {
  std::string out;
  for (const auto& option : field.options)
    out += fmt::format("{}{}={}", out.empty() ? "" : "; ", fields::plain_id(option.id), option.label);
  return out;
}

void run(const Context& context, const FieldsArgs& args) {
  auto store = context.open_store();
  auto connection = resolve_connection(store, args.connection);
  const auto& provider = provider_named(connection.provider);
  const auto& version = api_version(provider, connection.api_version, args.api_version);
  const auto& type = *types_named(provider, version, {args.type}).front();

  std::vector<fields::Field> listed;
  if (!type.fields) {
    log::info("{}: {} has no field metadata for this type (API {}); its records' keys are their names",
              type.name, provider.title, version.name);
  } else {
    auto session = open_session(context, connection);
    auto loaded = value_or_throw(engine::load_fields(*session, type, store, args.refresh_names));
    const auto& all = loaded.relabeler->fields();
    listed.assign(all.begin(), all.begin() + static_cast<long>(loaded.current));
  }
  if (args.json) {
    std::string out = "[";
    for (const auto& field : listed) out += (out.size() > 1 ? "," : "") + fields::field_json(field);
    fmt::print("{}]\n", out);
    return;
  }
  if (listed.empty()) return;
  // Cells are the CRM's text: a tab or newline in a label would shift the columns, and a control
  // character would reach the terminal, so each cell is made printable as log lines are.
  fmt::print("key\tname\tlabel\ttype\tcustom\toptions\n");
  for (const auto& field : listed)
    fmt::print("{}\t{}\t{}\t{}\t{}\t{}\n", log::printable(field.key), log::printable(field.name),
               log::printable(field.label), log::printable(field.type), field.custom ? "custom" : "built-in",
               log::printable(options_text(field)));
}

}  // namespace

void register_fields_command(CLI::App& app, Context& context) {
  auto args = std::make_shared<FieldsArgs>();
  auto* command = app.add_subcommand("fields", "list a type's fields: keys, readable names, labels, options");
  command->add_option("connection", args->connection, "connection name, or provider name when it has one connection")
      ->required();
  command->add_option("type", args->type, "the type (`crmexport providers` lists them)")->required();
  command->add_flag("--json", args->json, "one JSON array of {key, name, label, type, custom, options}");
  command->add_flag("--refresh-names", args->refresh_names, k_refresh_names_help);
  command->add_option("--api-version", args->api_version, "API version (`crmexport providers` lists them)");
  command->callback([&context, args] { run(context, *args); });
}

}  // namespace crmexport::cmd
