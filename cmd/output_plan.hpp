#pragma once
// Where each type's records go, from -o and -f: stdout, one file, or DIR/TYPE.EXT.
#include <string>
#include <vector>

#include "lib/engine/export_run.hpp"

namespace crmexport::cmd {

// What -f accepts, for messages and completion.
inline const std::vector<std::string> k_format_names = {"ndjson", "json", "csv"};

// Usage error (exit 2) when -o and the types do not fit together; creates a missing DIR/.
engine::OutputPlan plan_output(const std::vector<std::string>& types, const std::string& output,
                               const std::string& format);

}  // namespace crmexport::cmd
