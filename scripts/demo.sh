#!/usr/bin/env bash
# The main job with no account and no network: start the bundled fake CRM server on a free
# loopback port, add a connection to it, export every Pipedrive type into demo-out/, and show
# what was written.
set -euo pipefail
build=${1:-build}
out=demo-out
work=$(mktemp -d)
fake_pid=""
cleanup() { [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$build/tests/fake/crm-fake" --port 0 --records 1200 --lifetime 300 >"$work/fake.out" &
fake_pid=$!
url=""
for _ in $(seq 1 200); do
  url=$(sed -n '1s/^listening on //p' "$work/fake.out")
  [ -n "$url" ] && break
  sleep 0.05
done
[ -n "$url" ] || { echo "demo: the fake CRM server did not start" >&2; exit 1; }
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
