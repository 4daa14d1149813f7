"""Backfill benchmark: Amazon POs from the sandbox into Acorn, beside the ORM import an
experienced Odoo developer would write.

    python3 bench/bench_po_backfill.py [--pos 2000] [--lines 10] [--batch 200]

Starts a sandbox holding ``--pos`` POs of ``--lines`` lines, builds (once) the benchmark
database on the durable PostgreSQL cluster (bench/common.py), then inside Odoo:

1. fetches every PO over HTTP with the SP-API client (7-day windows, pages of 100);
2. the baseline, first and in a transaction of its own: per batch of ``--batch`` POs, one
   search for POs already there, each payload parsed and hashed, products matched in memory,
   then one ``create(vals_list)`` with ``Command.create`` lines and archived versions;
   rolled back;
3. Acorn's import (``_acorn_import_orders``, same batches: COPY of headers, versions and
   lines with the stored totals computed in Python), in a fresh transaction; the POs, lines
   and versions it leaves must equal the baseline's (asserted);
4. peak memory (tracemalloc peak of one batch, and the process's max RSS);
5. with ``--sale-orders``: Acorn's sale orders for the open POs, created then confirmed.

Nothing is committed: the figures leave out the commit's WAL flush that the job pays per
7-day window. Everything is rolled back, so the database stays clean.
"""

import argparse
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from acorn_vendor.core.sandbox import start_sandbox  # noqa: E402
from acorn_vendor.core.sandbox.catalogue import default_catalogue  # noqa: E402
from bench import common  # noqa: E402
from tools import dev  # noqa: E402

INSIDE_ODOO = r"""
import json, resource, time, tracemalloc
from odoo import fields
from odoo.addons.acorn_vendor.core import po_import
from odoo.addons.acorn_vendor.core.spapi import converters
cfg = json.loads(%(cfg)r)
out = {}
PO, Line = env["acorn.vc.purchase.order"], env["acorn.vc.purchase.order.line"]

def setup():
    # The account and the catalogue's products; made again after each rollback.
    account = env["acorn.vc.account"].create({"name": "Bench", "marketplace_code": "US"})
    account._acorn_use_sandbox(cfg["url"], seed=cfg["seed"])
    account.sale_order_cutoff_days = 0  # the import alone; sale orders are timed apart
    for item in cfg["catalogue"]:
        if not env["product.product"].search_count([("amz_asin", "=", item["asin"])]):
            env["product.product"].create({"name": item["title"], "amz_asin": item["asin"],
                                           "barcode": item["ean"], "is_storable": True})
    env.flush_all()
    return account

def restart():
    env.cr.rollback()
    env.invalidate_all()

def result_of(account):
    # What an import leaves, without ids: every PO header, line and archived version.
    env.flush_all()
    env.invalidate_all()
    orders = PO.search([("account_id", "=", account.id)], order="name")
    heads = orders.read(["name", "amz_state", "order_type", "po_date", "vendor_code",
                         "ship_to_code", "currency_code", "payload_hash", "line_count",
                         "ordered_units", "amount_ordered", "unmatched_line_count",
                         "ack_deadline", "ack_status"])
    lines = sorted(
        (ln.order_id.name, ln.sequence_number, ln.sequence_sort, ln.asin, ln.vendor_sku, ln.ean,
         ln.product_id.amz_asin, ln.ordered_qty, ln.ordered_unit, ln.unit_size,
         ln.ordered_units, ln.backorder_allowed, ln.net_cost, ln.list_price, ln.company_id.name)
        for ln in orders.line_ids)
    versions = sorted((v.purchase_order_id.name, v.reference, v.payload_hash,
                       po_import.canonical_json(v.content)) for v in orders.payload_ids)
    return [{k: v for k, v in h.items() if k != "id"} for h in heads], lines, versions

# Phase 0: fetch every PO over HTTP once; the payloads outlive the rollback.
account = setup()
client = account._acorn_spapi_client()
start = time.perf_counter()
payloads = list(client.iter_purchase_orders(createdAfter=cfg["since"], createdBefore=cfg["until"]))
out["fetch_s"] = time.perf_counter() - start
out["pos"] = len(payloads)
out["lines"] = sum(len(p["orderDetails"]["items"]) for p in payloads)
batches = [payloads[i:i + cfg["batch"]] for i in range(0, len(payloads), cfg["batch"])]
restart()

def orm_import(account, batch):
    # The ORM code an experienced Odoo developer writes for a batch: skip POs already
    # there (one search), parse and hash each payload, match products in memory, then one
    # create(vals_list) with Command.create lines and archived versions; the ORM computes
    # the totals and the deadline. Only POs Amazon still calls new wait for an acknowledgement.
    existing = set(PO.search([("account_id", "=", account.id),
                              ("name", "in", [p.get("purchaseOrderNumber") for p in batch])])
                   .mapped("name"))
    parsed = []
    for payload in batch:
        canonical = po_import.canonical_json(payload)
        po = converters.purchase_order_from_spapi(payload)
        if po.number in existing:
            continue
        parsed.append((po_import.order_values(po), po_import.line_values(po), payload,
                       po_import.fingerprint(payload, canonical)))
    find = Line._acorn_product_finder([v for _h, lines, _p, _d in parsed for v in lines.values()])
    company, match_order = account.company_id, account.product_match_order

    def product_id(values):
        product = find(values, company, match_order)
        return product.id if product else False

    return PO.create([{
        **header, "account_id": account.id, "payload_hash": digest,
        "ack_status": "to_do" if header["amz_state"] == "new" else "done",
        "line_ids": [fields.Command.create({**v, "product_id": product_id(v)})
                     for v in lines.values()],
        "payload_ids": [fields.Command.create({"account_id": account.id,
                                               "reference": header["name"],
                                               "content": payload, "payload_hash": digest})],
    } for header, lines, payload, digest in parsed])

# Phase 1, the baseline first, in a transaction of its own.
account = setup()
start, cpu_start = time.perf_counter(), bench_cpu()
for batch in batches:
    orm_import(account, batch)
env.flush_all()
out["orm_import_s"] = time.perf_counter() - start
out["orm_import_cpu"] = [b - a for a, b in zip(cpu_start, bench_cpu())]
orm_result = result_of(account)
restart()

# Phase 2, Acorn's import, in a fresh transaction.
account = setup()
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
profiler = None
if cfg["profile"]:
    import cProfile, io, pstats
    profiler = cProfile.Profile()
    profiler.enable()
start, cpu_start = time.perf_counter(), bench_cpu()
for batch in batches:
    PO._acorn_import_orders(account, batch)
env.flush_all()
out["import_s"] = time.perf_counter() - start
out["import_cpu"] = [b - a for a, b in zip(cpu_start, bench_cpu())]
if profiler:
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(30)
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(40)
    out["profile"] = stream.getvalue()
out["import_rss_growth_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_before
acorn_result = result_of(account)
for what, acorn_rows, orm_rows in zip(("PO headers", "PO lines", "archived versions"),
                                      acorn_result, orm_result):
    assert len(acorn_rows) == len(orm_rows), (what, len(acorn_rows), len(orm_rows))
    differ = [(a, o) for a, o in zip(acorn_rows, orm_rows) if a != o]
    assert not differ, (f"{len(differ)} {what} differ, the first:", differ[0])
out["orders_compared"], out["lines_compared"] = len(acorn_result[0]), len(acorn_result[1])
out["matched_lines"] = sum(1 for line in acorn_result[1] if line[6])
# Peak Python allocation of one batch, measured apart: tracemalloc slows what it watches.
account3 = account.copy({"name": "Bench memory"})
tracemalloc.start()
PO._acorn_import_orders(account3, batches[0])
env.flush_all()
out["batch_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
tracemalloc.stop()

# Sale orders for the open POs inside the cut-off, created then confirmed (Acorn only).
if cfg["sale_orders"]:
    imported = PO.search([("account_id", "=", account.id)])
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
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("ACORN-BENCH " + json.dumps(out))
env.cr.rollback()
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pos", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--batch", type=int, default=200, help="POs per import batch (a job's)")
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of Acorn's import (slows it)"
    )
    parser.add_argument(
        "--sale-orders",
        action="store_true",
        help="also time Acorn's sale orders for the open POs (minutes at 10,000+ POs)",
    )
    common.add_database_options(parser)
    args = parser.parse_args()

    odoo, pg = common.odoo_and_postgres(dev)
    common.ensure_database(dev, odoo, pg, args.db, update=args.update)
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
        now = sb.now().replace(microsecond=0)
        cfg = {
            "url": sb.url,
            "seed": 99,
            "since": (now - timedelta(days=days + 2)).isoformat(),
            "until": now.isoformat(),
            "cutoff_days": 30,
            "batch": args.batch,
            "profile": args.profile,
            "sale_orders": args.sale_orders,
            "catalogue": [
                {"asin": p.asin, "ean": p.ean, "title": p.title} for p in default_catalogue()
            ],
        }
        r = common.run_in_odoo(dev, odoo, pg, args.db, INSIDE_ODOO, cfg)
    if r.get("profile"):
        print(r.pop("profile"))
    common.print_context(r)
    print(f"sandbox: {r['pos']} POs, {r['lines']} lines; batches of {args.batch} POs")
    print(f"fetch over HTTP: {r['fetch_s']:.1f} s ({r['pos'] / r['fetch_s']:.0f} POs/s)")
    print(
        f"ORM create(vals_list) (baseline, first): {r['orm_import_s']:6.1f} s "
        f"{r['lines'] / r['orm_import_s']:8.0f} PO lines/s"
    )
    print(
        f"Acorn import (COPY):                     {r['import_s']:6.1f} s "
        f"{r['lines'] / r['import_s']:8.0f} PO lines/s   "
        f"max RSS grew {r['import_rss_growth_mb']:.0f} MB; one batch peaks at "
        f"{r['batch_peak_mb']:.0f} MB (tracemalloc)"
    )
    for label, key in (("baseline", "orm_import_cpu"), ("Acorn", "import_cpu")):
        odoo_cpu, pg_cpu = r[key]
        print(
            f"  {label} CPU: Odoo {odoo_cpu:.2f} s + PostgreSQL {pg_cpu:.2f} s = "
            f"{r['lines'] / (odoo_cpu + pg_cpu):.0f} PO lines per CPU-second"
        )
    print(
        f"same result (asserted): {r['orders_compared']} POs, {r['lines_compared']} lines "
        f"({r['matched_lines']} matched to a product) and their versions"
    )
    wall = r["orm_import_s"] / r["import_s"]
    cpu_ratio = sum(r["orm_import_cpu"]) / sum(r["import_cpu"])
    print(f"ratio (baseline / Acorn): {wall:.1f}x wall-clock, {cpu_ratio:.1f}x CPU")
    if args.sale_orders:
        so_total = r["so_create_s"] + r["so_confirm_s"]
        print(
            f"Acorn sale orders (open POs): {r['so_lines']} lines: create {r['so_create_s']:.1f} s "
            f"({r['so_lines'] / r['so_create_s']:.0f} lines/s), create+confirm "
            f"{r['so_lines'] / so_total:.0f} lines/s"
        )
    print(f"Odoo process max RSS: {r['max_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
