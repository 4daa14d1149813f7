"""ASN benchmark: one shipment of 500 cartons and 5,000 lines, Acorn beside the natural ORM code.

    python3 bench/bench_asn.py [--cartons 500] [--lines 5000] [--products 1000] [--pallets 10]

Inside Odoo (``odoo shell`` on the benchmark database of the durable PostgreSQL cluster, see
bench/common.py; everything is rolled back at the end) it builds an Amazon PO, its sale order
and a delivery of ``--lines`` move lines packed into ``--cartons`` cartons on ``--pallets``
pallets, then measures:

1. issuing the SSCCs of every carton and pallet;
2. Acorn's ASN: gather (one grouped SQL query plus bulk reads), build (core/asn_build.py),
   pre-validate (core/asn_check.py) and serialise to SP-API JSON; time, SQL queries and
   tracemalloc peak;
3. the baseline: the same ASN gathered as an experienced Odoo developer would write it, a loop
   over ``picking.move_line_ids`` with prefetching (one query per model and field batch), then
   built and checked the same way. The two payloads and problem lists must be equal.

The delivery is marked done in SQL (validating 5,000 move lines would time Odoo's stock
engine, not the ASN).
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
from odoo.addons.acorn_vendor.core.spapi import converters
from odoo.addons.acorn_vendor.core.asn_build import (
    AsnPackage, AsnProduct, PackedQuantity, build_shipment)
from odoo.addons.acorn_vendor.core.asn_check import check_shipment
cfg = json.loads(%(cfg)r)
out = {}
company = env.company
account = env["acorn.vc.account"].create({
    "name": "Bench ASN", "marketplace_code": "US", "gs1_company_prefix": "0614141",
    "asn_carrier_scac": "ODFL", "asn_shipment_type": "LessThanTruckLoad"})
n_products, n_lines, n_cartons = cfg["products"], cfg["lines"], cfg["cartons"]
products = env["product.product"].create([
    {"name": f"Bench product {i}", "default_code": f"BENCH-{i:05d}",
     "amz_asin": f"B0BENCH{i:05d}", "is_storable": True, "weight": 0.5, "volume": 0.001}
    for i in range(n_products)])
per_line = 2
ordered = {p.id: 0 for p in products}
for i in range(n_lines):
    ordered[products[i %% n_products].id] += per_line
po = env["acorn.vc.purchase.order"].create({
    "name": "BENCHPO1", "account_id": account.id, "amz_state": "acknowledged",
    "vendor_code": "ACRN1", "ship_to_code": "ABE2", "ack_status": "done",
    "line_ids": [fields.Command.create({
        "sequence_number": str(n + 1), "asin": p.amz_asin, "vendor_sku": p.default_code,
        "product_id": p.id, "ordered_qty": ordered[p.id], "ordered_units": ordered[p.id],
        "accepted_qty": ordered[p.id]}) for n, p in enumerate(products)]})
customer = env["res.partner"].create({"name": "Amazon bench"})
sale = env["sale.order"].create({"partner_id": customer.id, "acorn_purchase_order_id": po.id})
group = env["procurement.group"].create({"name": sale.name, "sale_id": sale.id})
warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
ptype = warehouse.out_type_id
src, dst = ptype.default_location_src_id, env.ref("stock.stock_location_customers")
picking = env["stock.picking"].create({
    "picking_type_id": ptype.id, "location_id": src.id, "location_dest_id": dst.id,
    "partner_id": customer.id, "group_id": group.id,
    "move_ids": [fields.Command.create({
        "name": p.name, "product_id": p.id, "product_uom_qty": ordered[p.id],
        "product_uom": p.uom_id.id, "location_id": src.id, "location_dest_id": dst.id,
        "group_id": group.id}) for p in products]})
assert picking.acorn_purchase_order_id == po, "the delivery belongs to the bench PO"
pallets = env["stock.quant.package"].create(
    [{"name": f"BENCH-PAL-{i}", "acorn_is_pallet": True} for i in range(cfg["pallets"])])
cartons = env["stock.quant.package"].create([
    {"name": f"BENCH-CTN-{i}", "acorn_pallet_id": pallets[i %% len(pallets)].id}
    for i in range(n_cartons)])
move_of = {m.product_id.id: m for m in picking.move_ids}
env["stock.move.line"].create([{
    "picking_id": picking.id, "move_id": move_of[products[i %% n_products].id].id,
    "product_id": products[i %% n_products].id, "product_uom_id": products[0].uom_id.id,
    "quantity": per_line, "location_id": src.id, "location_dest_id": dst.id,
    "result_package_id": cartons[i * n_cartons // n_lines].id} for i in range(n_lines)])
env.flush_all()
env.cr.execute("UPDATE stock_move SET state = 'done', quantity = product_uom_qty "
               "WHERE picking_id = %%s", (picking.id,))
env.cr.execute("UPDATE stock_picking SET state = 'done', date_done = now() at time zone 'utc' "
               "- interval '1 hour', acorn_asn_state = 'to_send', acorn_bill_of_lading = 'BOL1' "
               "WHERE id = %%s", (picking.id,))
env.invalidate_all()
out["move_lines"] = len(picking.move_line_ids)
out["cartons"], out["pallets"] = n_cartons, len(pallets)

start = time.perf_counter()
picking._acorn_assign_ssccs()
env.flush_all()
out["sscc_s"] = time.perf_counter() - start
env.invalidate_all()

def acorn_asn(pick):
    shipment, problems = pick._acorn_check_asn()
    return converters.shipment_confirmation_to_spapi(shipment), problems

(payload, problems), first = bench_time(lambda: acorn_asn(picking))
acorn_runs = [first]
out["problems"] = [str(p) for p in problems][:5]
out["asn_items"] = len(payload["shippedItems"])
out["asn_json_kb"] = len(json.dumps(payload)) / 1024
env.invalidate_all()
tracemalloc.start()
acorn_asn(picking)
out["acorn_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
tracemalloc.stop()

def orm_data(pick):
    # The natural ORM code: loop over the picking's move lines with prefetching on, so each
    # field is read for the whole recordset in one query per model and batch.
    lines, packages, asn_products = [], {}, {}
    po_number = pick.acorn_purchase_order_id.name
    move_lines = pick.move_line_ids.filtered(lambda ml: ml.quantity > 0).sorted("id")
    for ml in move_lines:
        product = ml.product_id
        if product.id not in asn_products:
            asn_products[product.id] = AsnProduct(
                domain.ProductIds(asin=product.amz_asin or None,
                                  vendor_product_id=product.default_code or None,
                                  ean=product.barcode or None),
                lot_tracked=product.tracking != "none",
                weight=Decimal(str(product.weight)) if product.weight else None,
                volume=Decimal(str(product.volume)) if product.volume else None)
        lines.append(PackedQuantity(product.id, int(ml.quantity), po_number,
                                    ml.result_package_id.id or None, ml.lot_id.name or None,
                                    None))
    for pkg in (move_lines.result_package_id | move_lines.result_package_id.acorn_pallet_id):
        packages[pkg.id] = AsnPackage(
            sscc=pkg.acorn_sscc or None, is_pallet=pkg.acorn_is_pallet,
            pallet=pkg.acorn_pallet_id.id or None,
            weight=Decimal(str(pkg.shipping_weight)) if pkg.shipping_weight else None,
            tracking_number=pkg.acorn_tracking_number or None)
    packages = dict(sorted(packages.items()))
    return lines, packages, asn_products

def orm_asn(pick):
    data = orm_data(pick)
    header = pick._acorn_asn_header()
    shipment = build_shipment(header, *data)
    problems = check_shipment(shipment, pick._acorn_asn_context(shipment, data))
    return converters.shipment_confirmation_to_spapi(shipment), problems

(orm_payload, orm_problems), first = bench_time(lambda: orm_asn(picking))
orm_runs = [first]
for _round in range(cfg["rounds"] - 1):  # alternate, so a burst of other load hits both
    acorn_runs.append(bench_time(lambda: acorn_asn(picking))[1])
    orm_runs.append(bench_time(lambda: orm_asn(picking))[1])
out["acorn"], out["orm"] = bench_best(acorn_runs), bench_best(orm_runs)
env.invalidate_all()
tracemalloc.start()
orm_asn(picking)
out["orm_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
tracemalloc.stop()
for key in ("shipmentConfirmationDate",):
    orm_payload.pop(key, None); payload.pop(key, None)
assert orm_payload == payload, "the ORM baseline builds the same ASN"
assert [str(p) for p in orm_problems][:5] == out["problems"], "and finds the same problems"
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("ACORN-BENCH " + json.dumps(out))
env.cr.rollback()
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cartons", type=int, default=500)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--pallets", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5, help="timings of each, best kept")
    common.add_database_options(parser)
    args = parser.parse_args()

    odoo, pg = common.odoo_and_postgres(dev)
    common.ensure_database(dev, odoo, pg, args.db, update=args.update)
    cfg = {k: getattr(args, k) for k in ("cartons", "lines", "products", "pallets", "rounds")}
    r = common.run_in_odoo(dev, odoo, pg, args.db, INSIDE_ODOO, cfg)
    common.print_context(r)
    print(
        f"shipment: {r['move_lines']} move lines, {r['cartons']} cartons on {r['pallets']} "
        f"pallets -> {r['asn_items']} ASN items, {r['asn_json_kb']:.0f} KB of JSON"
    )
    print(f"SSCCs issued for {r['cartons'] + r['pallets']} packages: {r['sscc_s']:.2f} s")
    print(f"best of {r['acorn']['rounds']} rounds each, alternating:")
    print(f"Acorn (grouped SQL + bulk reads):     {common.timing(r['acorn'])}, ", end="")
    print(f"peak {r['acorn_peak_mb']:.1f} MB")
    print(f"ORM loop with prefetching (baseline): {common.timing(r['orm'])}, ", end="")
    print(f"peak {r['orm_peak_mb']:.1f} MB")
    print(f"{common.ratios(r['orm'], r['acorn'])}; same payload and problems (asserted)")
    print(f"pre-validation problems: {r['problems'] or 'none'}; max RSS {r['max_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
