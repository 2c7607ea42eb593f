// The options every command takes, before or after the subcommand (`crmexport export ... -q`, as
// gh and rclone accept): CLI11's fallthrough hands an option a subcommand does not know to its
// parent, and subcommands inherit fallthrough when they are made, so this runs before them.
#include "cmd/commands.hpp"
#include "lib/core/log.hpp"
#include "lib/core/version.hpp"

namespace crmexport::cmd {

void register_global_options(CLI::App& app, Context& context) {
  app.fallthrough();
  app.set_version_flag("-V,--version", [] { return version_report(); }, "print the version of crmexport and its libraries");
  app.add_option("--store", context.store_path,
                 "credential store: a file, or postgresql://... shared by hosts (default: $CRMEXPORT_STORE or "
                 "$XDG_CONFIG_HOME/crmexport/store.db)");
  app.add_flag("-v,--verbose", context.verbose, "log every request on stderr");
  app.add_flag("-q,--quiet", context.quiet, "no progress or notes on stderr, errors only");
  app.add_option("--max-retries", context.max_retries, "retries per request for 429, 5xx and network errors")
      ->check(CLI::Range(0, 100));
  app.add_option("--request-timeout", context.request_timeout_seconds,
                 "seconds one request may take, from connecting to the last byte (default 600); a slower one is "
                 "retried as a network failure")
      ->check(CLI::Range(1, 86'400));
  auto log_format = std::make_shared<std::string>("text");
  app.add_option("--log-format", *log_format,
                 "text (timestamped when stderr is not a terminal) or json (one object per message line)")
      ->transform(CLI::IsMember({"text", "json"}, CLI::ignore_case));  // JSON is json
  app.parse_complete_callback([&context, log_format] {
    log::set_level(context.quiet ? log::Level::quiet : context.verbose ? log::Level::verbose : log::Level::normal);
    log::set_format(log::parse_format(*log_format).value_or(log::Format::text));
  });
}

}  // namespace crmexport::cmd
