#include "tests/fake/options.hpp"

#include <charconv>
#include <functional>
#include <limits>
#include <map>
#include <string_view>

namespace crm_fake {
namespace {

template <typename T>
bool parse_number(std::string_view text, T min, T max, T& out) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) return false;
  out = value;
  return true;
}

template <typename T>
std::function<bool(std::string_view)> number_into(T& target, T min, T max) {
  return [&target, min, max](std::string_view text) { return parse_number(text, min, max, target); };
}

}  // namespace

std::string usage_text() {
  return R"(usage: crm-fake [options]
A fake CRM HTTP server (Pipedrive under /pipedrive, ActiveCampaign under /activecampaign) on 127.0.0.1 for tests and benchmarks.

  --port N                    port to bind on 127.0.0.1 (0 = ephemeral; default 0)
  --seed N                    dataset seed (default 1)
  --records N                 records per type (default 100, up to 1000000 and beyond)
  --latency-ms N              sleep before answering each API request (default 0)
  --token T                   the accepted API token (default fake-token)
  --burst N                   requests per rolling 2 s per token (default 40)
  --dump DIR                  write the dataset as NDJSON under DIR, then serve
  --lifetime SECONDS          exit after this long (default 900; 0 = no limit)
  --max-requests N            exit after this many API requests (default 200000; 0 = no limit)
  --inject-429-every N        answer every Nth authenticated API request with 429
  --inject-500-every N        answer every Nth authenticated API request with 500
  --inject-malformed-every N  answer every Nth authenticated API request with truncated JSON
  --fail-after-requests N     after N authenticated API requests, answer every one with 500
                              until POST /_admin/heal
  --activecampaign-total-offset N  add N to every ActiveCampaign meta.total
  --hubspot-burst N           HubSpot requests per interval per token (default 100)
  --hubspot-interval-ms N     HubSpot's rolling interval (default 10000)
  --hubspot-daily-limit N     HubSpot requests per day before a DAILY 429 (default 250000)
  --hubspot-custom-properties N  custom properties per HubSpot object type (default 5)
  --hubspot-option-properties 1  add a select and a multiple-checkbox property per HubSpot type
  --hubspot-search-per-second N  HubSpot search requests a second per token (default 5)
  --pipedrive-daily-tokens N  Pipedrive's daily token budget; once spent every request gets 429
                              (default 0: no budget)
  --churn-every N             ActiveCampaign: after every Nth contacts list, delete two contacts
                              (the lowest id and one in the middle) and insert two
  --client-id ID              the OAuth client id the token endpoints accept (default fake-client)
  --client-secret S           its secret (default fake-secret)
  --refresh-token T           the first valid refresh token (default fake-refresh); used ones die
  --access-ttl SECONDS        lifetime of issued OAuth access tokens (default 3600)
  --pipedrive-api-domain URL  the api_domain of Pipedrive's token answers (default: none sent)
  --accounts N                serve N accounts of every provider (default 1): account 0 as the
                              flags say; account K > 0 on its own port, seed + K, credentials
                              TOKEN-K, CLIENT-K, SECRET-K, REFRESH-K, dumped to DIR/account-K
  -v                          log each request to stderr
  -h, --help                  show this help

The first line on stdout is "listening on http://127.0.0.1:PORT" (account 0); with --accounts,
one line "account K listening on URL" follows for each further account, and --dump also writes
DIR/accounts.txt, account K's URL on line K + 1.
Admin: GET /_stats (request counts), POST /_shutdown; ActiveCampaign: POST /_activecampaign/churn
(change contacts once now), GET /_activecampaign/changes (ids inserted and deleted),
GET /_activecampaign/requests (every list request's path and query, in order). Types that are
rows of the object table (ActiveCampaign's, HubSpot's owners): POST /_admin/PROVIDER/TYPE/add,
/_admin/PROVIDER/TYPE/ID/modify, /_admin/PROVIDER/TYPE/ID/delete, /_admin/PROVIDER/dump (body: DIR).
)";
}

ParsedOptions parse_options(int argc, char** argv) {
  ParsedOptions parsed;
  FakeOptions& o = parsed.options;
  constexpr auto k_int_max = std::numeric_limits<int>::max();
  constexpr auto k_i64_max = std::numeric_limits<std::int64_t>::max();
  const std::map<std::string_view, std::function<bool(std::string_view)>> valued{
      {"--port", number_into(o.port, 0, 65535)},
      {"--seed", number_into(o.seed, std::uint64_t{0}, std::numeric_limits<std::uint64_t>::max())},
      // Sort indexes cost 16 bytes per record and type: 100M is far beyond any benchmark.
      {"--records", number_into(o.records, std::int64_t{0}, std::int64_t{100000000})},
      {"--latency-ms", number_into(o.latency_ms, 0, 600000)},
      {"--token",
       [&o](std::string_view text) {
         o.token = text;
         return !text.empty();
       }},
      {"--burst", number_into(o.burst, 1, k_int_max)},
      {"--client-id", [&o](std::string_view text) { return !(o.client_id = text).empty(); }},
      {"--client-secret", [&o](std::string_view text) { return !(o.client_secret = text).empty(); }},
      {"--refresh-token", [&o](std::string_view text) { return !(o.refresh_token = text).empty(); }},
      {"--access-ttl", number_into(o.access_ttl_seconds, 1, k_int_max)},
      {"--pipedrive-api-domain", [&o](std::string_view text) { return !(o.pipedrive_api_domain = text).empty(); }},
      {"--dump",
       [&o](std::string_view text) {
         o.dump_dir = std::filesystem::path(text);
         return !text.empty();
       }},
      {"--lifetime", number_into(o.lifetime_seconds, 0, k_int_max)},
      {"--max-requests", number_into(o.max_requests, std::int64_t{0}, k_i64_max)},
      {"--inject-429-every", number_into(o.inject_429_every, std::int64_t{0}, k_i64_max)},
      {"--inject-500-every", number_into(o.inject_500_every, std::int64_t{0}, k_i64_max)},
      {"--inject-malformed-every", number_into(o.inject_malformed_every, std::int64_t{0}, k_i64_max)},
      {"--fail-after-requests", number_into(o.fail_after_requests, std::int64_t{0}, k_i64_max)},
      {"--activecampaign-total-offset", number_into(o.activecampaign_total_offset, std::int64_t{0}, k_i64_max)},
      {"--hubspot-burst", number_into(o.hubspot_burst, 1, k_int_max)},
      {"--hubspot-interval-ms", number_into(o.hubspot_interval_ms, 1, k_int_max)},
      {"--hubspot-daily-limit", number_into(o.hubspot_daily_limit, std::int64_t{0}, k_i64_max)},
      {"--hubspot-custom-properties", number_into(o.hubspot_custom_properties, 0, 2000)},
      {"--hubspot-option-properties", number_into(o.hubspot_option_properties, 0, 1)},
      {"--hubspot-search-per-second", number_into(o.hubspot_search_per_second, 1, k_int_max)},
      {"--pipedrive-daily-tokens", number_into(o.pipedrive_daily_tokens, std::int64_t{0}, k_i64_max)},
      {"--churn-every", number_into(o.churn_every, std::int64_t{0}, k_i64_max)},
      {"--accounts", number_into(o.accounts, 1, 1000)},
  };

  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      parsed.outcome = ParseOutcome::help;
      return parsed;
    }
    if (arg == "-v" || arg == "--verbose") {
      o.verbose = true;
      continue;
    }
    std::string_view name = arg;
    std::optional<std::string_view> value;
    if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    const auto flag = valued.find(name);
    if (flag == valued.end()) {
      parsed.outcome = ParseOutcome::usage_error;
      parsed.error = "unknown option: " + std::string(arg);
      return parsed;
    }
    if (!value) {
      if (i + 1 >= argc) {
        parsed.outcome = ParseOutcome::usage_error;
        parsed.error = "missing value for " + std::string(name);
        return parsed;
      }
      value = argv[++i];
    }
    if (!flag->second(*value)) {
      parsed.outcome = ParseOutcome::usage_error;
      parsed.error = "invalid value for " + std::string(name) + ": " + std::string(*value);
      return parsed;
    }
  }
  return parsed;
}

}  // namespace crm_fake
