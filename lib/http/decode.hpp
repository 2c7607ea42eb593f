#pragma once
// A body as the provider compressed it, made plain. crmexport asks for gzip and deflate and
// decodes the whole body once it is in, rather than letting libcurl inflate it piece by piece:
// libdeflate inflates a page three times faster than zlib, and the next page's request waits for
// the body (its cursor is inside).
#include <cstddef>
#include <string>
#include <string_view>

namespace crmexport::http {

enum class Decoded { ok, too_large, malformed, unknown_encoding };

// Replaces `body` (as sent with Content-Encoding `encodings`: a comma-separated list in the order
// applied, as several headers join; empty for none) by its plain text,
// refusing one that would pass `max_bytes` before holding it (a gzip bomb): the gzip trailer's
// size is checked first, and a body whose trailer is not to be believed is inflated in pieces
// against the cap.
Decoded decode_body(std::string& body, std::string_view encodings, std::size_t max_bytes);

}  // namespace crmexport::http
