# Sourced by scripts/demo.sh and bench/run.sh: start crm-fake on a free loopback port.
# start_fake BUILD_DIR OUT_FILE [FLAGS...] sets FAKE_PID and FAKE_URL; stop_fake stops it.
start_fake() {
  local build=$1 out=$2
  shift 2
  "$build/tests/fake/crm-fake" --port 0 "$@" >"$out" &
  FAKE_PID=$!
  FAKE_URL=""
  for _ in $(seq 1 400); do
    FAKE_URL=$(sed -n '1s/^listening on //p' "$out")
    [ -n "$FAKE_URL" ] && return 0
    kill -0 "$FAKE_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "the fake CRM server did not start" >&2
  return 1
}

stop_fake() {
  [ -n "${FAKE_PID:-}" ] || return 0
  kill "$FAKE_PID" 2>/dev/null || true
  wait "$FAKE_PID" 2>/dev/null || true
  FAKE_PID=""
}
