#pragma once
// The command line of a run over many connections (`sync --all`, `sync CONN1 CONN2 ...`,
// `export --all`): which connections, and which of the named types each one's provider has.
#include <optional>
#include <string>
#include <vector>

#include "lib/engine/fleet.hpp"
#include "lib/store/store.hpp"
#include "providers/provider.hpp"

namespace crmexport::cmd {

// The positional words split: leading connection names, then types.
struct NamedWords {
  std::vector<std::string> connections;
  std::vector<std::string> types;
};
// With `all`, every word is a type; otherwise the first word is a connection (or a provider with
// one connection) and so is each following word that names a connection in the store.
NamedWords split_words(const store::Store& store, bool all, std::vector<std::string> words);

// Whether a word after the first connection is no type of its provider but close to a connection
// name (`sync pd1 pdd2`): then the words are read as many connections, for "did you mean".
bool names_mistyped_connection(const store::Store& store, const NamedWords& words);

struct ConnectionTypes {
  store::Connection connection;
  const providers::ApiVersion* version = nullptr;
  std::vector<const providers::TypeSpec*> types;
  std::vector<std::string> absent_types;  // named, but this provider has no such type
  std::optional<Error> refused;           // not to run (its stored name breaks the rule); version is null
};

// Every connection in the store (`all`; one whose stored name breaks the rule is `refused`) or
// the named ones (unknown ones: usage error with "did you mean"; a name that breaks the rule:
// usage error), each with the named types its provider has (none named: all of its types). A
// type no provider of these connections has is a usage error naming the closest types.
std::vector<ConnectionTypes> plan_connections(const store::Store& store, bool all, const NamedWords& words);

// The outcomes' lines on stderr: each failed connection's error, each skipped one, the types a
// provider does not have.
void report_outcomes(const std::vector<engine::ConnectionOutcome>& outcomes);

// --connections-in-parallel's default: few enough that a laptop's run stays light.
inline constexpr int k_default_connections_in_parallel = 4;

}  // namespace crmexport::cmd
