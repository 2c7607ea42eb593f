#!/bin/sh
# Captures what one crm-fake binary answers for ActiveCampaign: the dump and the raw status, type
# and body of requests covering every type, pages, filters, orders, limits out of range, bad auth
# and churn. Run it with the binary before and after a refactoring and `diff -r` the two folders:
# a refactoring of the fake must not change a byte a client sees.
#   tests/fake/capture_activecampaign.sh BUILD/tests/fake/crm-fake OUT_DIR
set -eu
bin=$1
out=$2
mkdir -p "$out/answers"
"$bin" --seed 7 --records 30 --lifetime 120 --dump "$out/dump" >"$out/listening" 2>"$out/stderr" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
while ! grep -q listening "$out/listening"; do sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$out/listening")

n=0
# Spaced out: the account allows 5 requests a second, and a 429 here would be noise.
get() {
  n=$((n + 1))
  sleep 0.25
  file=$(printf '%s/answers/%03d' "$out" "$n")
  printf '%s\n' "$*" | sed "s|$base|BASE|" >"$file.request"
  curl -s -g -o "$file.body" -w '%{http_code} %{content_type}\n' "$@" >"$file.status"
}
ac() { get -H 'Api-Token: fake-token' "$base/activecampaign/api/3/$1"; }

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
curl -s -X POST "$base/_shutdown" >/dev/null || true
wait $pid || true
trap - EXIT
