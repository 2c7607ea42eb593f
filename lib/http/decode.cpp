#include "lib/http/decode.hpp"

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <memory>
#include <vector>

namespace crmexport::http {
namespace {

// More encodings on one body than any server applies (one, rarely two) are refused rather than
// undone one after another.
constexpr std::size_t k_max_encodings = 4;

std::string lower_trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// zlib in pieces, against the cap: for deflate, for gzip of several members, and for a gzip
// whose trailer names another size (a bomb may lie there). `window_bits`: 15 + 32 reads zlib and
// gzip headers alike; -15 reads a raw deflate stream (what some servers send as "deflate").
Decoded inflate_capped(std::string& body, int window_bits, std::size_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, window_bits) != Z_OK) return Decoded::malformed;
  std::unique_ptr<z_stream, decltype(&inflateEnd)> guard(&stream, inflateEnd);
  std::string out;
  char buffer[64 * 1024];
  stream.next_in = reinterpret_cast<Bytef*>(body.data());
  stream.avail_in = static_cast<uInt>(body.size());
  for (;;) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    const int result = inflate(&stream, Z_NO_FLUSH);
    const std::size_t produced = sizeof buffer - stream.avail_out;
    if (produced > max_bytes - out.size()) return Decoded::too_large;
    out.append(buffer, produced);
    if (result == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      if (inflateReset(&stream) != Z_OK) return Decoded::malformed;  // the next gzip member
      continue;
    }
    if (result != Z_OK) return Decoded::malformed;  // corrupt, or cut short (Z_BUF_ERROR)
  }
  body = std::move(out);
  return Decoded::ok;
}

Decoded gunzip(std::string& body, std::size_t max_bytes) {
  // The trailer's last four bytes are the size modulo 2^32 (RFC 1952 §2.3.1): allocate once and
  // inflate in one call. A size past the cap may be a bomb or bytes of a body cut short: zlib
  // against the cap tells which.
  if (body.size() < 18) return Decoded::malformed;
  const auto* tail = reinterpret_cast<const unsigned char*>(body.data() + body.size() - 4);
  const std::size_t size = tail[0] | (tail[1] << 8) | (tail[2] << 16) | (static_cast<std::size_t>(tail[3]) << 24);
  if (size > max_bytes) return inflate_capped(body, 15 + 32, max_bytes);
  thread_local std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)> decompressor(
      libdeflate_alloc_decompressor(), libdeflate_free_decompressor);
  if (!decompressor) return inflate_capped(body, 15 + 32, max_bytes);
  // Capacity from a few fixed sizes: answers of slightly different sizes then reuse each other's
  // freed blocks. Exact sizes made a malloc arena grow by ~10 MiB a million records (CSV's slower
  // writer keeps more answers alive at once). Pages past the size are never touched.
  std::string out;
  out.reserve(std::bit_ceil(size));
  out.resize(size);
  std::size_t in_used = 0, out_used = 0;
  const auto result = libdeflate_gzip_decompress_ex(decompressor.get(), body.data(), body.size(), out.data(),
                                                    out.size(), &in_used, &out_used);
  if (result == LIBDEFLATE_SUCCESS && in_used == body.size() && out_used == size) {
    body = std::move(out);
    return Decoded::ok;
  }
  return inflate_capped(body, 15 + 32, max_bytes);
}

// One encoding of the list.
Decoded decode_one(std::string& body, std::string_view encoding, std::size_t max_bytes) {
  const std::string name = lower_trimmed(encoding);
  if (name.empty() || name == "identity" || body.empty()) return Decoded::ok;  // a 204 may name one
  if (name == "gzip" || name == "x-gzip") return gunzip(body, max_bytes);
  if (name == "deflate") {
    // RFC 9110 §8.4.1.2 says a zlib stream; some servers send raw deflate. As libcurl does: zlib
    // first, raw if that fails (a failed attempt leaves the body as it was).
    if (auto decoded = inflate_capped(body, 15, max_bytes); decoded != Decoded::malformed) return decoded;
    return inflate_capped(body, -15, max_bytes);
  }
  return Decoded::unknown_encoding;
}

}  // namespace

Decoded decode_body(std::string& body, std::string_view encodings, std::size_t max_bytes) {
  // Undone last first (RFC 9110 §8.4: listed in the order they were applied).
  std::vector<std::string_view> names;
  for (std::size_t at = 0; at <= encodings.size();) {
    const std::size_t comma = std::min(encodings.find(',', at), encodings.size());
    names.push_back(encodings.substr(at, comma - at));
    at = comma + 1;
  }
  if (names.size() > k_max_encodings) return Decoded::unknown_encoding;
  for (auto name = names.rbegin(); name != names.rend(); ++name)
    if (auto decoded = decode_one(body, *name, max_bytes); decoded != Decoded::ok) return decoded;
  return Decoded::ok;
}

}  // namespace crmexport::http
