#include "lib/core/redact.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

namespace crmexport::redact {
namespace {

std::mutex g_mutex;
std::vector<std::string> g_forms;  // longest first, so a secret inside another is not cut in two

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// RFC 3986 percent-encoding with upper- or lower-case hex; `plus_for_space` gives the form
// (application/x-www-form-urlencoded) spelling.
std::string percent_encoded(std::string_view text, const char* hex, bool plus_for_space) {
  std::string out;
  for (unsigned char c : text) {
    if (unreserved(c)) {
      out += static_cast<char>(c);
    } else if (c == ' ' && plus_for_space) {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

void remember(std::string form) {
  if (form.size() < k_min_secret_length || std::ranges::find(g_forms, form) != g_forms.end()) return;
  g_forms.push_back(std::move(form));
  std::ranges::stable_sort(g_forms, [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

}  // namespace

void add_secret(std::string_view secret) {
  if (secret.size() < k_min_secret_length) return;
  std::lock_guard lock(g_mutex);
  remember(std::string(secret));
  remember(percent_encoded(secret, "0123456789ABCDEF", false));
  remember(percent_encoded(secret, "0123456789abcdef", false));
  remember(percent_encoded(secret, "0123456789ABCDEF", true));
  remember(percent_encoded(secret, "0123456789abcdef", true));
}

std::string apply(std::string_view text) {
  std::string out(text);
  std::lock_guard lock(g_mutex);
  for (const auto& form : g_forms) {
    for (auto at = out.find(form); at != std::string::npos; at = out.find(form, at + k_redacted.size()))
      out.replace(at, form.size(), k_redacted);
  }
  return out;
}

void clear_secrets() {
  std::lock_guard lock(g_mutex);
  g_forms.clear();
}

}  // namespace crmexport::redact
