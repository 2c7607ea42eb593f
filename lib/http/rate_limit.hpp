#pragma once
// Staying under a provider's rate limit instead of running into 429s: one Pacer per connection,
// shared by every request of it from every thread (the engine's Session owns it).
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/http/clock.hpp"
#include "lib/http/message.hpp"
#include "lib/http/wait_note.hpp"

namespace crmexport::http {

// A published budget: at most `requests` requests of `lane` in any rolling `per`.
// Lanes keep budgets apart that the provider counts apart (HubSpot's search has its own 5/s and
// does not count toward the 10-second bucket): "" is every request not in a named lane.
struct RateWindow {
  std::string lane;
  int requests = 0;
  Duration per{0};
};

// What a provider tells about its limits. Every field is optional.
struct RateLimitRules {
  Duration min_interval{0};        // a documented fixed rate, e.g. 5 requests a second
  std::vector<RateWindow> windows;  // documented budgets, kept before any header says more
  // The size of the general lane's first window as the provider reports it (the account's plan
  // may allow more, or fewer, than the declared default).
  std::string limit_header;
  std::string remaining_header;  // requests left in the current window
  std::string reset_header;      // time until the window has room again
  Duration reset_unit{1000};     // what one unit of reset_header is worth
  // Further "requests left" headers (e.g. a tenant-wide throttle beside a per-key one); a value
  // may hold several windows separated by '|' ("12|3400"). Any window at 0 pauses like remaining_header.
  std::vector<std::string> more_remaining_headers;
  Duration empty_window_wait{1000};  // the pause when a window is empty and no reset time is given
};

// Header values are the server's: every duration read from one saturates here instead of
// overflowing (a century is "longer than any wait", and far from the clock's range).
inline constexpr Duration k_longest_wait = std::chrono::duration_cast<Duration>(std::chrono::years(100));
Duration saturating_multiply(std::int64_t units, Duration unit);

// "1.5s", "12m 5s", "27h 46m": a wait as a person reads it.
std::string describe_wait(Duration wait);

// Spaces requests across threads: a fixed minimum interval, rolling windows per lane, a shared
// pause after a 429 or an empty window. Slots are booked in order under a mutex and waited out
// outside it (as Go's rate.Limiter.Reserve), so the booked times, not thread timing, keep the budget.
class Pacer {
 public:
  // Waits longer than `max_wait` are not slept: acquire() fails with the provider's wait instead.
  // `connection` names the announced waits ("hs: waiting 8.7s ..."): a run over many connections
  // has one pacer for each.
  Pacer(RateLimitRules rules, Clock& clock, Duration max_wait, std::string provider_title = "the provider",
        std::string connection = {});

  // Waits until a request of `lane` may go and books its slot (returned: hand it to observe());
  // a rate_limited Error when the wait would be longer than max_wait. A pause of
  // k_announced_wait or more is said on stderr once, with the types it holds up (each request's
  // wait only with -v); waits of k_noted_wait or more are told to `observer` (a type's progress
  // line), with the limit that caused them.
  Result<std::chrono::steady_clock::time_point> acquire(std::string_view lane = {},
                                                        const WaitObserver* observer = nullptr);
  // Learns from an answer's headers: the window's size, and a pause for every thread when what
  // is left would not cover the requests already on their way. Ends the request's flight, and
  // moves its slot to now: the provider counted it at some moment before its answer, so later
  // windows are measured from the answer (a request delayed on its way cannot crowd a window).
  void observe(const Response& response, std::string_view lane = {},
               std::optional<std::chrono::steady_clock::time_point> slot = std::nullopt);
  // Ends the flight of a request that got no answer.
  void release();
  // Every thread waits until `wait` from now has passed (after a 429).
  void pause(Duration wait);
  // The provider's own reset time in a response, if it gave one.
  std::optional<Duration> reset_hint(const Response& response) const;

  // For tests: the window sizes now in force for `lane` (learned or declared).
  std::vector<int> window_sizes(std::string_view lane = {}) const;

 private:
  struct Window {
    RateWindow declared;
    std::deque<std::chrono::steady_clock::time_point> booked;  // the last `requests` slots
  };
  struct Booking {
    std::chrono::steady_clock::time_point slot;
    std::string limit;  // which limit set the slot, for the user: "limit of 100 requests per 10.0s"
    std::string detail;  // its terms alone: "100 requests per 10.0s" ("" when none is known)
  };
  // The pause now announced: until when it lasts, and the types it holds up.
  struct Announcement {
    std::chrono::steady_clock::time_point until;
    std::vector<std::string> types;
  };
  void announce(std::chrono::steady_clock::time_point slot, Duration wait, const std::string& detail);
  Result<Booking> book(std::string_view lane);
  std::int64_t count_other_clients(Window& window, const Response& response);  // under m_mutex

  RateLimitRules m_rules;
  Clock& m_clock;
  Duration m_max_wait;
  std::string m_title;
  std::string m_connection;
  mutable std::mutex m_mutex;
  std::optional<Announcement> m_announced;
  std::vector<Window> m_windows;
  std::optional<std::chrono::steady_clock::time_point> m_last_booked;
  std::optional<std::chrono::steady_clock::time_point> m_first_booked;  // the run's first request
  int m_in_flight = 0;  // acquired and not yet answered
  std::chrono::steady_clock::time_point m_paused_until{};
  std::string m_pause_reason;
  std::string m_pause_detail;  // the pause's terms for the announced line
};

// Waits this long or longer are announced on stderr even without -v: a run that seems to hang
// for a minute should say why.
inline constexpr Duration k_announced_wait{5000};
// How long the first thread held up by a pause waits for the others to join its announcement.
inline constexpr Duration k_announce_gathering{500};

}  // namespace crmexport::http
