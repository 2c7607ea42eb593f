#!/usr/bin/env python3
"""Checks a running crm-fake against its own --dump: pages every Pipedrive type through v1 and
v2 (several limits), sort_by=update_time/add_time in both directions with small pages (ties),
and updated_since/updated_until windows; each page must be byte-identical to the dump lines.

Usage: crm-fake --records 1234 --burst 1000000 --dump DIR &   then   verify_against_dump.py PORT DIR
(the --burst is needed: the script sends a few thousand requests)."""
import json, sys, urllib.request, urllib.parse, decimal, datetime
port = sys.argv[1]; dump = sys.argv[2]
BASE = f"http://127.0.0.1:{port}/pipedrive"
H = {"x-api-token": "fake-token"}
def get(path, params=None, headers=H):
    url = BASE + path + ("?" + urllib.parse.urlencode(params) if params else "")
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)
def lines(path):
    return open(f"{dump}/pipedrive/{path}.ndjson", encoding="utf-8").read().splitlines()
def parse(s): return json.loads(s, parse_float=decimal.Decimal)
def data_bytes(raw):
    head = '{"success":true,"data":['
    assert raw.startswith(head), raw[:80]
    end = raw.rindex('],"additional_data"')
    return raw[len(head):end]
fails = 0
def check(cond, msg):
    global fails
    if not cond:
        fails += 1; print("FAIL", msg)
V2 = ["persons","organizations","deals","activities","pipelines","stages"]
for t in V2:
    dl = lines(t)
    for limit in (7, 100, 500):
        ids, cursor, pages = [], None, 0
        while True:
            p = {"limit": limit}
            if cursor: p["cursor"] = cursor
            st, raw, _ = get(f"/api/v2/{t}", p)
            check(st == 200, f"{t} status {st}")
            body = parse(raw)
            page_ids = [r["id"] for r in body["data"]]
            if page_ids:
                check(data_bytes(raw) == ",".join(dl[i-1] for i in page_ids), f"{t} v2 bytes differ from dump")
            ids += page_ids; pages += 1
            cursor = body["additional_data"]["next_cursor"]
            if cursor is None: break
        check(ids == list(range(1, len(dl)+1)), f"{t} v2 limit {limit}: ids {ids[:5]}.. n={len(ids)}")
    print(f"v2 {t}: ok ({len(dl)} records)")
V1 = {"persons":"v1/persons","organizations":"v1/organizations","deals":"v1/deals","pipelines":"v1/pipelines","stages":"v1/stages","notes":"notes","users":"users"}
for t, dpath in V1.items():
    dl = lines(dpath)
    for limit in (9, 100, 1000):
        ids, start = [], 0
        while True:
            st, raw, _ = get(f"/api/v1/{t}", {"start": start, "limit": limit})
            check(st == 200, f"v1 {t} status {st}")
            body = parse(raw)
            pg = body["additional_data"]["pagination"]
            check(pg["limit"] == min(limit, 500), f"v1 limit echo {pg}")
            data = body["data"] or []
            page_ids = [r["id"] for r in data]
            if page_ids:
                check(data_bytes(raw) == ",".join(dl[i-1] for i in page_ids), f"v1 {t} bytes differ from dump")
            else:
                check(body["data"] is None, "empty data should be null")
            ids += page_ids
            if not pg["more_items_in_collection"]:
                check("next_start" not in pg, "next_start present at end"); break
            start = pg["next_start"]
        check(ids == list(range(1, len(dl)+1)), f"v1 {t} limit {limit}: n={len(ids)}")
    print(f"v1 {t}: ok")
# sort_by with ties
def iso(s): return s
for t in V2:
    recs = [parse(l) for l in lines(t)]
    by = {r["id"]: r for r in recs}
    for field in ("update_time", "add_time"):
        for direction in ("asc", "desc"):
            ids, cursor = [], None
            while True:
                p = {"limit": 3, "sort_by": field, "sort_direction": direction}
                if cursor: p["cursor"] = cursor
                st, raw, _ = get(f"/api/v2/{t}", p)
                body = parse(raw)
                ids += [r["id"] for r in body["data"]]
                cursor = body["additional_data"]["next_cursor"]
                if cursor is None: break
            key = lambda i: (by[i][field], i)
            exp = sorted(by, key=key, reverse=(direction == "desc"))
            check(ids == exp, f"{t} sort {field} {direction}")
    ties = len(recs) - len({r["update_time"] for r in recs})
    print(f"sort {t}: ok ({ties} update_time ties)")
# updated_since / until
for t in ["persons","organizations","deals","activities"]:
    recs = [parse(l) for l in lines(t)]
    times = sorted(r["update_time"] for r in recs)
    since, until = times[len(times)//4], times[3*len(times)//4]
    for params, pred in [({"updated_since": since}, lambda u: u >= since),
                         ({"updated_until": until}, lambda u: u < until),
                         ({"updated_since": since, "updated_until": until}, lambda u: since <= u < until)]:
        for sort in ("id", "update_time"):
            ids, cursor = [], None
            while True:
                p = dict(params, limit=5, sort_by=sort)
                if cursor: p["cursor"] = cursor
                st, raw, _ = get(f"/api/v2/{t}", p)
                check(st == 200, f"filter status {st} {raw[:200]}")
                body = parse(raw); ids += [r["id"] for r in body["data"]]
                cursor = body["additional_data"]["next_cursor"]
                if cursor is None: break
            exp = [r["id"] for r in recs if pred(r["update_time"])]
            if sort == "update_time": exp = [r["id"] for r in sorted((r for r in recs if pred(r["update_time"])), key=lambda r: (r["update_time"], r["id"]))]
            check(ids == exp, f"{t} filter {params} sort {sort}: got {len(ids)} want {len(exp)}")
    print(f"filter {t}: ok")
notes = [parse(l) for l in lines("notes")]
since_sql = sorted(n["update_time"] for n in notes)[40]
since_iso = since_sql.replace(" ", "T") + "Z"
ids, start = [], 0
while True:
    st, raw, _ = get("/api/v1/notes", {"updated_since": since_iso, "start": start, "limit": 7})
    body = parse(raw); ids += [r["id"] for r in (body["data"] or [])]
    pg = body["additional_data"]["pagination"]
    if not pg["more_items_in_collection"]: break
    start = pg["next_start"]
check(ids == [n["id"] for n in notes if n["update_time"] >= since_sql], "notes updated_since")
print("notes updated_since: ok", len(ids))
print("FAILURES:", fails)
sys.exit(1 if fails else 0)
