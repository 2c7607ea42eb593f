#pragma once
// The one redaction step for text leaving the process (after git's http.c redact_sensitive_header
// and GIT_TRACE_REDACT): code that learns a secret registers it; log::write, which every message,
// warning, -v line and main's final error goes through, replaces each registered secret, in the
// forms a server may echo it (as sent, percent-encoded, form-encoded), with k_redacted. Call sites
// then need not know which of their text came from a server that echoes what it was sent.
#include <string>
#include <string_view>

namespace crmexport::redact {

inline constexpr std::string_view k_redacted = "[REDACTED]";
// Shorter values are not registered: no real token is this short, and hiding every "abc" would
// garble messages without protecting anything.
inline constexpr std::size_t k_min_secret_length = 6;

// Remembers `secret` for the rest of the process. Thread-safe.
void add_secret(std::string_view secret);
// `text` with every registered secret replaced. Thread-safe.
std::string apply(std::string_view text);
// Forgets every secret (tests).
void clear_secrets();

}  // namespace crmexport::redact
