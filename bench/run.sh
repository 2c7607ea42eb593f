#!/usr/bin/env bash
# Throughput and peak memory of `crmexport export` against crm-fake on loopback.
# Usage: bench/run.sh [BUILD_DIR] [RECORD_COUNTS...]   (default: build 10000 1000000)
# Prints a Markdown table; docs/BENCHMARKS.md holds the numbers of the last recorded run.
set -euo pipefail
build=${1:-build}
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(10000 1000000)

work=$(mktemp -d)
source "$(dirname "$0")/../scripts/fake-server.sh"
cleanup() { stop_fake; rm -rf "$work"; }
trap cleanup EXIT
export CRMEXPORT_STORE="$work/store.db"

echo "| records | format | wall s | records/s | crmexport CPU s | peak RSS (MiB) | output (MiB) |"
echo "|---:|---|---:|---:|---:|---:|---:|"
for n in "${counts[@]}"; do
  # No burst limit and no latency: this measures crmexport, not a simulated network.
  start_fake "$build" "$work/fake.out" --records "$n" --burst 100000000 --lifetime 3600 --max-requests 100000000
  url=$FAKE_URL
  printf '%s' fake-token | "$build/crmexport" -q auth add pipedrive --name bench --force \
    --base-url "$url/pipedrive" --token-stdin
  for format in ndjson csv; do
    /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$build/crmexport" -q export bench persons -f "$format" \
      >"$work/out.$format"
    read -r seconds rss_kib user_s sys_s <"$work/time"
    bytes=$(stat -c %s "$work/out.$format")
    lines=$(wc -l <"$work/out.$format")
    [ "$format" = ndjson ] && [ "$lines" -ne "$n" ] && { echo "bench: expected $n records, got $lines" >&2; exit 1; }
    awk -v n="$n" -v f="$format" -v s="$seconds" -v r="$rss_kib" -v b="$bytes" -v c="$user_s" -v k="$sys_s" \
      'BEGIN { printf "| %d | %s | %.2f | %.0f | %.2f | %.1f | %.1f |\n", n, f, s, (s > 0 ? n / s : 0), c + k, r / 1024, b / 1048576 }'
    rm -f "$work/out.$format"
  done
  stop_fake
done
