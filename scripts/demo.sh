#!/usr/bin/env bash
# The main job with no account and no network: start the bundled fake CRM server on a free
# loopback port, add a connection to it, export every Pipedrive type into demo-out/, and show
# what was written.
set -euo pipefail
build=${1:-build}
out=demo-out
work=$(mktemp -d)
source "$(dirname "$0")/fake-server.sh"
cleanup() { stop_fake; rm -rf "$work"; }
trap cleanup EXIT

start_fake "$build" "$work/fake.out" --records 1200 --lifetime 300
url=$FAKE_URL
echo "demo: fake CRM server at $url" >&2

export CRMEXPORT_STORE="$work/store.db"   # a throw-away store: the demo leaves your own alone
printf '%s' fake-token | "$build/crmexport" auth add pipedrive --name demo --base-url "$url/pipedrive" --token-stdin
rm -rf "$out"
"$build/crmexport" export demo persons organizations deals activities pipelines stages notes users -o "$out/"

echo
echo "demo: wrote $out/:"
wc -l "$out"/*.ndjson
echo
echo "demo: the first person record:"
head -n 1 "$out/persons.ndjson"
