#!/usr/bin/python3
"""Connections per minute: how many connections one machine keeps in sync.

One crm-fake serves --connections accounts (--accounts), every answer --latency-ms late (a real
CRM's answer time), the four providers in turn. `crmexport sync --all` syncs them all into one
mirror (--db), first in full, then incrementally (the nightly case), each round timed and then
checked: every connection's mirror equals its account's dump, record by record. The mirror is a
parameter: a SQLite path today; a PostgreSQL URL and several processes sharing one database are
one more variant each (VARIANTS below, `--processes`), once crmexport speaks PostgreSQL.

Usage: bench/run.sh --only fleet [BUILD_DIR]  (or bench/fleet.py --build build [--connections 40])
"""

import argparse
import datetime
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROVIDERS = ["pipedrive", "hubspot", "activecampaign", "keap"]
TOKEN = "fake-token"  # crm-fake's account 0; account K's is fake-token-K


class BenchError(Exception):
    """A run failed or a mirror did not match its dataset: the benchmark stops."""


def log(message):
    print(f"fleet: {datetime.datetime.now(datetime.timezone.utc):%H:%M:%S} {message}", file=sys.stderr, flush=True)


def start_fake(build, workdir, args):
    dump = workdir / "dump"
    command = [str(build / "tests/fake/crm-fake"), "--port", "0", "--lifetime", "3600", "--accounts",
               str(args.connections), "--records", str(args.records), "--latency-ms", str(args.latency_ms),
               "--dump", str(dump)]
    log(f"starting crm-fake: {args.connections} accounts, {args.records} records a type, "
        f"{args.latency_ms} ms latency")
    proc = subprocess.Popen(command, stdout=subprocess.PIPE)
    line = proc.stdout.readline().decode()
    if not line.startswith("listening on "):
        proc.kill()
        raise BenchError("crm-fake did not start")
    urls = (dump / "accounts.txt").read_text().split() if args.connections > 1 else [line.split()[-1]]
    return proc, dump, urls


def account_dump(dump, index):
    return dump if index == 0 else dump / f"account-{index}"


def connections(args):
    """(name, provider, account index) for every connection."""
    return [(f"c{i:03}-{PROVIDERS[i % 4]}", PROVIDERS[i % 4], i) for i in range(args.connections)]


def add_connections(crmexport, env, urls, todo):
    for name, provider, index in todo:
        token = TOKEN if index == 0 else f"{TOKEN}-{index}"
        run = subprocess.run([crmexport, "-q", "auth", "add", provider, "--name", name, "--force", "--base-url",
                              f"{urls[index]}/{provider}", "--token-stdin"], env=env, input=token.encode(),
                             capture_output=True)
        if run.returncode != 0:
            raise BenchError(f"auth add {name} failed: {run.stderr.decode()}")


def sync_round(crmexport, env, db, args):
    """One `sync --all` per process (all started at once); the slowest one's wall time."""
    command = [crmexport, "-q", "sync", "--all", "--db", db, "--json",
               "--connections-in-parallel", str(args.connections_in_parallel), "--jobs", str(args.jobs)]
    started = time.monotonic()
    procs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(args.processes)]
    outputs = [proc.communicate() for proc in procs]
    seconds = time.monotonic() - started
    for proc, (out, err) in zip(procs, outputs):
        if proc.returncode != 0:
            raise BenchError(f"sync --all exited {proc.returncode}: {err.decode()[-2000:]}")
    summaries = [json.loads(out) for out, _ in outputs]
    return seconds, summaries


def sqlite_rows(db, provider, type_name, connection):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as database:
        query = f'SELECT record FROM "{provider}_{type_name}" WHERE connection = ? AND deleted_at IS NULL'
        return sorted(row[0] for row in database.execute(query, (connection,)))


# How each mirror is read back for the check; a PostgreSQL variant adds its reader here.
VARIANTS = {"sqlite": sqlite_rows}


def check(db, dump, todo, read_rows):
    """Every connection's every type equals its account's dump, record by record."""
    records = 0
    for name, provider, index in todo:
        for path in sorted((account_dump(dump, index) / provider).glob("*.ndjson")):
            expected = sorted(line for line in path.read_text().splitlines() if line)
            got = read_rows(db, provider, path.stem, name)
            if got != expected:
                raise BenchError(f"{name} {path.stem}: mirror has {len(got)} records, dataset {len(expected)}"
                                 " (or they differ)")
            records += len(expected)
    return records


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build", type=Path)
    parser.add_argument("--connections", default=40, type=int)
    parser.add_argument("--records", default=100, type=int, help="records per type and account")
    parser.add_argument("--latency-ms", default=200, type=int)
    parser.add_argument("--connections-in-parallel", default=8, type=int)
    parser.add_argument("--jobs", default=4, type=int)
    parser.add_argument("--db", default="", help="mirror: a SQLite path (default: a temporary file)")
    parser.add_argument("--processes", default=1, type=int,
                        help="crmexport processes running sync --all at once (needs a shared mirror)")
    args = parser.parse_args()
    if args.processes != 1:
        parser.error("--processes above 1 needs a mirror several processes share (PostgreSQL)")

    with tempfile.TemporaryDirectory(prefix="crmexport-fleet-") as tmp:
        workdir = Path(tmp)
        db = args.db or str(workdir / "mirror.db")
        env = dict(os.environ, CRMEXPORT_STORE=str(workdir / "store.db"))
        crmexport = str(args.build / "crmexport")
        fake, dump, urls = start_fake(args.build, workdir, args)
        try:
            todo = connections(args)
            add_connections(crmexport, env, urls, todo)
            rows = []
            for label in ("first (full)", "second (incremental)"):
                log(f"sync --all, {label} round")
                seconds, _ = sync_round(crmexport, env, db, args)
                records = check(db, dump, todo, VARIANTS["sqlite"])
                rows.append((label, seconds, args.connections * 60 / seconds, records))
        finally:
            fake.terminate()
            fake.wait()
    print(f"fleet: {args.connections} connections ({', '.join(PROVIDERS)} in turn), {args.records} records a "
          f"type, {args.latency_ms} ms latency, --connections-in-parallel {args.connections_in_parallel} "
          f"--jobs {args.jobs}, SQLite, {args.processes} process\n")
    print("| round | seconds | connections per minute | records checked |")
    print("|---|---:|---:|---:|")
    for label, seconds, per_minute, records in rows:
        print(f"| {label} | {seconds:.1f} | {per_minute:.0f} | {records} |")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        log(f"failed: {error}")
        sys.exit(1)
