#pragma once
// Command-line flags of crm-fake. Every knob a test or benchmark turns is here.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace crm_fake {

struct FakeOptions {
  int port = 0;
  std::uint64_t seed = 1;
  std::int64_t records = 100;
  int latency_ms = 0;
  std::string token = "fake-token";
  int burst = 40;
  std::optional<std::filesystem::path> dump_dir;
  int lifetime_seconds = 900;
  std::int64_t max_requests = 200000;
  std::int64_t inject_429_every = 0;
  std::int64_t inject_500_every = 0;
  std::int64_t inject_malformed_every = 0;
  // After this many authenticated API requests, every one gets 500 until POST /_admin/heal: a
  // provider failing persistently mid-export, then recovering (0: never).
  std::int64_t fail_after_requests = 0;
  // ActiveCampaign: added to every meta.total, as when records were added while an export ran.
  std::int64_t activecampaign_total_offset = 0;
  std::int64_t churn_every = 0;  // ActiveCampaign: change contacts after every Nth contacts list
  bool verbose = false;
  // HubSpot (FACTS HubSpot §4): requests per rolling interval per token, the interval, the
  // account's daily limit, and custom properties per object type.
  int hubspot_burst = 100;
  int hubspot_interval_ms = 10000;
  std::int64_t hubspot_daily_limit = 250000;
  int hubspot_custom_properties = 5;
  // HubSpot: 1 adds two enumeration properties per object type (a select and a multiple
  // checkbox); off by default so the default dataset stays as it was.
  int hubspot_option_properties = 0;
  int hubspot_search_per_second = 5;
  // Pipedrive's daily token budget (FACTS Pipedrive §4), charged at each endpoint's
  // x-token-cost; 0: no budget.
  std::int64_t pipedrive_daily_tokens = 0;
  // OAuth2 (every provider's fake token endpoint): the registered client, the first refresh
  // token, and how long issued access tokens live.
  std::string client_id = "fake-client";
  std::string client_secret = "fake-secret";
  std::string refresh_token = "fake-refresh";
  int access_ttl_seconds = 3600;
  // Pipedrive's token answers carry api_domain (FACTS Pipedrive §2); tests choose it (a hostile
  // one included). Empty: left out.
  std::string pipedrive_api_domain;
  // Accounts served by this process (accounts.hpp): account 0 is the one the flags describe;
  // account K > 0 has its own port, seed, credentials, rate-limit windows and dump.
  int accounts = 1;
};

enum class ParseOutcome { run, help, usage_error };

struct ParsedOptions {
  ParseOutcome outcome = ParseOutcome::run;
  FakeOptions options;
  std::string error;
};

ParsedOptions parse_options(int argc, char** argv);
std::string usage_text();

}  // namespace crm_fake
