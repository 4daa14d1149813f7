"""Invoice benchmark: one Amazon invoice of 5,000 lines checked for submitInvoices, beside the
natural ORM code for the same three-way match.

    python3 bench/bench_invoice.py [--lines 5000]

On the benchmark database of the durable PostgreSQL cluster (bench/common.py), inside Odoo:

1. sets up an acknowledged Amazon PO of ``--lines`` lines, its confirmed sale order and the
   posted invoice (setup, not timed: Odoo's own invoicing); every 50th line is priced off the
   PO and every 40th short-shipped, so the checks have something to find;
2. times Acorn's ``acorn_check_invoice`` (gather, build the domain invoice, three-way match,
   validate the whole SP-API payload against Amazon's model, store the checklist), and
   measures its peak Python allocation apart (tracemalloc slows what it watches);
3. times the baseline an experienced Odoo developer would write for the three-way match:
   a prefetched loop over the invoice lines, one ``read_group`` for shipped quantities, one
   search for what other posted invoices billed, each payload item validated against
   Amazon's model, the checklist written with one ``create``. It must find the same
   price and quantity problems and build the same items as Acorn's document (asserted).

Acorn does more than the baseline (taxes, parties, payment terms, numbers Amazon already has,
credit notes, the whole document's validation): the ratio is the cost of that, not a speed-up
from bulk reads.

Delivered quantities are written on the sale lines (service products, Odoo's manual delivery)
rather than through 5,000 stock moves: the check reads the same ``qty_delivered`` either way.
Everything runs in one transaction that is rolled back.
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
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
                   "price_unit": l.net_cost + (0.5 if i %% 50 == 0 else 0),
                   "acorn_po_line_id": l.id, "tax_id": False})
                   for i, l in enumerate(po.line_ids)]})
sale.action_confirm()
# Every 50th line is priced off the PO and every 40th short-shipped: both checks must find them.
for i, sol in enumerate(sale.order_line):
    sol.qty_delivered = 10 if i %% 40 == 0 else 12
move = sale._create_invoices()
# Amazon orders invoice what shipped: bill the short-shipped lines in full by hand, as a
# hurried user would, so that the quantity check has something to find.
move.invoice_line_ids.filtered(lambda aml: aml.quantity == 10).quantity = 12
move.action_post()
env.flush_all()
out["setup_s"] = time.perf_counter() - t0

def acorn_check():
    (result,) = move.acorn_check_invoice()
    env.flush_all()
    return result

result, first = bench_time(acorn_check)  # both paths start from a cold ORM cache
acorn_runs = [first]
acorn_doc, _problems = move._acorn_run_check()  # the document itself, for the comparison
env.invalidate_all()
out["acorn_problems"] = len(result["problems"])
env.invalidate_all()
tracemalloc.start()
move.acorn_check_invoice()
env.flush_all()
out["acorn_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
tracemalloc.stop()
env.invalidate_all()

MATCH_CODES = ("NET_COST_MISMATCH", "INVOICED_QUANTITY_EXCEEDS_ACCEPTED",
               "INVOICED_QUANTITY_EXCEEDS_SHIPPED")
ITEM_KEYS = ("itemSequenceNumber", "amazonProductIdentifier", "vendorProductIdentifier",
             "invoicedQuantity", "netCost", "purchaseOrderNumber")

def orm_check():
    # The natural ORM code for the same three-way match and items: a loop over the invoice
    # lines with prefetching, one read_group for what was shipped per PO line, one search for
    # what other posted invoices billed, the payload's items validated against Amazon's model
    # once, the checklist written with one create().
    AML, SOL = env["account.move.line"], env["sale.order.line"]
    lines = move.invoice_line_ids.filtered(lambda ln: ln.display_type == "product")
    po_lines = lines.sale_line_ids.acorn_po_line_id
    shipped = dict(SOL._read_group([("acorn_po_line_id", "in", po_lines.ids)],
                                   ["acorn_po_line_id"], ["qty_delivered:sum"]))
    invoiced = {}
    for aml in AML.search([("sale_line_ids.acorn_po_line_id", "in", po_lines.ids),
                           ("move_id", "!=", move.id), ("parent_state", "=", "posted"),
                           ("move_id.move_type", "=", "out_invoice"),
                           ("display_type", "=", "product")]):
        key = aml.sale_line_ids.acorn_po_line_id
        invoiced[key] = invoiced.get(key, 0) + aml.quantity
    tolerance = move.acorn_account_id.invoice_cost_tolerance or 0.0
    problems, items = [], []
    for n, line in enumerate(lines, 1):
        # One sale line per invoice line here. Not [:1]: a slice is browsed anew, without
        # the prefetch set, and costs a query per line.
        po_line = line.sale_line_ids.acorn_po_line_id
        price = round(line.price_unit, 4)
        total = invoiced.get(po_line, 0) + line.quantity
        if abs(price - po_line.net_cost) > tolerance + 1e-9:
            problems.append(("NET_COST_MISMATCH", n))
        if total > po_line.accepted_qty:
            problems.append(("INVOICED_QUANTITY_EXCEEDS_ACCEPTED", n))
        if total > shipped.get(po_line, 0):
            problems.append(("INVOICED_QUANTITY_EXCEEDS_SHIPPED", n))
        items.append({
            "itemSequenceNumber": n, "amazonProductIdentifier": po_line.asin,
            "vendorProductIdentifier": po_line.vendor_sku,
            "invoicedQuantity": {"amount": int(line.quantity), "unitOfMeasure": "Eaches",
                                 "unitSize": 1},
            "netCost": {"currencyCode": move.currency_id.name,
                        "amount": domain.decimal_str(Decimal(str(price)))},
            "purchaseOrderNumber": po_line.order_id.name})
    for item in items:
        try:
            validate_definition("vendorInvoices.json", "InvoiceItem", item)
        except PayloadInvalid as exc:
            problems.append(("INVALID_PAYLOAD", str(exc)))
    move.acorn_check_ids.sudo().unlink()
    env["acorn.vc.invoice.check"].sudo().create([
        {"move_id": move.id, "sequence": k, "code": code, "severity": "error",
         "where": f"line {where}", "message": code}
        for k, (code, where) in enumerate(problems, 1)])
    return problems, items

def orm_check_flushed():
    found = orm_check()
    env.flush_all()
    return found

(orm_problems, orm_items), first = bench_time(orm_check_flushed)
orm_runs = [first]
for _round in range(cfg["rounds"] - 1):  # alternate, so a burst of other load hits both
    acorn_runs.append(bench_time(acorn_check)[1])
    orm_runs.append(bench_time(orm_check_flushed)[1])
out["acorn"], out["orm"] = bench_best(acorn_runs), bench_best(orm_runs)
out["orm_problems"] = len(orm_problems)
env.invalidate_all()
tracemalloc.start()
orm_check()
env.flush_all()
out["orm_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
tracemalloc.stop()

# The same result: the three-way match finds the same problems, and the items carry the
# same identifiers, quantities, prices and PO numbers as Acorn's SP-API document.
from collections import Counter
acorn_codes = Counter(p["code"] for p in result["problems"] if p["code"] in MATCH_CODES)
orm_codes = Counter(code for code, _where in orm_problems)
assert acorn_codes == orm_codes, (acorn_codes, orm_codes)
assert sum(orm_codes.values()) > 0, "the setup plants problems for both checks to find"
out["match_problems"] = dict(orm_codes)
acorn_items = [{k: item.get(k) for k in ITEM_KEYS} for item in acorn_doc["items"]]
assert acorn_items == orm_items, (acorn_items[:2], orm_items[:2])
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("ACORN-BENCH " + json.dumps(out))
env.cr.rollback()
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2, help="timings of each, best kept")
    common.add_database_options(parser)
    args = parser.parse_args()

    odoo, pg = common.odoo_and_postgres(dev)
    common.ensure_database(dev, odoo, pg, args.db, update=args.update)
    r = common.run_in_odoo(
        dev, odoo, pg, args.db, INSIDE_ODOO, {"lines": args.lines, "rounds": args.rounds}
    )
    common.print_context(r)
    print(f"invoice of {r['lines']} lines (setup: PO, SO, invoice in {r['setup_s']:.0f} s)")
    n, acorn, orm = r["lines"], r["acorn"], r["orm"]
    print(f"best of {acorn['rounds']} rounds each, alternating:")
    print(
        f"Acorn acorn_check_invoice:     {common.timing(acorn)}; {n / acorn['s']:.0f} lines/s, "
        f"peak {r['acorn_peak_mb']:.1f} MB (tracemalloc), {r['acorn_problems']} problems in all"
    )
    print(
        f"ORM three-way match (baseline): {common.timing(orm)}; {n / orm['s']:.0f} lines/s, "
        f"peak {r['orm_peak_mb']:.1f} MB, {r['orm_problems']} problems"
    )
    print(f"same price/quantity problems (asserted): {r['match_problems']}; same items: yes")
    print(f"{common.ratios(orm, acorn)}; Odoo max RSS {r['max_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
