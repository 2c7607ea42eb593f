// `crmexport providers`: what can be exported, from where, with which credentials.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fmt/format.h>

#include <cstdio>

#include "cmd/commands.hpp"
#include "providers/registry.hpp"

namespace crmexport::cmd {
namespace {

void print_text() {
  for (const auto* p : providers::all()) {
    std::string auth;
    for (const auto& kind : p->auth_kinds) auth += (auth.empty() ? "" : ", ") + kind;
    fmt::print("{} ({})\n  auth: {}\n  base URL: {}{}\n", p->name, p->title, auth,
               p->default_base_url.empty() ? "required (--base-url)" : p->default_base_url,
               p->base_url_hint.empty() ? "" : fmt::format(" or {}", p->base_url_hint));
    for (const auto& v : p->versions) {
      fmt::print("  API {}{}: {}\n", v.name, &v == &p->default_version() ? " (default)" : "", v.note);
      for (const auto& t : v.types) fmt::print("    {:<16}{}{}\n", t.name, t.description, t.since ? " [--since]" : "");
    }
  }
}

void print_json() {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  for (const auto* p : providers::all()) {
    w.StartObject();
    w.Key("name"), w.String(p->name);
    w.Key("title"), w.String(p->title);
    w.Key("default_base_url"), w.String(p->default_base_url);
    w.Key("auth_kinds"), w.StartArray();
    for (const auto& kind : p->auth_kinds) w.String(kind);
    w.EndArray();
    w.Key("default_api_version"), w.String(p->default_version().name);
    w.Key("api_versions"), w.StartArray();
    for (const auto& v : p->versions) {
      w.StartObject();
      w.Key("name"), w.String(v.name);
      w.Key("note"), w.String(v.note);
      w.Key("types"), w.StartArray();
      for (const auto& t : v.types) {
        w.StartObject();
        w.Key("name"), w.String(t.name);
        w.Key("description"), w.String(t.description);
        w.Key("path"), w.String(t.path);
        w.Key("max_page_size"), w.Int(t.max_page_size);
        w.Key("since"), w.Bool(t.since.has_value());
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  std::puts(buffer.GetString());
}

}  // namespace

void register_providers_command(CLI::App& app, Context&) {
  auto* command = app.add_subcommand("providers", "list providers, their types, auth kinds and API versions");
  auto json = std::make_shared<bool>(false);
  command->add_flag("--json", *json, "as JSON");
  command->callback([json] { *json ? print_json() : print_text(); });
}

}  // namespace crmexport::cmd
