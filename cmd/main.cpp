// crmexport: pull every record out of a CRM account and hand it to the shell.
#include <csignal>
#include <cstdio>

#include "cmd/commands.hpp"
#include "lib/core/log.hpp"
#include "lib/output/writer.hpp"

int main(int argc, char** argv) {
  using namespace crmexport;
  // A reader that goes away (`| head`) must end the run quietly through EPIPE, not kill it
  // with SIGPIPE half-way through closing files.
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"crmexport: export every record of a CRM account as NDJSON, JSON or CSV"};
  app.set_version_flag("--version", "crmexport " CRMEXPORT_VERSION);
  app.require_subcommand(1);
  cmd::Context context;
  app.add_option("--store", context.store_path,
                 "credential store (default: $CRMEXPORT_STORE or "
                 "$XDG_CONFIG_HOME/crmexport/store.db)");
  app.add_flag("-v,--verbose", context.verbose, "log every request on stderr");
  app.add_flag("-q,--quiet", context.quiet, "no progress or notes on stderr, errors only");
  app.add_option("--max-retries", context.max_retries, "retries per request for 429, 5xx and network errors")
      ->check(CLI::Range(0, 100));
  app.parse_complete_callback([&] {
    log::set_level(context.quiet ? log::Level::quiet : context.verbose ? log::Level::verbose : log::Level::normal);
  });

  cmd::register_providers_command(app, context);
  cmd::register_auth_command(app, context);
  cmd::register_export_command(app, context);
  cmd::register_sync_command(app, context);
  cmd::register_fields_command(app, context);

  try {
    app.parse(argc, argv);
    return 0;
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help, version, or the error with a hint
    return code == 0 ? 0 : 2;
  } catch (const Fatal& e) {
    std::fflush(stdout);
    log::write("error: ", e.error().message);
    return exit_code(e.error().kind);
  } catch (const output::BrokenPipe&) {
    return 0;  // the reader has what it wanted
  } catch (const std::exception& e) {
    log::write("error: ", e.what());
    return 1;
  }
}
