"""Backfill benchmark: Amazon POs from the sandbox into Acorn, beside naive baselines.

    python3 bench/bench_po_backfill.py [--pos 10000] [--lines 10] [--baseline-pos 1000]

Starts a sandbox holding ``--pos`` POs of ``--lines`` lines, builds (once) a database
``acorn_bench`` with both add-ons on the private PostgreSQL, then inside Odoo measures:

1. fetching every PO over HTTP with the SP-API client (7-day windows, pages of 100);
2. Acorn's import (``_acorn_import_orders``, batches of 200) -> Acorn PO lines per second;
3. the naive baseline: one ``create`` per PO and one per line, on ``--baseline-pos`` POs;
4. sale orders for the open POs: Acorn's batched creation, then confirmation, beside a
   naive one-order-at-a-time create + confirm;
5. peak memory (tracemalloc peak of the import, and the process's max RSS).

Everything runs in one Odoo transaction that is rolled back, so the database stays clean.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from acorn_vendor.core.sandbox import start_sandbox  # noqa: E402
from bench.common import machine, odoo_and_postgres, run_in_odoo  # noqa: E402
from tools import dev  # noqa: E402

DB = "acorn_bench"

INSIDE_ODOO = r"""
import json, resource, time, tracemalloc
from datetime import timedelta
from odoo import fields
cfg = json.loads(%(cfg)r)
out = {}
import os
env.cr.execute("SELECT pg_backend_pid()")
backend = env.cr.fetchone()[0]
def cpu():
    # (this process, its PostgreSQL backend) CPU seconds: what a phase costs whatever the
    # machine's other load (wall-clock time shows that load too).
    try:
        with open(f"/proc/{backend}/stat") as stat:
            fields_ = stat.read().rsplit(")", 1)[1].split()
        pg = (int(fields_[11]) + int(fields_[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:  # PostgreSQL on another host
        pg = float("nan")
    return time.process_time(), pg
account = env["acorn.vc.account"].create({"name": "Bench", "marketplace_code": "US"})
account._acorn_use_sandbox(cfg["url"], seed=cfg["seed"])
# Import first with no sale orders (Acorn's records only), then time the sale orders apart.
account.sale_order_cutoff_days = 0
for item in cfg["catalogue"]:
    if not env["product.product"].search_count([("amz_asin", "=", item["asin"])]):
        env["product.product"].create({"name": item["title"], "amz_asin": item["asin"],
                                       "barcode": item["ean"], "is_storable": True})
env.flush_all()
client = account._acorn_spapi_client()
start = time.perf_counter()
payloads = list(client.iter_purchase_orders(createdAfter=cfg["since"], createdBefore=cfg["until"]))
out["fetch_s"] = time.perf_counter() - start
out["pos"] = len(payloads)
out["lines"] = sum(len(p["orderDetails"]["items"]) for p in payloads)

PO = env["acorn.vc.purchase.order"]
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
profiler = None
if cfg["profile"]:
    import cProfile, io, pstats
    profiler = cProfile.Profile()
    profiler.enable()
start, cpu_start = time.perf_counter(), cpu()
for i in range(0, len(payloads), cfg["batch"]):
    PO._acorn_import_orders(account, payloads[i:i + cfg["batch"]])
env.flush_all()
out["import_s"] = time.perf_counter() - start
out["import_cpu"] = [b - a for a, b in zip(cpu_start, cpu())]
if profiler:
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(30)
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(40)
    out["profile"] = stream.getvalue()
out["import_rss_growth_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_before
# Peak Python allocation of one batch, measured apart: tracemalloc slows what it watches.
account3 = account.copy({"name": "Bench memory"})
tracemalloc.start()
PO._acorn_import_orders(account3, payloads[: cfg["batch"]])
env.flush_all()
out["batch_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
tracemalloc.stop()
imported = PO.search([("account_id", "=", account.id)])

# Sale orders for the open POs inside the cut-off, created then confirmed.
if not cfg["skip_sale_orders"]:
    account.sale_order_cutoff_days = cfg["cutoff_days"]
    eligible = imported._acorn_sale_order_candidates()
    start = time.perf_counter()
    sales = eligible._acorn_create_sale_orders()
    env.flush_all()
    out["so_create_s"] = time.perf_counter() - start
    start = time.perf_counter()
    sales.action_confirm()
    env.flush_all()
    out["so_confirm_s"] = time.perf_counter() - start
    out["so_lines"] = len(sales.order_line)

# Naive baselines, same run, same data.
baseline = payloads[: cfg["baseline_pos"]]
from odoo.addons.acorn_vendor.core import po_import
from odoo.addons.acorn_vendor.core.spapi import converters
account2 = account.copy({"name": "Bench naive"})
start, cpu_start = time.perf_counter(), cpu()
n_lines = 0
for payload in baseline:
    po = converters.purchase_order_from_spapi(payload)
    rec = PO.create({**po_import.order_values(po), "account_id": account2.id})
    for vals in po_import.line_values(po).values():
        env["acorn.vc.purchase.order.line"].create({**vals, "order_id": rec.id})
        n_lines += 1
env.flush_all()
out["naive_import_s"] = time.perf_counter() - start
out["naive_import_cpu"] = [b - a for a, b in zip(cpu_start, cpu())]
out["naive_import_lines"] = n_lines
if not cfg["skip_sale_orders"]:
    naive = sales[: max(1, len(sales) // 4)]
    vals = [{"partner_id": s.partner_id.id, "partner_shipping_id": s.partner_shipping_id.id,
             "order_line": [fields.Command.create({"product_id": l.product_id.id,
                            "product_uom_qty": l.product_uom_qty, "price_unit": l.price_unit})
                            for l in s.order_line]} for s in naive]
    start = time.perf_counter()
    n = 0
    for v in vals:
        so = env["sale.order"].create(v)
        so.action_confirm()
        n += len(so.order_line)
    env.flush_all()
    out["naive_so_s"] = time.perf_counter() - start
    out["naive_so_lines"] = n
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("ACORN-BENCH " + json.dumps(out))
env.cr.rollback()
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pos", type=int, default=10000)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--baseline-pos", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=200, help="POs per import batch (a job's)")
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of Acorn's import (slows it)"
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help=f"update acorn_vendor in {DB} first (after a change to its models)",
    )
    parser.add_argument(
        "--skip-sale-orders",
        action="store_true",
        help="measure the PO import only (sale orders for open POs take minutes at 10,000+)",
    )
    args = parser.parse_args()

    odoo, pg = odoo_and_postgres(dev)
    if not pg.db_exists(DB) or args.update:
        dev.say(f"building {DB} (once)" if not args.update else f"updating acorn_vendor in {DB}")
        dev.run(
            [
                *dev.odoo_base_args(odoo, pg, DB, dev.free_port()),
                "-u" if pg.db_exists(DB) else "-i",
                "acorn_vendor",
                "--without-demo=all",
                "--stop-after-init",
                "--log-level=warn",
            ],
            env={**os.environ, **odoo.env},
        )
    days = 100
    with (
        tempfile.TemporaryDirectory() as tmp,
        start_sandbox(
            db_path=Path(tmp) / "bench.sqlite",
            seed=99,
            pos_per_day=args.pos / days,
            history_days=days,
            lines_min=args.lines,
            lines_max=args.lines,
            throttle=False,
            frozen_clock=True,
        ) as sb,
    ):
        now = sb.now()
        from acorn_vendor.core.sandbox.catalogue import default_catalogue

        cfg = {
            "url": sb.url,
            "seed": 99,
            "since": (
                now.replace(microsecond=0) - __import__("datetime").timedelta(days=days + 2)
            ).isoformat(),
            "until": now.replace(microsecond=0).isoformat(),
            "cutoff_days": 30,
            "baseline_pos": args.baseline_pos,
            "batch": args.batch,
            "profile": args.profile,
            "skip_sale_orders": args.skip_sale_orders,
            "catalogue": [
                {"asin": p.asin, "ean": p.ean, "title": p.title} for p in default_catalogue()
            ],
        }
        r = run_in_odoo(dev, odoo, pg, DB, INSIDE_ODOO, cfg)
    ratio = (r["lines"] / r["import_s"]) / (r["naive_import_lines"] / r["naive_import_s"])
    cpu_ratio = (r["lines"] / sum(r["import_cpu"])) / (
        r["naive_import_lines"] / sum(r["naive_import_cpu"])
    )
    if r.get("profile"):
        print(r.pop("profile"))
    r["batch"] = args.batch
    print(f"machine: {machine()}")
    print(f"sandbox: {r['pos']} POs, {r['lines']} lines")
    print(f"fetch over HTTP:          {r['fetch_s']:7.1f} s  ({r['pos'] / r['fetch_s']:.0f} POs/s)")
    print(
        f"Acorn import (batched):   {r['import_s']:7.1f} s  "
        f"{r['lines'] / r['import_s']:8.0f} PO lines/s   "
        f"max RSS grew {r['import_rss_growth_mb']:.0f} MB; one batch of {r['batch']} POs "
        f"peaks at {r['batch_peak_mb']:.0f} MB (tracemalloc)"
    )
    print(
        f"naive import (1 create/record): {r['naive_import_s']:5.1f} s  "
        f"{r['naive_import_lines'] / r['naive_import_s']:8.0f} PO lines/s  "
        f"({r['naive_import_lines']} lines)"
    )
    for label, key, n in (
        ("Acorn", "import_cpu", r["lines"]),
        ("naive", "naive_import_cpu", r["naive_import_lines"]),
    ):
        odoo_cpu, pg_cpu = r[key]
        print(
            f"  {label} CPU: Odoo {odoo_cpu:.2f} s + PostgreSQL {pg_cpu:.2f} s = "
            f"{n / (odoo_cpu + pg_cpu):.0f} PO lines per CPU-second"
        )
    print(f"Acorn/naive: {ratio:.1f}x wall-clock, {cpu_ratio:.1f}x CPU")
    if not args.skip_sale_orders:
        so_total = r["so_create_s"] + r["so_confirm_s"]
        print(
            f"sale orders (open POs):   {r['so_lines']} lines: create {r['so_create_s']:.1f} s "
            f"({r['so_lines'] / r['so_create_s']:.0f} lines/s), create+confirm "
            f"{r['so_lines'] / so_total:.0f} lines/s"
        )
        print(
            f"naive SO create+confirm, one at a time: {r['naive_so_lines'] / r['naive_so_s']:.0f} "
            f"lines/s ({r['naive_so_lines']} lines)"
        )
    print(f"Odoo process max RSS: {r['max_rss_mb']:.0f} MB")
    minutes = 200000 / (r["lines"] / r["import_s"]) / 60
    print(f"extrapolated: 200,000 PO lines import in {minutes:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
