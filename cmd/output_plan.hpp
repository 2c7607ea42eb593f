#pragma once
// Where each type's records go, from -o and -f: stdout, one file, or DIR/TYPE.EXT.
#include <optional>
#include <string>
#include <vector>

#include "lib/output/writer.hpp"

namespace crmexport::cmd {

// What -f accepts, for messages and completion.
inline const std::vector<std::string> k_format_names = {"ndjson", "json", "csv"};

struct Destination {
  std::string type;
  std::optional<std::string> path;  // nullopt: stdout
};

struct OutputPlan {
  output::Format format = output::Format::ndjson;
  std::vector<Destination> destinations;  // one per type, in the order given
  std::optional<std::string> folder;      // -o DIR/
};

// Usage error (exit 2) when -o and the types do not fit together; creates a missing DIR/.
OutputPlan plan_output(const std::vector<std::string>& types, const std::string& output, const std::string& format);

}  // namespace crmexport::cmd
