// crmexport: pull every record out of a CRM account and hand it to the shell.
#include <malloc.h>

#include <csignal>
#include <cstdio>

#include "cmd/commands.hpp"
#include "cmd/parse_errors.hpp"
#include "lib/core/log.hpp"
#include "lib/output/writer.hpp"

int main(int argc, char** argv) {
  using namespace crmexport;
  // A reader that goes away (`| head`) must end the run quietly through EPIPE, not kill it
  // with SIGPIPE half-way through closing files.
  std::signal(SIGPIPE, SIG_IGN);
  // Every page allocates and frees a few hundred KB (the answer, its parse, its records), partly
  // on the fetching thread. glibc's defaults give such blocks back to the kernel and fault them
  // in again on a later page (4% of the CPU time of a large export, measured with perf). Keeping
  // freed memory for reuse leaves peak memory where it was: the pages held at once.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);

  CLI::App app{"crmexport: export every record of a CRM account as NDJSON, JSON or CSV"};
  cmd::help_when_bare(app);
  cmd::Context context;
  cmd::register_global_options(app, context);  // first: subcommands inherit their fallthrough

  cmd::register_providers_command(app, context);
  cmd::register_auth_command(app, context);
  cmd::register_export_command(app, context);
  cmd::register_sync_command(app, context);
  cmd::register_fields_command(app, context);
  cmd::register_completion_command(app, context);
  cmd::register_man_command(app, context);
  cmd::register_help_command(app, context);
  cmd::add_examples(app);

  // The shell's completion scripts ask before anything is parsed: the words may be incomplete.
  if (auto answered = cmd::answer_completion_request(app, argc, argv)) return *answered;

  try {
    app.parse(argc, argv);
    return 0;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help and --version, on stdout
    std::vector<std::string> args(argv + 1, argv + argc);
    cmd::honour_log_format(app, args);
    log::write_exit(cmd::explain_parse_error(app, args, e), 2);
    return 2;
  } catch (const Fatal& e) {
    std::fflush(stdout);
    log::write_exit(e.error().message, exit_code(e.error().kind));
    return exit_code(e.error().kind);
  } catch (const output::BrokenPipe&) {
    return 0;  // the reader has what it wanted
  } catch (const std::exception& e) {
    log::write_exit(e.what(), 1);
    return 1;
  }
}
