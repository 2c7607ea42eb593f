#!/usr/bin/python3
"""Connections per minute: how many connections one machine keeps in sync.

One crm-fake serves --connections accounts (--accounts), every answer --latency-ms late (a real
CRM's answer time), the four providers in turn. `crmexport sync --all` syncs them all into one
mirror, first in full, then incrementally (the nightly case), each round timed and then checked:
every connection's mirror equals its account's dump, record by record. One run measures every
variant (VARIANTS below): a SQLite mirror with one process, a PostgreSQL mirror with one process,
and two processes sharing one PostgreSQL mirror, where every connection must be synced by exactly
one of them per round. Each variant gets a fresh fake, store and mirror (a fresh database in a
throw-away PostgreSQL cluster this script starts), so ratios between them come from one run.

Usage: bench/run.sh --only fleet [BUILD_DIR]  (or bench/fleet.py --build build [--connections 40]
       [--variants sqlite,postgresql])
"""

import argparse
import datetime
import json
import os
import pwd
import shutil
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


def sync_round(crmexport, env, db, processes, args):
    """One `sync --all` per process (all started at once); the slowest one's wall time."""
    command = [crmexport, "-q", "sync", "--all", "--db", db, "--json",
               "--connections-in-parallel", str(args.connections_in_parallel), "--jobs", str(args.jobs)]
    started = time.monotonic()
    procs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(processes)]
    outputs = [proc.communicate() for proc in procs]
    seconds = time.monotonic() - started
    for proc, (out, err) in zip(procs, outputs):
        if proc.returncode != 0:
            raise BenchError(f"sync --all exited {proc.returncode}: {err.decode()[-2000:]}")
    summaries = [json.loads(out) for out, _ in outputs]
    return seconds, summaries


def check_once_per_round(summaries, todo):
    """Each connection synced by exactly one process, skipped by the others (its status in each
    process's --json): the advisory locks split the work and nobody syncs a connection twice."""
    for name, _, _ in todo:
        statuses = sorted(summary["connections"][name]["status"] for summary in summaries)
        if statuses != sorted(["synced"] + ["skipped"] * (len(summaries) - 1)):
            raise BenchError(f"{name}: statuses {statuses} across {len(summaries)} processes; expected synced "
                             "in exactly one, skipped in the others")
    return [sum(summary["connections"][name]["status"] == "synced" for name, _, _ in todo)
            for summary in summaries]


def sqlite_tables(db, table):
    """{connection: rows} for one table's live records."""
    rows = {}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as database:
        query = f'SELECT connection, record FROM "{table}" WHERE deleted_at IS NULL'
        for connection, record in database.execute(query):
            rows.setdefault(connection, []).append(record)
    return rows


class PostgresCluster:
    """A throw-away PostgreSQL cluster on a Unix socket in a private folder, as the tests start one
    (tests/support/postgres.cpp), but durable: fsync and synchronous_commit stay on, so a commit
    costs what it costs on a real server and the figures are honest."""

    def __init__(self, max_connections):
        self.bin = self.server_binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="crmexport-fleet-pg-"))
        self.data = self.folder / "data"
        self.started = False
        try:
            if os.geteuid() == 0:
                # initdb and the server refuse root; they run as `postgres`, which must own the folder.
                user = pwd.getpwnam("postgres")
                os.chown(self.folder, user.pw_uid, user.pw_gid)
            self.server(["initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8",
                         "--locale=C"])
            options = (f"-c listen_addresses= -c unix_socket_directories={self.folder} -p 5432 "
                       f"-c max_connections={max_connections}")
            self.server(["pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w",
                         "-t", "60", "start"])
            self.started = True
        except BaseException:
            self.stop()
            raise

    @staticmethod
    def server_binaries():
        """The newest /usr/lib/postgresql/N/bin holding initdb (Debian keeps them off PATH)."""
        found = [path for path in Path("/usr/lib/postgresql").glob("*/bin") if (path / "initdb").exists()]
        if not found:
            raise BenchError("PostgreSQL server binaries not found: run scripts/setup.sh")
        return max(found, key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else -1)

    def server(self, argv):
        command = [str(self.bin / argv[0])] + argv[1:]
        if os.geteuid() == 0:
            command = ["/usr/sbin/runuser", "-u", "postgres", "--"] + command
        run = subprocess.run(command, capture_output=True, timeout=120)
        if run.returncode != 0:
            raise BenchError(f"{argv[0]} failed (exit {run.returncode}): {run.stderr.decode()[-2000:]}"
                             f" (log: {self.folder / 'server.log'})")

    def uri(self, database):
        return f"postgresql:///{database}?host={self.folder}&port=5432&user=postgres"

    def psql(self, sql, database="postgres"):
        """The query's output, unaligned, NUL between fields and between rows: a record may hold
        newlines and tabs, never a NUL (PostgreSQL text cannot)."""
        run = subprocess.run([str(self.bin / "psql"), "-X", "-q", "-A", "-t", "-z", "-0", "-v", "ON_ERROR_STOP=1",
                              "-d", self.uri(database), "-c", sql], capture_output=True, timeout=120)
        if run.returncode != 0:
            raise BenchError(f"psql failed: {run.stderr.decode()[-2000:]}")
        return run.stdout.decode()

    def create_database(self, name):
        self.psql(f'CREATE DATABASE "{name}"')
        return self.uri(name)

    def stop(self):
        try:
            if self.started:
                self.started = False
                self.server(["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"])
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def postgres_tables(cluster, database):
    """A reader like sqlite_tables for one database of the cluster: `record_text`, the provider's
    exact bytes (`record` is jsonb, which reorders keys)."""
    def read(_, table):
        # Two fields a row: with -z -0 the output is connection NUL record NUL ..., and psql ends
        # the last row with a newline instead of a NUL.
        fields = cluster.psql(f'SELECT connection, record_text FROM "{table}" WHERE deleted_at IS NULL',
                              database).removesuffix("\n").split("\0")
        rows = {}
        if fields != [""]:
            for connection, record in zip(fields[0::2], fields[1::2]):
                rows.setdefault(connection, []).append(record)
        return rows
    return read


# (label, mirror, processes) per variant; one run measures them all.
VARIANTS = {
    "sqlite": ("SQLite, 1 process", "sqlite", 1),
    "postgresql": ("PostgreSQL, 1 process", "postgresql", 1),
    "postgresql-2": ("PostgreSQL, 2 processes sharing it", "postgresql", 2),
}


def check(db, dump, todo, read_table):
    """Every connection's every type equals its account's dump, record by record."""
    records = 0
    tables = {}
    for name, provider, index in todo:
        for path in sorted((account_dump(dump, index) / provider).glob("*.ndjson")):
            expected = sorted(line for line in path.read_text().splitlines() if line)
            table = f"{provider}_{path.stem}"
            if table not in tables:
                tables[table] = read_table(db, table)
            got = sorted(tables[table].get(name, []))
            if got != expected:
                raise BenchError(f"{name} {path.stem}: mirror has {len(got)} records, dataset {len(expected)}"
                                 " (or they differ)")
            records += len(expected)
    return records


def run_variant(args, workdir, key, cluster):
    """Both rounds of one variant, on a fresh fake, store and mirror; [(round, seconds, records)]."""
    _, mirror, processes = VARIANTS[key]
    workdir.mkdir()
    if mirror == "sqlite":
        db, read_table = str(workdir / "mirror.db"), sqlite_tables
    else:
        database = f"fleet_{key.replace('-', '_')}"
        db, read_table = cluster.create_database(database), postgres_tables(cluster, database)
    env = dict(os.environ, CRMEXPORT_STORE=str(workdir / "store.db"))
    crmexport = str(args.build / "crmexport")
    fake, dump, urls = start_fake(args.build, workdir, args)
    try:
        todo = connections(args)
        add_connections(crmexport, env, urls, todo)
        rows = []
        for label in ("first (full)", "second (incremental)"):
            log(f"{VARIANTS[key][0]}: sync --all, {label} round")
            seconds, summaries = sync_round(crmexport, env, db, processes, args)
            shares = check_once_per_round(summaries, todo)
            records = check(db, dump, todo, read_table)
            log(f"{label}: {seconds:.1f} s, {records} records checked, connections synced per process: {shares}")
            rows.append((label, seconds, records))
        return rows
    finally:
        fake.terminate()
        fake.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build", type=Path)
    parser.add_argument("--connections", default=40, type=int)
    parser.add_argument("--records", default=100, type=int, help="records per type and account")
    parser.add_argument("--latency-ms", default=200, type=int)
    parser.add_argument("--connections-in-parallel", default=8, type=int)
    parser.add_argument("--jobs", default=4, type=int)
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help=f"comma-separated, from {', '.join(VARIANTS)} (default: all)")
    args = parser.parse_args()
    keys = [key for key in args.variants.split(",") if key]
    unknown = [key for key in keys if key not in VARIANTS]
    if unknown or not keys:
        parser.error(f"unknown variant {', '.join(unknown) or '(none)'}; choose from {', '.join(VARIANTS)}")

    results = {}
    with tempfile.TemporaryDirectory(prefix="crmexport-fleet-") as tmp:
        cluster = None
        try:
            if any(VARIANTS[key][1] == "postgresql" for key in keys):
                # Per process: one session per connection in parallel plus its own; then a margin
                # for psql and the server's own (superuser_reserved_connections).
                most = max(VARIANTS[key][2] for key in keys)
                cluster = PostgresCluster(most * (1 + args.connections_in_parallel) * 2 + 20)
                log(f"PostgreSQL cluster started ({cluster.bin.parent.name}, fsync on) in {cluster.folder}")
            for key in keys:
                results[key] = run_variant(args, Path(tmp) / key, key, cluster)
        finally:
            if cluster:
                cluster.stop()
    print(f"fleet: {args.connections} connections ({', '.join(PROVIDERS)} in turn), {args.records} records a "
          f"type, {args.latency_ms} ms latency, --connections-in-parallel {args.connections_in_parallel} "
          f"--jobs {args.jobs}\n")
    print("| mirror | first (full) round | connections per minute | second (incremental) round "
          "| connections per minute | records checked a round |")
    print("|---|---:|---:|---:|---:|---:|")
    for key, rows in results.items():
        cells = " | ".join(f"{seconds:.1f} s | {args.connections * 60 / seconds:.0f}" for _, seconds, _ in rows)
        print(f"| {VARIANTS[key][0]} | {cells} | {rows[0][2]} |")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        log(f"failed: {error}")
        sys.exit(1)
