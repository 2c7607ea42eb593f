#!/usr/bin/env bash
# crmexport side by side with the official SDKs, plain HTTP loops and curl, on crm-fake (see
# docs/BENCHMARKS.md). Installs what the comparison needs, then runs bench/bench.py.
# Usage: bench/run.sh [--quick] [--only a,b,c,d] [BUILD_DIR]     (BUILD_DIR defaults to build)
#        bench/run.sh --only fleet [BUILD_DIR]   connections per minute (bench/fleet.py; no peers)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

build=build
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) pass+=("$1") ;;
    --only) pass+=("$1" "${2:?--only needs a list such as a,d}"); shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    -*) echo "bench: unknown option $1 (use --quick, --only LIST, BUILD_DIR)" >&2; exit 2 ;;
    *) build=$1 ;;
  esac
  shift
done
for binary in "$build/crmexport" "$build/tests/fake/crm-fake"; do
  [ -x "$binary" ] || { echo "bench: $binary is missing; build first (make build)" >&2; exit 2; }
done
# Connections per minute needs no peers: crmexport and crm-fake only.
if [ "${pass[*]}" = "--only fleet" ]; then
  exec /usr/bin/python3 "$here/fleet.py" --build "$build"
fi

# Debian packages, each only when what it provides is missing: taskset (util-linux),
# /usr/bin/time, curl, Node with npm (a nodesource Node may be there instead of Debian's), and
# Python's requests from Debian (never pip) for /usr/bin/python3, which runs the peers.
missing=()
command -v taskset >/dev/null || missing+=(util-linux)
[ -x /usr/bin/time ] || missing+=(time)
command -v curl >/dev/null || missing+=(curl)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
/usr/bin/python3 -c 'import requests' 2>/dev/null || missing+=(python3-requests)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "bench: installing ${missing[*]}" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# The npm peers, at exact versions, in a folder git ignores. Their latest majors need Node 22+;
# these are the newest that run on Debian 12's Node 20.
peers="$here/.peers"
npm_peers=("@hubspot/api-client@13.5.0" "pipedrive@33.7.0" "axios@1.21.1")
installed() { node -p "require('$peers/node_modules/$1/package.json').version" 2>/dev/null || true; }
stale=()
for spec in "${npm_peers[@]}"; do
  name=${spec%@*} version=${spec##*@}
  [ "$(installed "$name")" = "$version" ] || stale+=("$spec")
done
if [ ${#stale[@]} -gt 0 ]; then
  for spec in "${stale[@]}"; do
    [ "$(npm view "$spec" version 2>/dev/null)" = "${spec##*@}" ] ||
      { echo "bench: npm has no $spec; update npm_peers in bench/run.sh" >&2; exit 1; }
  done
  echo "bench: installing ${stale[*]} into $peers" >&2
  mkdir -p "$peers"
  npm install --prefix "$peers" --save-exact --no-audit --no-fund --loglevel=error "${npm_peers[@]}" >&2
fi

exec /usr/bin/python3 "$here/bench.py" --build "$build" --peers "$peers" "${pass[@]}"
