#!/usr/bin/python3
"""crmexport side by side with the official SDKs, plain HTTP loops and the raw-transfer floor.

Every client reads the same crm-fake on loopback. The fake is pinned to one core and each client
to the other (taskset), so a client's CPU time is its own. Every run's output is checked against
the fake's dump (count and ids) before its numbers count. bench/run.sh installs the peers, then
runs this; it prints Markdown and keeps it (and the raw numbers as JSON) under bench/results/.
"""

import argparse
import contextlib
import csv
import datetime
import functools
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

FAKE_CORE = "0"
CLIENT_CORE = "1"
TOKEN = "fake-token"  # crm-fake's default token; given to clients on stdin or in the environment
BENCH_DIR = Path(__file__).resolve().parent
CLIENTS = BENCH_DIR / "clients"

# Record counts per scenario; --quick divides the big ones by ten.
FULL = {"a": 1_000_000, "b": 100_000, "c": 20_000, "d_small": 10_000, "d_big": 1_000_000, "e": 200_000}
QUICK = {"a": 100_000, "b": 10_000, "c": 2_000, "d_small": 1_000, "d_big": 100_000, "e": 20_000}

PIPEDRIVE_TYPES = ["persons", "organizations", "deals", "activities", "pipelines", "stages", "notes", "users"]
LATENCY_MS = 200  # scenario (c): a real CRM's answer time
PIPEDRIVE_BURST = 40  # crm-fake's default: requests per rolling 2 s per token (Growth plan)
FAKE_KEEP_ALIVE_MAX = 1000  # crm-fake closes a connection after this many requests (as servers do)
UNLIMITED = 1_000_000_000  # scenarios (a), (b), (d) measure clients, not a rate limit

ID_PREFIX = re.compile(rb'^\{"id":"?(\d+)')


class BenchError(Exception):
    """A run failed or its output did not match the dataset: the benchmark stops."""


def log(message):
    print(f"bench: {datetime.datetime.now(datetime.timezone.utc):%H:%M:%S} {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# crm-fake


class Fake:
    """One crm-fake process pinned to FAKE_CORE; -v logs every request so the floor can replay them."""

    def __init__(self, build, workdir, name, flags, records, dump=True):
        self.workdir = workdir
        self.records = records
        self.log_path = workdir / f"{name}.requests.log"
        self.dump = workdir / f"{name}-dump" if dump else None
        command = ["taskset", "-c", FAKE_CORE, str(build / "tests/fake/crm-fake"), "--port", "0", "-v",
                   "--lifetime", "5400", "--max-requests", "2000000", *flags]
        if self.dump:
            command += ["--dump", str(self.dump)]
        log(f"starting crm-fake {' '.join(flags)}" + (" (writing its dump first)" if dump else ""))
        self.log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log_file)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("listening on "):
            self.proc.kill()
            raise BenchError(f"crm-fake did not start (see {self.log_path})")
        self.url = line.removeprefix("listening on ").strip()

    def stats(self):
        with urllib.request.urlopen(f"{self.url}/_stats", timeout=30) as answer:
            return json.load(answer)

    def log_mark(self):
        return self.log_path.stat().st_size

    def requests_since(self, mark):
        """(method, target, status) of every request logged after mark."""
        with open(self.log_path, "rb") as f:
            f.seek(mark)
            lines = f.read().decode("utf-8", "replace").splitlines()
        found = []
        for line in lines:
            m = re.match(r"^(\S+) (\S+) -> (\d+) ", line)
            if m:
                found.append((m.group(1), m.group(2), int(m.group(3))))
        return found

    def dump_file(self, *parts):
        """The dump's file, or, when the fake was started without one, ids 1..records: the
        dataset crm-fake documents for every type (a dump of a million records costs ~11 GB)."""
        return self.dump.joinpath(*parts) if self.dump else self.records

    def stop(self):
        try:
            request = urllib.request.Request(f"{self.url}/_shutdown", data=b"", method="POST")
            urllib.request.urlopen(request, timeout=10).read()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log_file.close()
        if self.dump:
            shutil.rmtree(self.dump, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# measuring and checking


def measure(fake, command, env=None, stdin=None):
    """Runs command pinned to CLIENT_CORE under /usr/bin/time; what it cost and what the fake saw."""
    time_file = fake.workdir / "time.txt"
    before = fake.stats()
    mark = fake.log_mark()
    full = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", str(time_file), "taskset", "-c", CLIENT_CORE, *command]
    run = subprocess.run(full, env=env, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    after = fake.stats()
    if run.returncode != 0:
        raise BenchError(f"{' '.join(command[:3])} exited {run.returncode}: {run.stderr.decode()[-2000:]}")
    wall, user, system, rss_kib = time_file.read_text().split("\n")[-2].split()
    return {
        "wall_s": float(wall),
        "cpu_s": float(user) + float(system),
        "rss_mib": int(rss_kib) / 1024,
        "requests": after["total"] - before["total"],
        "throttled": after["throttled"] - before["throttled"],
        "stdout": run.stdout,
        "log_mark": mark,
    }


def ids_in(path, fmt):
    """Every record id in an NDJSON, JSON (one record per line) or CSV file, in file order."""
    ids = []
    if fmt == "csv":
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            column = next(reader).index("id")
            ids = [int(row[column]) for row in reader]
        return ids
    with open(path, "rb") as f:
        for line in f:
            line = line.rstrip(b"\r\n")
            if line in (b"[", b"]", b""):
                continue
            m = ID_PREFIX.match(line)
            if m:
                ids.append(int(m.group(1)))
            else:  # a peer that re-serialised keys in another order
                ids.append(int(json.loads(line.rstrip(b","))["id"]))
    return ids


@functools.cache
def dump_ids(dump_file):
    if isinstance(dump_file, int):
        return list(range(1, dump_file + 1))
    return sorted(ids_in(dump_file, "ndjson"))


def check_against_dump(output, fmt, dump_file):
    """The output holds exactly the dump's records (count and ids, each once); returns the count."""
    got = ids_in(output, fmt)
    expected = dump_ids(dump_file)
    if sorted(got) != expected:
        missing = len(set(expected) - set(got))
        extra = len(got) - len(set(got))
        raise BenchError(f"{output}: {len(got)} records, the dump has {len(expected)} "
                         f"({missing} ids missing, {extra} repeated)")
    return len(got)


def remove(path):
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink()


# ---------------------------------------------------------------------------------------------
# clients


class Clients:
    def __init__(self, build, peers, workdir):
        self.crmexport = str(build / "crmexport")
        self.workdir = workdir
        self.env = dict(os.environ, CRMEXPORT_STORE=str(workdir / "store.db"), BENCH_TOKEN=TOKEN,
                        NODE_PATH=str(peers / "node_modules"))

    def add_connection(self, fake, provider, name):
        run = subprocess.run([self.crmexport, "-q", "auth", "add", provider, "--name", name, "--force",
                              "--base-url", f"{fake.url}/{provider}", "--token-stdin"],
                             env=self.env, input=TOKEN.encode(), capture_output=True)
        if run.returncode != 0:
            raise BenchError(f"auth add {provider} failed: {run.stderr.decode()}")

    def export(self, fake, connection, types, out, fmt="ndjson", extra=()):
        return measure(fake, [self.crmexport, "-q", "export", connection, *types, "-f", fmt, "-o", str(out), *extra],
                       env=self.env)

    def node(self, fake, script, *args):
        return measure(fake, ["node", str(CLIENTS / script), *args], env=self.env)

    def python(self, fake, script, *args):
        return measure(fake, ["/usr/bin/python3", str(CLIENTS / script), *args], env=self.env)

    def curl_floor(self, fake, targets, auth_header):
        """curl fetching exactly these page targets over one connection (a new one only when the fake
        closes it), bodies to /dev/null."""
        config = self.workdir / "floor.curl"
        with open(config, "w") as f:
            f.write(f'header = "{auth_header}"\n')
            # Raw bytes as crmexport receives them: gzip asked for, nothing decoded or parsed.
            f.write('header = "Accept-Encoding: gzip, deflate"\n')
            for target in targets:
                f.write(f'url = "{fake.url}{target}"\noutput = "/dev/null"\n')
        result = measure(fake, ["curl", "-sS", "-K", str(config), "-w", "%{http_code} %{num_connects}\n"])
        answers = [line.split() for line in result["stdout"].decode().splitlines()]
        if len(answers) != len(targets) or any(code != "200" for code, _ in answers):
            raise BenchError("the curl floor did not get 200 for every page")
        connects = sum(int(n) for _, n in answers)
        if connects > -(-len(targets) // FAKE_KEEP_ALIVE_MAX):
            raise BenchError(f"the curl floor opened {connects} connections for {len(targets)} pages")
        remove(config)
        return result


def page_targets(fake, mark, path):
    return [t for method, t, status in fake.requests_since(mark)
            if method == "GET" and status == 200 and t.split("?")[0] == path]


def row(client, result, records, **more):
    cpu = result["cpu_s"]
    return {"client": client, "records": records, "wall_s": result["wall_s"], "cpu_s": cpu,
            "cpu_us_per_record": cpu * 1e6 / records if records else 0, "rss_mib": result["rss_mib"],
            "requests": result["requests"], "throttled": result["throttled"], **more}


# ---------------------------------------------------------------------------------------------
# scenarios


@contextlib.contextmanager
def connected_fake(ctx, name, provider, flags):
    """A crm-fake with its dump, and a crmexport connection to it named after the provider."""
    records = int(flags[flags.index("--records") + 1])
    fake = Fake(ctx.build, ctx.workdir, name, flags, records, dump=records <= ctx.dump_limit)
    try:
        ctx.clients.add_connection(fake, provider, provider)
        yield fake
    finally:
        fake.stop()


def checked(label, run, output, fmt, dump):
    """Runs one client, checks what it wrote against the dump, deletes it; (measure, records)."""
    log(label)
    result = run()
    count = check_against_dump(output, fmt, dump)
    remove(output)
    return result, count


def export_persons_checked(ctx, fake, fmt, records):
    out = ctx.workdir / f"persons.{fmt}"
    return checked(f"crmexport {fmt}, {records} persons", lambda: ctx.clients.export(fake, "pipedrive", ["persons"], out, fmt),
                   out, fmt, fake.dump_file("pipedrive", "persons.ndjson"))


def scenario_a_and_big_d(ctx, records, run_a, run_d):
    """(a) Pipedrive v2 persons, zero latency, no burst limit; and (d)'s big memory runs."""
    rows, memory = [], {}
    with connected_fake(ctx, f"pipedrive-{records}", "pipedrive",
                        ["--records", str(records), "--burst", str(UNLIMITED)]) as fake:
        result, count = export_persons_checked(ctx, fake, "ndjson", records)
        rows.append(row("crmexport", result, count))
        memory["ndjson"] = result["rss_mib"]
        if run_a:
            targets = page_targets(fake, result["log_mark"], "/pipedrive/api/v2/persons")
            log(f"curl floor, {len(targets)} pages")
            floor = ctx.clients.curl_floor(fake, targets, f"x-api-token: {TOKEN}")
            rows.append(row("curl floor (raw transfer)", floor, count))
            out, dump = ctx.workdir / "persons.ndjson", fake.dump_file("pipedrive", "persons.ndjson")
            for name, runner, script in [("pipedrive SDK 33.7.0", ctx.clients.node, "pipedrive_sdk.js"),
                                         ("axios 1.21.1 loop", ctx.clients.node, "axios_loop.js"),
                                         ("python3 requests loop", ctx.clients.python, "requests_loop.py")]:
                result, peer_count = checked(name, lambda: runner(fake, script, f"{fake.url}/pipedrive", str(out)),
                                             out, "ndjson", dump)
                rows.append(row(name, result, peer_count))
        if run_d:
            for fmt in ["json", "csv"]:
                memory[fmt] = export_persons_checked(ctx, fake, fmt, records)[0]["rss_mib"]
    return rows, memory


def scenario_d_small(ctx, records):
    with connected_fake(ctx, f"pipedrive-{records}", "pipedrive",
                        ["--records", str(records), "--burst", str(UNLIMITED)]) as fake:
        return {fmt: export_persons_checked(ctx, fake, fmt, records)[0]["rss_mib"] for fmt in ["ndjson", "json", "csv"]}


def scenario_b(ctx, records):
    """(b) HubSpot contacts, zero latency, no burst limit."""
    rows = []
    with connected_fake(ctx, f"hubspot-{records}", "hubspot",
                        ["--records", str(records), "--hubspot-burst", str(UNLIMITED)]) as fake:
        out, dump = ctx.workdir / "contacts.ndjson", fake.dump_file("hubspot", "contacts.ndjson")
        result, count = checked(f"crmexport, {records} contacts",
                                lambda: ctx.clients.export(fake, "hubspot", ["contacts"], out), out, "ndjson", dump)
        rows.append(row("crmexport", result, count))
        for mode, label in [("all", "every property"), ("default", "default properties")]:
            name = f"HubSpot SDK 13.5.0 getAll, {label}"
            result, count = checked(name, lambda: ctx.clients.node(fake, "hubspot_sdk.js", f"{fake.url}/hubspot",
                                                                   str(out), mode), out, "ndjson", dump)
            rows.append(row(name, result, count))
            if mode == "all":
                targets = page_targets(fake, result["log_mark"], "/hubspot/crm/v3/objects/contacts")
        log(f"curl floor, {len(targets)} pages (the SDK's every-property page URLs)")
        floor = ctx.clients.curl_floor(fake, targets, f"Authorization: Bearer {TOKEN}")
        rows.append(row("curl floor (raw transfer, every property)", floor, count))
    for r in rows:
        r["requests_per_100"] = r["requests"] * 100 / r["records"]
    return rows


def scenario_c(ctx, records, variants):
    """(c) all eight Pipedrive types, 200 ms per answer, the default burst limit; one row per
    variant of crmexport's options."""
    rows = []
    with connected_fake(ctx, f"pipedrive-latency-{records}", "pipedrive",
                        ["--records", str(records), "--latency-ms", str(LATENCY_MS),
                         "--burst", str(PIPEDRIVE_BURST)]) as fake:
        for label, options in variants:
            time.sleep(2.5)  # an empty burst window: each variant starts as a fresh cron run would
            out = ctx.workdir / "all-types"
            log(f"{label}, 8 types x {records} records, {LATENCY_MS} ms latency")
            result = ctx.clients.export(fake, "pipedrive", PIPEDRIVE_TYPES, f"{out}/", extra=options)
            total = sum(check_against_dump(out / f"{t}.ndjson", "ndjson", fake.dump_file("pipedrive", f"{t}.ndjson"))
                        for t in PIPEDRIVE_TYPES)
            remove(out)
            r = row(label, result, total)
            r["sequential_floor_s"] = r["requests"] * LATENCY_MS / 1000
            r["rate_floor_s"] = r["requests"] / (PIPEDRIVE_BURST / 2)
            rows.append(r)
    return rows


def mirror_ids(read):
    """The live ids of the mirror's persons table, sorted, from `read(sql)`."""
    return sorted(read("SELECT id FROM pipedrive_persons WHERE deleted_at IS NULL"))


def scenario_e(ctx, records):
    """(e) Pipedrive persons: every export mode's CPU per record against plain NDJSON's, and sync
    into SQLite and into PostgreSQL (first run, then --full) against each database's own floor
    for the same rows."""
    import fleet  # its throw-away PostgreSQL cluster

    modes, mirrors = [], []
    with connected_fake(ctx, f"pipedrive-mirror-{records}", "pipedrive",
                        ["--records", str(records), "--burst", str(UNLIMITED)]) as fake:
        dump = fake.dump_file("pipedrive", "persons.ndjson")
        ndjson = ctx.workdir / "persons-kept.ndjson"
        log(f"crmexport NDJSON, {records} persons (kept for the floors)")
        result = ctx.clients.export(fake, "pipedrive", ["persons"], ndjson)
        modes.append(row("NDJSON", result, check_against_dump(ndjson, "ndjson", dump)))
        for label, fmt, extra in [("CSV, readable (the default)", "csv", []), ("CSV --raw", "csv", ["--raw"]),
                                  ("CSV --fields id,name,emails", "csv", ["--fields", "id,name,emails"]),
                                  ("NDJSON --labels", "ndjson", ["--labels"])]:
            out = ctx.workdir / f"persons-mode.{fmt}"
            result, count = checked(f"crmexport {label}, {records} persons",
                                    lambda: ctx.clients.export(fake, "pipedrive", ["persons"], out, fmt, extra),
                                    out, fmt, dump)
            modes.append(row(label, result, count))

        crmexport = ctx.clients.crmexport
        sqlite_db = ctx.workdir / "mirror.db"
        for label, extra in [("crmexport sync, first run", []), ("crmexport sync --full", ["--full"])]:
            log(f"{label} into SQLite, {records} persons")
            result = measure(fake, [crmexport, "-q", "sync", "pipedrive", "persons", "--db", str(sqlite_db), *extra],
                             env=ctx.clients.env)
            with contextlib.closing(sqlite3.connect(sqlite_db)) as db:
                got = mirror_ids(lambda sql: [r[0] for r in db.execute(sql)])
            if got != dump_ids(dump):
                raise BenchError(f"the SQLite mirror holds {len(got)} persons, not the dump's {len(dump_ids(dump))}")
            mirrors.append(row(label, result, len(got), database="SQLite"))
        floor_db = ctx.workdir / "floor.db"
        log("SQLite floor: Python inserting the same lines in one transaction")
        result = measure(fake, ["/usr/bin/python3", str(CLIENTS / "sqlite_floor.py"), str(floor_db), str(ndjson)])
        mirrors.append(row("floor: sqlite3 inserts, one transaction", result, records, database="SQLite"))

        try:
            cluster = fleet.PostgresCluster(20)
        except fleet.BenchError as e:
            raise BenchError(str(e)) from e
        try:
            uri = cluster.create_database("mirror")
            for label, extra in [("crmexport sync, first run", []), ("crmexport sync --full", ["--full"])]:
                log(f"{label} into PostgreSQL, {records} persons")
                result = measure(fake, [crmexport, "-q", "sync", "pipedrive", "persons", "--db", uri, *extra],
                                 env=ctx.clients.env)
                got = mirror_ids(lambda sql: [int(v) for v in cluster.psql(sql, "mirror").split("\0") if v.strip()])
                if got != dump_ids(dump):
                    raise BenchError(f"the PostgreSQL mirror holds {len(got)} persons, not the dump's "
                                     f"{len(dump_ids(dump))}")
                mirrors.append(row(label, result, len(got), database="PostgreSQL"))
            # The floor's rows: what the mirror keeps of each record (id, jsonb, exact text) in
            # COPY's text format, written before the clock starts.
            rows_file = ctx.workdir / "persons.copy"
            with open(ndjson, "rb") as lines, open(rows_file, "wb") as out:
                for line in lines:
                    text = line.rstrip(b"\n").replace(b"\\", b"\\\\")
                    out.write(b"pipedrive\t" + ID_PREFIX.match(line).group(1) + b"\t" + text + b"\t" + text + b"\n")
            cluster.psql("CREATE TABLE persons(connection text NOT NULL, id jsonb NOT NULL, record jsonb NOT NULL, "
                         "record_text text NOT NULL, PRIMARY KEY(connection, id))", "mirror")
            log("PostgreSQL floor: psql \\copy of the same rows")
            result = measure(fake, [str(cluster.bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d",
                                    cluster.uri("mirror"), "-c", f"\\copy persons FROM '{rows_file}'"])
            count = int(cluster.psql("SELECT count(*) FROM persons", "mirror").strip("\0\n"))
            if count != records:
                raise BenchError(f"the PostgreSQL floor copied {count} rows, not {records}")
            mirrors.append(row("floor: psql \\copy, one transaction", result, records, database="PostgreSQL"))
            remove(rows_file)
        except fleet.BenchError as e:
            raise BenchError(str(e)) from e
        finally:
            cluster.stop()
        remove(ndjson)
    return {"modes": modes, "mirrors": mirrors}


# ---------------------------------------------------------------------------------------------
# report


def machine():
    def text(command):
        try:
            return subprocess.run(command, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "?"
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem_kib = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    return {
        "nproc": os.cpu_count(), "cpu": model, "memory_gib": round(mem_kib / 1048576, 1),
        "debian": Path("/etc/debian_version").read_text().strip(), "kernel": platform.release(),
        "node": text(["node", "--version"]), "python": platform.python_version(),
        "curl": text(["curl", "--version"]).split("\n")[0].split(" (")[0],
        "commit": text(["git", "-C", str(BENCH_DIR), "rev-parse", "--short", "HEAD"]),
        # What was measured: the C++ sources and the build, not the bench scripts or docs.
        "dirty": bool(text(["git", "-C", str(BENCH_DIR.parent), "status", "--porcelain", "--untracked-files=no",
                            "--", "lib", "cmd", "providers", "tests", "CMakeLists.txt"])),
    }


def table(headers, lines):
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|"]
    out += ["| " + " | ".join(str(c) for c in line) + " |" for line in lines]
    return "\n".join(out)


def verdict(ok):
    return "met" if ok else "**missed**"


def report(results, counts, started, finished, loads):
    m = results["machine"]
    md = [f"## Run {started:%Y-%m-%d %H:%M}–{finished:%H:%M} UTC ({results['mode']})", "",
          f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB, Debian {m['debian']}, "
          f"kernel {m['kernel']}; node {m['node']}, Python {m['python']}, {m['curl']}; crmexport at "
          f"{m['commit']}{' (with uncommitted source changes)' if m['dirty'] else ''}. Load average (1 min) "
          f"{loads[0]:.2f} at the start, {loads[1]:.2f} at the end.", "",
          f"Every client's output was checked record by record (count and ids, each once): against "
          f"crm-fake's dump for runs of up to {results['dump_limit']:,} records, against the dataset's "
          f"ids 1..N above that.", ""]
    targets = []

    if "a" in results:
        rows = results["a"]
        md += [f"### (a) Pipedrive v2 persons, {counts['a']:,} records, zero latency", "",
               table(["client", "wall s", "CPU s (user+sys)", "CPU µs/record", "peak RSS MiB", "requests"],
                     [[r["client"], f"{r['wall_s']:.2f}", f"{r['cpu_s']:.2f}", f"{r['cpu_us_per_record']:.1f}",
                       f"{r['rss_mib']:.1f}", r["requests"]] for r in rows]), ""]
        ours = rows[0]
        floor = next(r for r in rows if r["client"].startswith("curl"))
        peers = [r for r in rows[1:] if not r["client"].startswith("curl")]
        best = min(peers, key=lambda r: r["cpu_us_per_record"])
        targets.append(["(a) wall ≤ 1.15× raw-transfer floor", f"{ours['wall_s']:.2f} s vs {floor['wall_s']:.2f} s",
                        f"{ours['wall_s'] / floor['wall_s']:.2f}×", verdict(ours["wall_s"] <= 1.15 * floor["wall_s"])])
        ratio = ours["cpu_us_per_record"] / best["cpu_us_per_record"]
        targets.append(["(a) CPU/record ≤ 0.25× best peer's",
                        f"{ours['cpu_us_per_record']:.1f} µs vs {best['cpu_us_per_record']:.1f} µs ({best['client']})",
                        f"{ratio:.2f}×", verdict(ratio <= 0.25)])
        targets.append(["(a) peak RSS ≤ 25 MB", f"{ours['rss_mib']:.1f} MiB", "", verdict(ours["rss_mib"] * 1.048576 <= 25)])

    if "b" in results:
        rows = results["b"]
        md += [f"### (b) HubSpot contacts, {counts['b']:,} records, zero latency", "",
               table(["client", "wall s", "CPU s (user+sys)", "CPU µs/record", "peak RSS MiB", "requests",
                      "requests/100 records"],
                     [[r["client"], f"{r['wall_s']:.2f}", f"{r['cpu_s']:.2f}", f"{r['cpu_us_per_record']:.1f}",
                       f"{r['rss_mib']:.1f}", r["requests"], f"{r['requests_per_100']:.2f}"] for r in rows]), ""]
        ours, sdk = rows[0], rows[1]
        targets.append(["(b) requests/100 records ≤ the SDK's (every property)",
                        f"{ours['requests_per_100']:.2f} vs {sdk['requests_per_100']:.2f}",
                        f"{ours['requests_per_100'] / sdk['requests_per_100']:.2f}×",
                        verdict(ours["requests_per_100"] <= sdk["requests_per_100"])])
        targets.append(["(b) wall ≤ 0.6× the SDK's (every property)", f"{ours['wall_s']:.2f} s vs {sdk['wall_s']:.2f} s",
                        f"{ours['wall_s'] / sdk['wall_s']:.2f}×", verdict(ours["wall_s"] <= 0.6 * sdk["wall_s"])])

    if "c" in results:
        rows = results["c"]
        md += [f"### (c) all eight Pipedrive types, {counts['c']:,} records each, {LATENCY_MS} ms latency, "
               f"burst {PIPEDRIVE_BURST} per 2 s", "",
               table(["client", "records", "wall s", "CPU s", "requests", "429s", "sequential floor s",
                      "rate-limit floor s"],
                     [[r["client"], r["records"], f"{r['wall_s']:.2f}", f"{r['cpu_s']:.2f}", r["requests"],
                       r["throttled"], f"{r['sequential_floor_s']:.1f}", f"{r['rate_floor_s']:.1f}"] for r in rows]), ""]
        if len(rows) == 1:
            md += ["This crmexport has no `--jobs`: it reads the types one after another.", ""]
        r = rows[0]
        targets.append(["(c) wall ≤ 1.2× rate-limit floor", f"{r['wall_s']:.2f} s vs {r['rate_floor_s']:.1f} s",
                        f"{r['wall_s'] / r['rate_floor_s']:.2f}×", verdict(r["wall_s"] <= 1.2 * r["rate_floor_s"])])
        targets.append(["(c) 0 429s", str(r["throttled"]), "", verdict(r["throttled"] == 0)])
        targets.append(["(c) ≥ 3× faster than the sequential floor",
                        f"{r['wall_s']:.2f} s vs {r['sequential_floor_s']:.1f} s",
                        f"{r['sequential_floor_s'] / r['wall_s']:.2f}×", verdict(r["sequential_floor_s"] >= 3 * r["wall_s"])])

    if "d" in results:
        small, big = results["d"]["small"], results["d"]["big"]
        lines = []
        for fmt in ["ndjson", "json", "csv"]:
            if fmt in small and fmt in big:
                growth = (big[fmt] - small[fmt]) / small[fmt]
                lines.append([fmt, f"{small[fmt]:.1f}", f"{big[fmt]:.1f}", f"{growth * 100:+.1f}%"])
                targets.append([f"(d) {fmt}: RSS within 10% between {counts['d_small']:,} and {counts['d_big']:,}",
                                f"{small[fmt]:.1f} → {big[fmt]:.1f} MiB", f"{growth * 100:+.1f}%",
                                verdict(abs(growth) <= 0.10)])
        md += [f"### (d) crmexport peak RSS (MiB), Pipedrive persons, {counts['d_small']:,} vs {counts['d_big']:,} records",
               "", table(["format", f"{counts['d_small']:,}", f"{counts['d_big']:,}", "growth"], lines), ""]

    if "e" in results:
        modes, mirrors = results["e"]["modes"], results["e"]["mirrors"]
        base = modes[0]
        md += [f"### (e) Pipedrive persons, {counts['e']:,} records: export modes against NDJSON", "",
               table(["mode", "wall s", "CPU s", "CPU µs/record", "× NDJSON's CPU", "peak RSS MiB"],
                     [[r["client"], f"{r['wall_s']:.2f}", f"{r['cpu_s']:.2f}", f"{r['cpu_us_per_record']:.1f}",
                       f"{r['cpu_s'] / base['cpu_s']:.2f}×", f"{r['rss_mib']:.1f}"] for r in modes]), ""]
        for r in modes[1:]:
            ratio = r["cpu_s"] / base["cpu_s"]
            targets.append([f"(e) {r['client']}: CPU ≤ 1.5× NDJSON's", f"{r['cpu_s']:.2f} s vs {base['cpu_s']:.2f} s",
                            f"{ratio:.2f}×", verdict(ratio <= 1.5)])
        md += [f"### (e) Pipedrive persons, {counts['e']:,} records, into a mirror", "",
               "The database server runs on either core, as the operating system places it; its CPU is not in "
               "the client's column, so compare wall times.", "",
               table(["database", "client", "wall s", "client CPU s", "× the floor's wall"],
                     [[r["database"], r["client"], f"{r['wall_s']:.2f}", f"{r['cpu_s']:.2f}",
                       f"{r['wall_s'] / next(f for f in mirrors if f['database'] == r['database'] and f['client'].startswith('floor'))['wall_s']:.2f}×"]
                      for r in mirrors]), ""]
        for database in ["SQLite", "PostgreSQL"]:
            floor = next(f for f in mirrors if f["database"] == database and f["client"].startswith("floor"))
            for r in mirrors:
                if r["database"] == database and not r["client"].startswith("floor"):
                    ratio = r["wall_s"] / floor["wall_s"]
                    targets.append([f"(e) {r['client']} into {database} ≤ 1.5× its floor",
                                    f"{r['wall_s']:.2f} s vs {floor['wall_s']:.2f} s", f"{ratio:.2f}×",
                                    verdict(ratio <= 1.5)])

    md += ["### Targets", "", table(["target", "measured", "ratio", ""], targets), ""]
    return "\n".join(md)


class Context:
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build", type=Path, help="build folder (crmexport, tests/fake/crm-fake)")
    parser.add_argument("--peers", default=BENCH_DIR / ".peers", type=Path, help="folder with the npm peers")
    parser.add_argument("--quick", action="store_true", help="ten times fewer records (about two minutes)")
    parser.add_argument("--only", default="a,b,c,d,e", help="scenarios to run, e.g. a,d")
    parser.add_argument("--dump-limit", default=100_000, type=int,
                        help="larger runs check ids 1..N instead of writing the fake's dump (default 100000)")
    parser.add_argument("--results", default=BENCH_DIR / "results", type=Path, help="where to keep the report")
    args = parser.parse_args()

    counts = QUICK if args.quick else FULL
    wanted = set(args.only.split(","))
    if not wanted <= {"a", "b", "c", "d", "e"}:
        parser.error("--only takes a comma-separated subset of a,b,c,d,e")

    ctx = Context()
    ctx.build = args.build.resolve()
    ctx.dump_limit = args.dump_limit
    ctx.workdir = Path(tempfile.mkdtemp(prefix="crmexport-bench-"))
    ctx.clients = Clients(ctx.build, args.peers.resolve(), ctx.workdir)
    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = os.getloadavg()[0]
    results = {"mode": "quick" if args.quick else "full", "machine": machine(), "counts": counts,
               "dump_limit": args.dump_limit}
    help_text = subprocess.run([ctx.clients.crmexport, "export", "--help"], capture_output=True, text=True).stdout
    try:
        if "a" in wanted or "d" in wanted:
            if "d" in wanted and counts["d_big"] != counts["a"]:
                raise BenchError("(d)'s big run shares (a)'s server: keep their counts equal")
            rows, big_memory = scenario_a_and_big_d(ctx, counts["a"], "a" in wanted, "d" in wanted)
            if "a" in wanted:
                results["a"] = rows
            if "d" in wanted:
                results["d"] = {"big": big_memory, "small": scenario_d_small(ctx, counts["d_small"])}
        if "b" in wanted:
            results["b"] = scenario_b(ctx, counts["b"])
        if "c" in wanted:
            variants = [("crmexport, default --jobs" if "--jobs" in help_text else "crmexport", [])]
            if "--jobs" in help_text:
                # Types in turn (the old behaviour), and one type per job: with 200 ms answers
                # four jobs can reach 20 requests/s at best, exactly the rate limit.
                variants += [("crmexport --jobs 1", ["--jobs", "1"]), ("crmexport --jobs 8", ["--jobs", "8"])]
            results["c"] = scenario_c(ctx, counts["c"], variants)
        if "e" in wanted:
            results["e"] = scenario_e(ctx, counts["e"])
    except BenchError as e:
        log(f"failed: {e}")
        return 1
    finally:
        shutil.rmtree(ctx.workdir, ignore_errors=True)
    finished = datetime.datetime.now(datetime.timezone.utc)
    text = report(results, counts, started, finished, (load_start, os.getloadavg()[0]))
    print(text)
    args.results.mkdir(parents=True, exist_ok=True)
    stem = args.results / f"{started:%Y%m%dT%H%M%S}-{results['mode']}"
    stem.with_suffix(".md").write_text(text + "\n")
    stem.with_suffix(".json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    log(f"kept {stem}.md and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
