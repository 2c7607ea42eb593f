#pragma once
// Pipedrive's error envelope: {"success":false,"error":"...","error_info":"...",...}.
#include <string>

#include "lib/http/message.hpp"

namespace crmexport::providers::pipedrive {

std::string error_message(const http::Response& response);
// A 429 that says the company's daily token budget is spent rather than the 2-second burst.
// FACTS Pipedrive §4: once the budget is spent every request gets 429 until the reset, and no
// header reports the budget. Our reading: a burst 429 comes with x-ratelimit-remaining 0, so a
// 429 while the burst window still has room can only be the daily budget.
bool daily_budget_spent(const http::Response& response);

}  // namespace crmexport::providers::pipedrive
