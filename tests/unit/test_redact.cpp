#include <catch2/catch.hpp>

#include "lib/core/redact.hpp"

using namespace crmexport;

TEST_CASE("a registered secret is redacted as sent, percent-encoded and form-encoded", "[redact]") {
  redact::clear_secrets();
  redact::add_secret("s3cret/token+x y");
  CHECK(redact::apply("Bearer s3cret/token+x y!") == "Bearer [REDACTED]!");
  CHECK(redact::apply("token=s3cret%2Ftoken%2Bx%20y&a=1") == "token=[REDACTED]&a=1");
  CHECK(redact::apply("token=s3cret%2ftoken%2bx+y") == "token=[REDACTED]");
  CHECK(redact::apply("twice: s3cret/token+x y s3cret/token+x y") == "twice: [REDACTED] [REDACTED]");
  CHECK(redact::apply("nothing here") == "nothing here");
  redact::clear_secrets();
}

TEST_CASE("a secret inside a longer one is not cut in two, very short values are not secrets", "[redact]") {
  redact::clear_secrets();
  redact::add_secret("abcdef");
  redact::add_secret("xxabcdefyy");
  redact::add_secret("abc");  // too short to be a real token: registering it would garble messages
  CHECK(redact::apply("[xxabcdefyy] [abcdef] abc") == "[[REDACTED]] [[REDACTED]] abc");
  redact::clear_secrets();
}
