#pragma once
// Many accounts in one crm-fake process (--accounts N). Each account is what one client's CRM
// account is upstream: its own records, credentials and rate-limit windows (FACTS: the burst
// limits of HubSpot §4, Pipedrive §4, Keap and ActiveCampaign count per token or account). Each
// listens on its own loopback port, so its base URL tells it apart, as Pipedrive's api_domain
// and ActiveCampaign's account URL do upstream; Keap and HubSpot use one host for every account
// and tell them apart by token, which every account here also checks: another account's token
// gets that provider's 401.
#include "tests/fake/options.hpp"

#include <filesystem>
#include <string>

namespace crm_fake {

// Account `index`'s options: account 0 is `base` unchanged; account K > 0 gets seed + K and
// credentials ending in "-K" (token, client id and secret, first refresh token).
FakeOptions account_options(const FakeOptions& base, int index);

// Where account `index` dumps its dataset below --dump DIR: DIR itself for account 0.
std::filesystem::path account_dump_dir(const std::filesystem::path& dir, int index);

}  // namespace crm_fake
