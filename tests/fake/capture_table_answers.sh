#!/bin/sh
# Captures what one crm-fake binary answers for the types served by the object table: the dump
# and the raw status, type and body of requests covering every type, pages, filters, orders,
# limits out of range, bad auth and churn. Run it with the binary before and after a refactoring
# and `diff -r` the two folders: moving a type onto the table must not change a byte a client sees.
#   tests/fake/capture_table_answers.sh BUILD/tests/fake/crm-fake OUT_DIR
set -eu
bin=$1
out=$2
pid=
trap 'if [ -n "$pid" ]; then kill $pid 2>/dev/null || true; fi' EXIT

# serve NAME ARGS...: a server with a dump in OUT_DIR/NAME; requests go to it until the next.
serve() {
  [ -z "$pid" ] || stop
  dir=$out/$1
  shift
  mkdir -p "$dir/answers"
  "$bin" --lifetime 120 --dump "$dir/dump" "$@" >"$dir/listening" 2>"$dir/stderr" &
  pid=$!
  while ! grep -q listening "$dir/listening"; do sleep 0.1; done
  base=$(sed -n 's/^listening on //p' "$dir/listening")
  n=0
}
stop() {
  curl -s -X POST -d '' "$base/_shutdown" >/dev/null || true
  wait $pid || true
  pid=
  # The port differs from run to run.
  rm "$dir/listening"
}

# Spaced out: ActiveCampaign allows 5 requests a second, and a 429 here would be noise.
get() {
  n=$((n + 1))
  sleep 0.25
  file=$(printf '%s/answers/%03d' "$dir" "$n")
  printf '%s\n' "$*" | sed "s|$base|BASE|" >"$file.request"
  curl -s -g -o "$file.body" -w '%{http_code} %{content_type}\n' "$@" >"$file.status"
}
ac() { get -H 'Api-Token: fake-token' "$base/activecampaign/api/3/$1"; }
hubspot() { get -H 'Authorization: Bearer fake-token' "$base/hubspot/crm/v3/$1"; }

serve records-30 --seed 7 --records 30
for type in contacts deals accounts notes dealGroups dealStages; do
  ac "$type"
  ac "$type?limit=7"
  ac "$type?limit=7&offset=7"
  ac "$type?limit=7&offset=28"
  ac "$type?limit=500"
  ac "$type?limit=0"
  ac "$type?offset=1000"
  ac "$type?limit=-1"
  ac "$type?limit=abc"
  ac "$type?orders[id]=DESC&limit=5"
  ac "$type?orders[cdate]=ASC&orders[id]=DESC&limit=10"
  ac "$type?orders[title]=desc&limit=10"
  ac "$type?orders[id]=UP"
  ac "$type?filters[updated_after]=2024-06-01&limit=100"
  ac "$type?filters[updated_before]=2024-06-01T00:00:00Z&limit=100"
  ac "$type?filters[created_after]=2024-01-01T10:00:00-05:00&filters[created_before]=2025-01-01&limit=100"
  ac "$type?filters[updated_after]=yesterday"
  ac "$type?filters[nosuchfield]=1&limit=3"
  ac "$type?id_greater=20&orders[id]=ASC"
done
ac "contacts?filters[score]=50&limit=100"
ac "contacts?orders[score]=DESC&orders[email]=ASC&limit=100"
ac "contacts?include=fieldValues&limit=3&offset=2"
ac "contacts?filters[email]=nobody&limit=3"
ac "contacts?id_greater=5&id_greater=25"
ac "deals?filters[stage]=3&limit=100"
ac "deals?filters[status]=1&orders[value]=DESC&limit=100"
ac "notes?filters[reltype]=Deal&limit=100"
ac "dealStages?filters[d_groupid]=2"
ac "dealStages?filters[group]=4"
ac "dealGroups?limit=3&offset=1"
ac "users/me"
ac "fields?limit=2&offset=1"
ac "dealCustomFieldMeta"
ac "accountCustomFieldData?limit=5"
ac "nosuchthing"
ac "contacts/1"
get "$base/activecampaign/api/3/contacts"
get -H 'Api-Token: wrong' "$base/activecampaign/api/3/contacts"
get -X POST -d '' "$base/_activecampaign/churn"
ac "contacts?limit=100"
ac "contacts?limit=5&offset=14"
get "$base/_activecampaign/changes"
get "$base/_activecampaign/requests"

hubspot "owners"
hubspot "owners?limit=7"
hubspot "owners?limit=7&after=7"
hubspot "owners?limit=7&after=28"
hubspot "owners?after=30"
hubspot "owners?after=1000"
hubspot "owners?limit=500"
hubspot "owners?limit=501"
hubspot "owners?limit=0"
hubspot "owners?limit=abc"
hubspot "owners?after=-1"
hubspot "owners?after=abc"
hubspot "owners?archived=true&limit=3"
get "$base/hubspot/crm/v3/owners"
get -H 'Authorization: Bearer wrong' "$base/hubspot/crm/v3/owners"

# Empty and large accounts: the edges of every type's count (HubSpot's owners stop at 130).
serve records-0 --seed 3 --records 0
ac "contacts"
ac "dealGroups"
hubspot "owners"
serve records-200 --seed 5 --records 200
hubspot "owners?limit=500"
hubspot "owners?after=100"
ac "contacts?limit=100&offset=150"
stop
trap - EXIT
