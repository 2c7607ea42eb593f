// Answers are inflated whole after they arrive (lib/http/decode.hpp): every encoding crmexport
// asks for, and every way a body can lie about its size.
#include <zlib.h>

#include <catch2/catch.hpp>

#include <string>

#include "lib/http/decode.hpp"

using namespace crmexport;
using http::Decoded;

namespace {

// `text` compressed by zlib: 16 + 15 window bits for gzip, 15 for a zlib stream, -15 for raw.
std::string compress(const std::string& text, int window_bits) {
  z_stream stream{};
  REQUIRE(deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&stream, text.size()) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

const std::string k_page = R"({"data":[{"id":1,"name":"Zoë"}],"additional_data":{"next_cursor":"c1"}})";

}  // namespace

TEST_CASE("gzip, deflate (zlib or raw) and no encoding come out as the plain page", "[http][decode]") {
  for (auto [encoding, bits] : {std::pair{"gzip", 31}, std::pair{"x-gzip", 31}, std::pair{" GZIP ", 31},
                                std::pair{"deflate", 15}, std::pair{"deflate", -15}}) {
    INFO(encoding << " " << bits);
    std::string body = compress(k_page, bits);
    CHECK(http::decode_body(body, encoding, 1 << 20) == Decoded::ok);
    CHECK(body == k_page);
  }
  for (const char* none : {"", "identity"}) {
    std::string body = k_page;
    CHECK(http::decode_body(body, none, 1 << 20) == Decoded::ok);
    CHECK(body == k_page);
  }
  std::string empty;  // a 204 that names an encoding
  CHECK(http::decode_body(empty, "gzip", 1 << 20) == Decoded::ok);
  CHECK(empty.empty());
}

TEST_CASE("a gzip body of several members or several encodings comes out whole, and a false trailer does not",
          "[http][decode]") {
  std::string two = compress(k_page, 31) + compress(k_page, 31);
  CHECK(http::decode_body(two, "gzip", 1 << 20) == Decoded::ok);
  CHECK(two == k_page + k_page);

  // Applied in turn (as a server that compresses what is already compressed sends it).
  std::string twice = compress(compress(k_page, 15), 31);
  CHECK(http::decode_body(twice, "deflate, gzip", 1 << 20) == Decoded::ok);
  CHECK(twice == k_page);
  std::string many = k_page;
  CHECK(http::decode_body(many, "gzip, gzip, gzip, gzip, gzip", 1 << 20) == Decoded::unknown_encoding);

  // A trailer whose size is wrong fails gzip's own check (RFC 1952 §2.3.1), as in any reader.
  std::string lying = compress(k_page, 31);
  lying[lying.size() - 4] = 3;
  lying[lying.size() - 3] = lying[lying.size() - 2] = lying[lying.size() - 1] = 0;
  CHECK(http::decode_body(lying, "gzip", 1 << 20) == Decoded::malformed);
}

TEST_CASE("a body that would inflate past the cap is refused before it is held", "[http][decode]") {
  const std::string zeros(4 << 20, '\0');
  std::string honest = compress(zeros, 31);
  CHECK(http::decode_body(honest, "gzip", 1 << 20) == Decoded::too_large);
  std::string lying = compress(zeros, 31);
  lying[lying.size() - 4] = 1;  // claims one byte
  lying[lying.size() - 3] = lying[lying.size() - 2] = lying[lying.size() - 1] = 0;
  CHECK(http::decode_body(lying, "gzip", 1 << 20) == Decoded::too_large);
  std::string deflated = compress(zeros, 15);
  CHECK(http::decode_body(deflated, "deflate", 1 << 20) == Decoded::too_large);
  std::string at_cap = compress(std::string(1 << 20, 'a'), 31);
  CHECK(http::decode_body(at_cap, "gzip", 1 << 20) == Decoded::ok);
  CHECK(at_cap.size() == 1 << 20);
}

TEST_CASE("a body cut short or corrupt, or in an encoding not asked for, is told apart", "[http][decode]") {
  std::string cut = compress(k_page, 31);
  cut.resize(cut.size() / 2);
  CHECK(http::decode_body(cut, "gzip", 1 << 20) == Decoded::malformed);
  std::string noise = "this is not gzip at all, and it is long enough";
  CHECK(http::decode_body(noise, "gzip", 1 << 20) == Decoded::malformed);
  CHECK(http::decode_body(noise, "deflate", 1 << 20) == Decoded::malformed);
  std::string brotli = "\x0b\x02\x80hello\x03";
  CHECK(http::decode_body(brotli, "br", 1 << 20) == Decoded::unknown_encoding);
}
