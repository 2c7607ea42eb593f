#!/usr/bin/env bash
# Installs the Debian packages crmexport needs to build and test. Idempotent: prints nothing
# when everything is already there, so it can run before every build.
set -euo pipefail

# ca-certificates: libcurl only recommends it, and without it no HTTPS request to a CRM succeeds.
# dpkg-dev (dpkg-shlibdeps) for the .deb's dependencies; man-db, zsh and fish for the tests of the
# man page and the completion scripts. libpq-dev for the PostgreSQL mirror and store; postgresql
# for the tests, which start throw-away clusters of their own (tests/support/postgres.hpp).
# libdeflate-dev and zlib1g-dev: answers are inflated whole (lib/http/decode.hpp); libsimdjson-dev
# validates pages before their records are split out (lib/json/page.cpp). tmux: the terminal
# session tests type into crmexport and read its screen as a person would (tests/support/tmux.hpp).
packages=(g++ cmake make pkg-config libcli11-dev libcurl4-openssl-dev libssl-dev rapidjson-dev
          libsqlitecpp-dev libsqlite3-dev libfmt-dev catch2 libcpp-httplib-dev time
          ca-certificates dpkg-dev man-db zsh fish libpq-dev postgresql libdeflate-dev zlib1g-dev
          libsimdjson-dev lintian tmux)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "setup: installing ${missing[*]}" >&2
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
