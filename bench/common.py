"""What every benchmark shares: the machine line it prints, and running a script inside Odoo."""

import json
import os
import platform
import subprocess
import sys

MARKER = "ACORN-BENCH "


def cpu_name():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def machine():
    """CPU, cores, Python and the load average: figures mean little without them."""
    load = " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"{cpu_name()}; {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"{platform.system()} {platform.release()}; load average {load}"
    )


def odoo_and_postgres(dev):
    """(Odoo, running PostgreSQL) for the Odoo benchmarks, or exit saying what is missing."""
    odoo, tried = dev.find_odoo(allow_clone=False)
    if odoo is None:
        sys.exit("Odoo 18 not found: " + "; ".join(tried))
    return odoo, dev.Postgres().start()


def run_in_odoo(dev, odoo, pg, db, script, cfg):
    """Run ``script % {"cfg": json}`` in ``odoo shell`` on ``db``; return the dict it printed
    after MARKER, or exit with the end of Odoo's output."""
    proc = subprocess.run(
        [
            *dev.odoo_base_args(odoo, pg, db, dev.free_port(), "shell"),
            "--no-http",
            "--log-level=warn",
        ],
        input=script % {"cfg": json.dumps(cfg)},
        text=True,
        capture_output=True,
        env={**os.environ, **odoo.env},
    )
    found = [ln for ln in proc.stdout.splitlines() if MARKER in ln]
    if proc.returncode or not found:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        sys.exit(f"benchmark failed (odoo shell on {db})")
    return json.loads(found[-1].split(MARKER, 1)[1])
