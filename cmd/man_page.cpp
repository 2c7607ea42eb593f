#include "cmd/man_page.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ranges>

#include "cmd/command_line.hpp"
#include "cmd/reference.hpp"

namespace crmexport::cmd {
namespace {

// Text safe in roff: backslashes escaped, hyphens as minus signs (so options can be searched and
// copied), and no line that starts with a control character.
std::string roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
    line_start = c == '\n';
  }
  return out;
}

// What an option's value stands for: its long name in capitals (--store STORE), or N for numbers.
std::string metavar(const CLI::Option& option) {
  if (option.get_expected_min() == 0) return "";  // a flag
  auto type = option.get_type_name();
  if (type.starts_with("INT") || type.starts_with("UINT")) return "N";
  std::string name = option.get_lnames().empty() ? option.get_name() : option.get_lnames().front();
  std::ranges::transform(name, name.begin(), [](unsigned char c) { return c == '-' ? '_' : std::toupper(c); });
  return name;
}

std::string option_entry(const CLI::Option& option) {
  std::string names;
  for (const auto& s : option.get_snames()) names += (names.empty() ? "" : ", ") + fmt::format("\\fB\\-{}\\fR", s);
  for (const auto& l : option.get_lnames())
    names += (names.empty() ? "" : ", ") + fmt::format("\\fB{}\\fR", roff("--" + l));
  auto value = metavar(option);
  if (!value.empty()) names += fmt::format(" \\fI{}\\fR", value);
  return fmt::format(".TP\n{}\n{}\n", names, roff(option.get_description()));
}

std::string synopsis_of(const CLI::App& command) {
  std::string out = command_path(command);
  for (const auto* positional : positionals_of(command)) {
    std::string name = positional->get_name();
    std::ranges::transform(name, name.begin(), [](unsigned char c) { return std::toupper(c); });
    if (positional->get_items_expected_max() > 1) name += "...";
    out += positional->get_required() ? " " + name : " [" + name + "]";
  }
  if (!command.get_options([](const CLI::Option* o) { return !o->get_positional(); }).empty()) out += " [OPTIONS]";
  if (!visible_subcommands(command).empty()) out += " COMMAND";
  return out;
}

void write_command(const CLI::App& command, std::string& out) {
  out += fmt::format(".SS \"{}\"\n{}\n", roff(synopsis_of(command)), roff(command.get_description()));
  for (const auto* positional : positionals_of(command)) {
    std::string name = positional->get_name();
    std::ranges::transform(name, name.begin(), [](unsigned char c) { return std::toupper(c); });
    out += fmt::format(".TP\n\\fI{}\\fR\n{}\n", name, roff(positional->get_description()));
  }
  for (const auto* option :
       command.get_options([](const CLI::Option* o) { return !o->get_positional() && !o->get_group().empty(); }))
    if (!option->check_name("--help")) out += option_entry(*option);
  if (auto footer = command.get_footer(); !footer.empty())
    out += fmt::format(".PP\n.nf\n{}\n.fi\n", roff(footer));
  for (const auto* sub : visible_subcommands(command)) write_command(*sub, out);
}

constexpr std::string_view k_description = R"(\fBcrmexport\fR pulls every record out of a CRM account (Pipedrive,
HubSpot, Keap, ActiveCampaign) and hands it to the shell: NDJSON that \fBjq\fR(1) reads as it
arrives, one JSON array, or CSV with a stable header. It pages each API to the end, retries what
can be retried, waits out rate limits, renews OAuth tokens, and never writes a file that looks
complete when it is not. \fBcrmexport sync\fR keeps an incremental, resumable SQLite mirror.
.PP
A connection (\fBauth add\fR) names a provider, an account and its secret; secrets come from
standard input or the environment, never from arguments. Global options may come before or after
the command. \fBcrmexport \fICOMMAND\fB \-\-help\fR lists one command's options and examples.
)";

constexpr std::string_view k_formats = R"(.TP
\fBndjson\fR (default)
One record per line, compact JSON, exactly as the provider sent it (numbers keep their digits).
.TP
\fBjson\fR
One array: [ and ] on their own lines, one record per line between them.
.TP
\fBcsv\fR
RFC 4180 with CRLF line ends and a header line. Nested objects become dot\-path columns, arrays
one cell of compact JSON, null an empty cell. \fB\-\-fields\fR chooses and orders the columns.
.PP
With \fB\-o\fR \fIFILE\fR the format follows the extension (.ndjson, .jsonl, .json, .csv) unless
\fB\-f\fR says otherwise; \fB\-o\fR \fIDIR/\fR writes \fIDIR/TYPE.EXT\fR for each type, and
\fIDIR/manifest.json\fR (counts, the provider's totals, SHA-256 of each file). Files appear complete
or not at all: an export that stops early keeps \fIFILE.partial\fR and its state, and the same
command with \fB\-\-resume\fR finishes it.
)";

// A table's entries as tagged paragraphs: the names in bold, the meaning as plain text.
template <typename Entry>
std::string tagged_list(std::span<const Entry> entries, std::string_view Entry::* tag) {
  std::string out;
  for (const auto& entry : entries) {
    std::string names;
    for (auto part : std::views::split(entry.*tag, std::string_view(", ")))
      names += (names.empty() ? "" : ", ") + fmt::format("\\fB{}\\fR", roff(std::string_view(part.begin(), part.end())));
    out += fmt::format(".TP\n{}\n{}\n", names, roff(entry.meaning));
  }
  return out;
}

constexpr std::string_view k_files = R"(.TP
\fI~/.config/crmexport/store.db\fR
The credential store (mode 0600, its folder 0700), a SQLite file migrated in place on upgrade.
.TP
\fIPATH\fR and \fIPATH\-lock\fR
A \fBsync\fR mirror (\fB\-\-db\fR \fIPATH\fR, SQLite in WAL mode) and the lock that keeps one
sync at a time on it.
)";

constexpr std::string_view k_messages = R"(Data goes to standard output; messages go to standard error. On a terminal they read
\fBcrmexport: MESSAGE\fR. Elsewhere (a file, a pipe, cron) every line starts with the time in
RFC 3339, UTC: \fB2026\-11\-30T12:00:00Z crmexport: MESSAGE\fR. With \fB\-\-log\-format json\fR
each message is one JSON object per line with \fBtime\fR, \fBlevel\fR (error, warning, info,
debug), \fBmessage\fR, and \fBconnection\fR, \fBtype\fR and \fBexit_code\fR where they apply.
)";

}  // namespace

std::string man_page(const CLI::App& root) {
  // No hyphenation and a ragged right margin: option and variable names must stay whole.
  std::string out =
      fmt::format(".TH CRMEXPORT 1 \"\" \"crmexport {}\" \"User Commands\"\n.nh\n.ad l\n", CRMEXPORT_VERSION);
  out += fmt::format(".SH NAME\ncrmexport \\- {}\n", roff(root.get_description().substr(root.get_description().find(": ") + 2)));
  out += ".SH SYNOPSIS\n.B crmexport\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGUMENTS\\fR] [\\fIOPTIONS\\fR]\n";
  out += ".SH DESCRIPTION\n" + std::string(k_description);
  out += ".SH GLOBAL OPTIONS\n";
  for (const auto* option : root.get_options([](const CLI::Option* o) { return !o->get_group().empty(); }))
    out += option_entry(*option);
  out += ".SH COMMANDS\n";
  for (const auto* command : visible_subcommands(root)) write_command(*command, out);
  out += ".SH FORMATS\n" + std::string(k_formats);
  out += ".SH MESSAGES\n" + std::string(k_messages);
  out += ".SH EXIT STATUS\n" + tagged_list(exit_codes(), &ExitCodeEntry::codes);
  out += ".SH ENVIRONMENT\n" + tagged_list(environment_variables(), &EnvironmentEntry::name);
  out += ".SH FILES\n" + std::string(k_files);
  out += ".SH SEE ALSO\n\\fBjq\\fR(1), \\fBsqlite3\\fR(1). The providers' types and quirks: "
         "\\fIshare/doc/crmexport/docs/providers/\\fR under the installation prefix.\n";
  return out;
}

}  // namespace crmexport::cmd
