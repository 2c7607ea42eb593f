#pragma once
// What every subcommand shares: the global options and the few steps they all take.
#include <CLI/CLI.hpp>

#include <string>

#include "lib/engine/session.hpp"
#include "lib/http/curl_transport.hpp"
#include "lib/http/retry.hpp"
#include "lib/store/store.hpp"
#include "providers/provider.hpp"

namespace crmexport::cmd {

struct Context {
  std::string store_path;  // --store; empty: the default (CRMEXPORT_STORE, XDG_CONFIG_HOME, HOME)
  bool verbose = false;
  bool quiet = false;
  int max_retries = 6;
  int request_timeout_seconds = 600;

  // The store --store (or the default) names; a usage error naming it when no file is there,
  // so a mistyped --store is not a new, empty store.
  store::Store open_store() const;
  // The same, created when missing: for `auth add` and `auth login`, which put the first
  // connection in.
  store::Store open_or_create_store() const;
  http::RetryPolicy retry_policy() const;
  http::TransportLimits transport_limits() const;
};

// The names of the providers, for "did you mean" and completion.
std::vector<std::string> provider_names();
// For counts (--page-size, --max-pages, ...): a whole number of at least 1, said in those words.
CLI::Validator at_least_one();

// The provider of that name, or a usage error listing the providers.
const providers::Provider& provider_named(std::string_view name);
// A connection by name, or by provider name when exactly one connection of it exists; a usage
// error when its stored name breaks the rule (store::check_stored_name).
store::Connection resolve_connection(const store::Store& store, std::string_view name_or_provider);
std::unique_ptr<engine::Session> open_session(const Context& context, const store::Connection& connection);
// With the caller's retries, e.g. fewer for a host that cannot be reached when a person waits.
std::unique_ptr<engine::Session> open_session(const Context& context, const store::Connection& connection,
                                              const http::RetryPolicy& retry);
// An auth failure with what to do about it for this connection: for OAuth, `auth login` (a
// refused refresh names it already), never a static token; for a token, `auth add --force`.
Error with_auth_hint(Error error, const store::Connection& connection);
// The stored API version unless `requested` names one; usage error listing versions if unknown.
const providers::ApiVersion& api_version(const providers::Provider& provider, const std::string& stored,
                                         const std::string& requested);
// The named types of that version, each once, in the order given; usage error listing the
// version's types when one is unknown.
std::vector<const providers::TypeSpec*> types_named(const providers::Provider& provider,
                                                    const providers::ApiVersion& version,
                                                    const std::vector<std::string>& names);

}  // namespace crmexport::cmd
