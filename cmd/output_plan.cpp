#include "cmd/output_plan.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <system_error>

#include "lib/core/error.hpp"
#include "lib/core/suggest.hpp"
#include "lib/output/path_inside.hpp"

namespace crmexport::cmd {

engine::OutputPlan plan_output(const std::vector<std::string>& types, const std::string& output,
                               const std::string& format) {
  engine::OutputPlan plan;
  std::optional<output::Format> chosen;
  if (!format.empty()) {
    chosen = output::parse_format(format);
    if (!chosen)
      throw Fatal(ErrorKind::usage, fmt::format("unknown format '{}'{}; formats: {}", format,
                                                did_you_mean(format, k_format_names), fmt::join(k_format_names, ", ")));
  }
  namespace fs = std::filesystem;
  bool to_stdout = output.empty() || output == "-";
  bool to_folder = !to_stdout && (output.ends_with('/') || fs::is_directory(output));

  if (to_stdout) {
    if (types.size() > 1)
      throw Fatal(ErrorKind::usage,
                  fmt::format("{} types cannot share stdout; write them to a folder with -o DIR/", types.size()));
    plan.format = chosen.value_or(output::Format::ndjson);
    plan.destinations.push_back({types.front(), std::nullopt});
    return plan;
  }
  if (to_folder) {
    std::error_code error;
    fs::create_directories(output, error);
    if (error) throw Fatal(ErrorKind::runtime, fmt::format("cannot create folder '{}': {}", output, error.message()));
    plan.format = chosen.value_or(output::Format::ndjson);
    plan.folder = output;
    // Types come from the provider's table, never as typed on the command line; the one rule for
    // paths under DIR/ holds for them anyway.
    for (const auto& type : types) {
      auto path = output::path_inside(output, fmt::format("{}.{}", type, output::extension(plan.format)));
      plan.destinations.push_back({type, value_or_throw(std::move(path)).string()});
    }
    return plan;
  }
  if (types.size() > 1)
    throw Fatal(ErrorKind::usage, fmt::format("-o {} is one file but {} types were asked for; end it with / to write "
                                              "one file per type into that folder",
                                              output, types.size()));
  if (!chosen) chosen = output::format_from_path(output);
  if (!chosen)
    throw Fatal(ErrorKind::usage, fmt::format("cannot tell the format of '{}': name it .ndjson, .jsonl, .json or .csv, "
                                              "or pass -f",
                                              output));
  // Named as the folder, before any request: the file written first is FILE.partial, whose name
  // in an error would send one looking for the wrong thing.
  const auto folder = fs::path(output).parent_path();
  std::error_code ignored;
  if (!folder.empty() && !fs::is_directory(folder, ignored))
    throw Fatal(ErrorKind::usage, fmt::format("the folder {}/ does not exist: create it, or give -o another path",
                                              folder.string()));
  plan.format = *chosen;
  plan.destinations.push_back({types.front(), output});
  return plan;
}

}  // namespace crmexport::cmd
