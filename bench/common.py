"""What every benchmark shares: the machine and PostgreSQL lines it prints, the durable
PostgreSQL cluster and database the Odoo benchmarks run on, and running a script inside Odoo."""

import ast
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MARKER = "ACORN-BENCH "
SETTINGS_MARKER = "ACORN-BENCH-PG "
# One database for every Odoo benchmark; each rolls back what it made.
BENCH_DB = "acorn_bench_durable"
PG_SETTINGS = (
    "fsync",
    "synchronous_commit",
    "full_page_writes",
    "shared_buffers",
    "server_version",
)

# Run first in the same Odoo shell as the benchmark: the settings of the very connection that
# the figures come from, and the timing helpers every Odoo benchmark uses.
PRELUDE = r"""
import json as _json, os as _os, time as _time
_settings = {}
for _name in %(settings)r:
    env.cr.execute("SHOW " + _name)
    _settings[_name] = env.cr.fetchone()[0]
print(%(marker)r + _json.dumps(_settings))
env.cr.execute("SELECT pg_backend_pid()")
_backend = env.cr.fetchone()[0]

def bench_cpu():
    # (this process, its PostgreSQL backend) CPU seconds: what a phase costs whatever the
    # machine's other load (wall-clock time shows that load too).
    try:
        with open(f"/proc/{_backend}/stat") as stat:
            ticks = stat.read().rsplit(")", 1)[1].split()
        pg = (int(ticks[11]) + int(ticks[12])) / _os.sysconf("SC_CLK_TCK")
    except OSError:  # PostgreSQL on another host
        pg = float("nan")
    return _time.process_time(), pg

def bench_time(fn):
    # fn() from a cold ORM cache: (its result, wall seconds, Odoo and PostgreSQL CPU, queries).
    env.invalidate_all()
    queries, cpu0, start = env.cr.sql_log_count, bench_cpu(), _time.perf_counter()
    result = fn()
    wall, cpu1 = _time.perf_counter() - start, bench_cpu()
    return result, {"s": wall, "odoo_cpu": cpu1[0] - cpu0[0], "pg_cpu": cpu1[1] - cpu0[1],
                    "queries": env.cr.sql_log_count - queries}

def bench_best(runs):
    # The least disturbed of several timings, wall and CPU taken apart.
    cpu = min(runs, key=lambda r: r["odoo_cpu"] + r["pg_cpu"])
    return {"s": min(r["s"] for r in runs), "odoo_cpu": cpu["odoo_cpu"],
            "pg_cpu": cpu["pg_cpu"], "queries": runs[0]["queries"], "rounds": len(runs)}
"""


def cpu_name():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def memory_gib():
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "? GiB"


def load_average():
    if not hasattr(os, "getloadavg"):
        return "?"
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine():
    """CPU, cores, memory, Python and the load average: figures mean little without them."""
    return (
        f"{cpu_name()}; {os.cpu_count()} cores; {memory_gib()}; "
        f"Python {platform.python_version()}; {platform.system()} {platform.release()}; "
        f"load average {load_average()}"
    )


def postgres_line(settings):
    """The PostgreSQL settings the figures were measured with, on one line."""
    durable = all(settings.get(k) == "on" for k in PG_SETTINGS[:3])
    return (
        f"PostgreSQL {settings['server_version']}: "
        + ", ".join(f"{k}={settings[k]}" for k in PG_SETTINGS[:4])
        + (" (durable)" if durable else " (NOT durable: figures flatter writes)")
    )


def odoo_and_postgres(dev):
    """(Odoo, running durable PostgreSQL) for the Odoo benchmarks, or exit saying what is
    missing. The benchmarks run on a cluster of their own with PostgreSQL's crash-safe
    defaults (fsync, synchronous_commit and full_page_writes on), not on the test cluster."""
    odoo, tried = dev.find_odoo(allow_clone=False)
    if odoo is None:
        sys.exit("Odoo 18 not found: " + "; ".join(tried))
    return odoo, dev.Postgres(durable=True).start()


def manifest_version():
    manifest = ROOT / "acorn_vendor" / "__manifest__.py"
    return ast.literal_eval(manifest.read_text(encoding="utf-8"))["version"]


def add_database_options(parser):
    """--db and --update, the same for every Odoo benchmark."""
    parser.add_argument("--db", default=BENCH_DB, help="built with acorn_vendor when missing")
    parser.add_argument("--update", action="store_true", help="update acorn_vendor first")


def ensure_database(dev, odoo, pg, db=BENCH_DB, update=False):
    """Build ``db`` with acorn_vendor once; update the module when asked, or when the
    database holds another version of it than the code (a model change since the build).
    Then vacuum it: every run rolls back thousands of rows, and their dead tuples and stale
    statistics made a later run's PostgreSQL CPU several times larger."""
    exists = pg.db_exists(db)
    installed = exists and pg.psql(
        "SELECT latest_version FROM ir_module_module WHERE name = 'acorn_vendor'", db=db
    )
    if not exists or update or installed != manifest_version():
        build(dev, odoo, pg, db, exists)
    pg.psql("VACUUM ANALYZE", db=db)


def build(dev, odoo, pg, db, exists):
    """Install acorn_vendor in a new ``db``, or update it in an existing one."""
    dev.say(f"updating acorn_vendor in {db}" if exists else f"building {db} (once)")
    dev.run(
        [
            *dev.odoo_base_args(odoo, pg, db, dev.free_port()),
            "-u" if exists else "-i",
            "acorn_vendor",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        env={**os.environ, **odoo.env},
    )


def copy_filestore(dev, pg, source, target):
    """Copy the files of ``target``'s attachments from ``source``'s filestore where
    ``target`` lacks them: a database copied by PostgreSQL (``CREATE DATABASE ... TEMPLATE``)
    has the attachment rows but not Odoo's files (the dashboards' spreadsheets, the assets).
    Returns how many were copied."""
    stores = dev.CACHE / "odoo-data" / "filestore"
    names = pg.psql(
        "SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL", db=target
    ).split()
    copied = 0
    for name in names:
        src, dst = stores / source / name, stores / target / name
        if src.exists() and not dst.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
            copied += 1
    return copied


def run_in_odoo(dev, odoo, pg, db, script, cfg):
    """Run ``script % {"cfg": json}`` in ``odoo shell`` on ``db``; return the dict it printed
    after MARKER, with the PostgreSQL settings of that session under "pg", or exit with the
    end of Odoo's output."""
    prelude = PRELUDE % {"settings": PG_SETTINGS, "marker": SETTINGS_MARKER}
    proc = subprocess.run(
        [
            *dev.odoo_base_args(odoo, pg, db, dev.free_port(), "shell"),
            "--no-http",
            "--log-level=warn",
        ],
        input=prelude + script % {"cfg": json.dumps(cfg)},
        text=True,
        capture_output=True,
        env={**os.environ, **odoo.env},
    )
    lines = proc.stdout.splitlines()
    found = [ln for ln in lines if MARKER in ln]
    settings = [ln for ln in lines if SETTINGS_MARKER in ln]
    if proc.returncode or not found or not settings:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        sys.exit(f"benchmark failed (odoo shell on {db})")
    result = json.loads(found[-1].split(MARKER, 1)[1])
    result["pg"] = json.loads(settings[-1].split(SETTINGS_MARKER, 1)[1])
    return result


def print_context(result):
    """The machine and PostgreSQL lines every Odoo benchmark starts its report with."""
    print(f"machine: {machine()}")
    print(postgres_line(result["pg"]))


def timing(t):
    """One timing from bench_best: wall-clock, then the CPU of Odoo and PostgreSQL."""
    cpu = t["odoo_cpu"] + t["pg_cpu"]
    return (
        f"{t['s']:.2f} s wall, {cpu:.2f} s CPU (Odoo {t['odoo_cpu']:.2f} + PostgreSQL "
        f"{t['pg_cpu']:.2f}), {t['queries']} queries"
    )


def ratios(baseline, acorn):
    """Baseline over Acorn, wall-clock and CPU: how many times faster Acorn is."""
    wall = baseline["s"] / acorn["s"]
    cpu = (baseline["odoo_cpu"] + baseline["pg_cpu"]) / (acorn["odoo_cpu"] + acorn["pg_cpu"])
    return f"ratio (baseline / Acorn): {wall:.2f}x wall-clock, {cpu:.2f}x CPU"
