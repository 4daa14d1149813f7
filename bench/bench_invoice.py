"""Invoice benchmark: one Amazon shipment of 5,000 lines, checked and built for submitInvoices,
beside the same work done record by record.

    python3 bench/bench_invoice.py [--lines 5000] [--db acorn_bench_invoice]

Builds (once) a database with acorn_vendor on the private PostgreSQL, then inside Odoo:

1. sets up an acknowledged Amazon PO of ``--lines`` lines, its confirmed sale order with every
   line delivered, and the posted invoice (setup, not timed: Odoo's own invoicing);
2. times Acorn's ``check_amazon_invoice`` (gather records in bulk, build the domain invoice,
   three-way match, validate the SP-API payload against Amazon's model, store the checklist),
   and measures its peak Python allocation apart (tracemalloc slows what it watches);
3. times the record-by-record baseline doing the same reads and checks: per invoice line, its
   PO line, the deliveries and earlier invoices of that line, the price and quantity tests,
   the payload item and its validation.

Delivered quantities are written on the sale lines (service products, Odoo's manual delivery)
rather than through 5,000 stock moves: the check reads the same ``qty_delivered`` either way.
Everything runs in one transaction that is rolled back.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine, odoo_and_postgres, run_in_odoo  # noqa: E402
from tools import dev  # noqa: E402

INSIDE_ODOO = r"""
import json, resource, time, tracemalloc
from decimal import Decimal
from odoo import fields
from odoo.addons.acorn_vendor.core import domain
from odoo.addons.acorn_vendor.core.spapi_models import PayloadInvalid, validate_definition
cfg = json.loads(%(cfg)r)
n = cfg["lines"]
out = {"lines": n}
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
t0 = time.perf_counter()
remit = env["res.partner"].create({"name": "Bench Remit", "street": "1 Way", "city": "Town",
                                   "country_id": env.ref("base.us").id})
account = env["acorn.vc.account"].create({"name": "Bench invoice", "marketplace_code": "US",
                                          "invoice_remit_to_partner_id": remit.id})
products = env["product.product"].create([
    {"name": f"Bench item {i}", "type": "service", "default_code": f"BSKU{i:05d}",
     "amz_asin": f"B{i:09d}", "list_price": 10, "taxes_id": False} for i in range(n)])
PO = env["acorn.vc.purchase.order"]
po = PO.create({"name": "BENCHPO1", "account_id": account.id, "amz_state": "acknowledged",
                "vendor_code": "BENCH", "ship_to_code": "ABE2", "bill_to_code": "AMZN",
                "currency_code": "USD", "ack_status": "done",
                "po_date": fields.Datetime.now(),
                "line_ids": [fields.Command.create({
                    "sequence_number": str(i + 1), "asin": p.amz_asin, "vendor_sku": p.default_code,
                    "product_id": p.id, "ordered_qty": 12, "ordered_units": 12,
                    "accepted_qty": 12, "net_cost": 4.2 + (i %% 7) / 4})
                    for i, p in enumerate(products)]})
customer = env["res.partner"].create({"name": "Amazon.com Services LLC", "street": "410 Terry Ave",
                                      "country_id": env.ref("base.us").id})
sale = env["sale.order"].create({"partner_id": customer.id, "client_order_ref": po.name,
    "acorn_purchase_order_id": po.id,
    "order_line": [fields.Command.create({"product_id": l.product_id.id, "product_uom_qty": 12,
                   "price_unit": l.net_cost, "acorn_po_line_id": l.id, "tax_id": False})
                   for l in po.line_ids]})
sale.action_confirm()
for sol in sale.order_line:
    sol.qty_delivered = 12
move = sale._create_invoices()
move.action_post()
env.flush_all()
out["setup_s"] = time.perf_counter() - t0

rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
(result,) = move.check_amazon_invoice()
env.flush_all()
out["acorn_s"] = time.perf_counter() - t
out["acorn_problems"] = len(result["problems"])
out["acorn_rss_growth_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss0
env.invalidate_all()
tracemalloc.start()
move.check_amazon_invoice()
env.flush_all()
out["acorn_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
tracemalloc.stop()
env.invalidate_all()

def naive():
    # Record by record: every invoice line looks up what it needs on its own.
    AML, SOL = env["account.move.line"], env["sale.order.line"]
    problems, items = [], []
    for line_id in move.invoice_line_ids.ids:
        line = AML.browse(line_id)
        po_line = line.sale_line_ids.acorn_po_line_id
        shipped = sum(SOL.search([("acorn_po_line_id", "=", po_line.id)]).mapped("qty_delivered"))
        earlier = AML.search([("sale_line_ids.acorn_po_line_id", "=", po_line.id),
                              ("move_id", "!=", move.id), ("parent_state", "=", "posted")])
        invoiced = sum(earlier.mapped("quantity"))
        if abs(line.price_unit - po_line.net_cost) > 1e-6:
            problems.append(("NET_COST_MISMATCH", line_id))
        if invoiced + line.quantity > po_line.accepted_qty:
            problems.append(("EXCEEDS_ACCEPTED", line_id))
        if invoiced + line.quantity > shipped:
            problems.append(("EXCEEDS_SHIPPED", line_id))
        item = {"itemSequenceNumber": len(items) + 1, "amazonProductIdentifier": po_line.asin,
                "vendorProductIdentifier": po_line.vendor_sku,
                "invoicedQuantity": {"amount": int(line.quantity), "unitOfMeasure": "Eaches"},
                "netCost": {"currencyCode": "USD",
                            "amount": domain.decimal_str(Decimal(str(line.price_unit)))},
                "purchaseOrderNumber": po_line.order_id.name}
        try:
            validate_definition("vendorInvoices.json", "InvoiceItem", item)
        except PayloadInvalid as exc:
            problems.append(("INVALID_PAYLOAD", str(exc)))
        items.append(item)
        line.invalidate_recordset()
        po_line.invalidate_recordset()
    checks = env["acorn.vc.invoice.check"].sudo()
    move.acorn_check_ids.sudo().unlink()
    for k, (code, where) in enumerate(problems):
        checks.create({"move_id": move.id, "code": code, "where": str(where), "message": code})
    return problems

t = time.perf_counter()
naive_problems = naive()
env.flush_all()
out["naive_s"] = time.perf_counter() - t
out["naive_problems"] = len(naive_problems)
env.invalidate_all()
tracemalloc.start()
naive()
env.flush_all()
out["naive_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
tracemalloc.stop()
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("ACORN-BENCH " + json.dumps(out))
env.cr.rollback()
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--db", default="acorn_bench_invoice")
    args = parser.parse_args()

    odoo, pg = odoo_and_postgres(dev)
    if not pg.db_exists(args.db):
        dev.say(f"building {args.db} (once)")
        dev.run(
            [
                *dev.odoo_base_args(odoo, pg, args.db, dev.free_port()),
                "-i",
                "acorn_vendor",
                "--without-demo=all",
                "--stop-after-init",
                "--log-level=warn",
            ],
            env={**os.environ, **odoo.env},
        )
    r = run_in_odoo(dev, odoo, pg, args.db, INSIDE_ODOO, {"lines": args.lines})
    print(f"machine: {machine()}")
    print(f"invoice of {r['lines']} lines (setup: PO, SO, invoice in {r['setup_s']:.0f} s)")
    print(
        f"Acorn check_amazon_invoice: {r['acorn_s']:6.2f} s  "
        f"{r['lines'] / r['acorn_s']:7.0f} lines/s  peak {r['acorn_peak_mb']:.1f} MB "
        f"(tracemalloc), max RSS grew {r['acorn_rss_growth_mb']:.0f} MB, "
        f"{r['acorn_problems']} problems"
    )
    print(
        f"record by record:           {r['naive_s']:6.2f} s  "
        f"{r['lines'] / r['naive_s']:7.0f} lines/s  peak {r['naive_peak_mb']:.1f} MB, "
        f"{r['naive_problems']} problems"
    )
    print(f"speed-up: {r['naive_s'] / r['acorn_s']:.1f}x; Odoo max RSS {r['max_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
