"""ASN benchmark: one shipment of 500 cartons and 5,000 lines, Acorn beside record-by-record.

    python3 bench/bench_asn.py [--db acorn_asn] [--cartons 500] [--lines 5000]
                               [--products 1000] [--pallets 10]

Inside Odoo (``odoo shell`` on a database where acorn_vendor is installed, rolled back at
the end) it builds an Amazon PO, its sale order and a delivery of ``--lines`` move lines
packed into ``--cartons`` cartons on ``--pallets`` pallets, then measures:

1. issuing the SSCCs of every carton and pallet;
2. Acorn's ASN: gather (one grouped SQL query plus bulk reads), build (core/asn_build.py),
   pre-validate (core/asn_check.py) and serialise to SP-API JSON; time, SQL queries and
   tracemalloc peak;
3. the same ASN gathered record by record (each move line, product and package browsed on
   its own, as a naive loop over the ORM does without prefetching), then built and checked
   the same way; the two payloads must be identical.

The delivery is marked done in SQL (validating 5,000 move lines would time Odoo's stock
engine, not the ASN).
"""

import argparse
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

queries = env.cr.sql_log_count
start = time.perf_counter()
payload, problems = acorn_asn(picking)
out["acorn_s"] = time.perf_counter() - start
out["acorn_queries"] = env.cr.sql_log_count - queries
out["problems"] = [str(p) for p in problems][:5]
out["asn_items"] = len(payload["shippedItems"])
out["asn_json_kb"] = len(json.dumps(payload)) / 1024
env.invalidate_all()
tracemalloc.start()
acorn_asn(picking)
out["acorn_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
tracemalloc.stop()

def naive_data(pick):
    # One record at a time: every browse has its own prefetch set, so every field read of
    # every move line, product, lot and package is a query of its own.
    MoveLine = env["stock.move.line"].with_context(prefetch_fields=False)
    ids = [r["id"] for r in env["stock.move.line"].search_read(
        [("picking_id", "=", pick.id), ("quantity", ">", 0)], ["id"], order="id")]
    lines, packages, asn_products = [], {}, {}
    for ml_id in ids:
        ml = MoveLine.browse(ml_id)
        product = env["product.product"].browse(ml.product_id.id)
        if product.id not in asn_products:
            asn_products[product.id] = AsnProduct(
                domain.ProductIds(asin=product.amz_asin or None,
                                  vendor_product_id=product.default_code or None,
                                  ean=product.barcode or None),
                lot_tracked=product.tracking != "none",
                weight=Decimal(str(product.weight)) if product.weight else None,
                volume=Decimal(str(product.volume)) if product.volume else None)
        pkg = env["stock.quant.package"].browse(ml.result_package_id.id)
        for p in (pkg, pkg.acorn_pallet_id):
            p = env["stock.quant.package"].browse(p.id)
            if p and p.id not in packages:
                packages[p.id] = AsnPackage(
                    sscc=p.acorn_sscc or None, is_pallet=p.acorn_is_pallet,
                    pallet=p.acorn_pallet_id.id or None,
                    weight=Decimal(str(p.shipping_weight)) if p.shipping_weight else None)
        lot = env["stock.lot"].browse(ml.lot_id.id)
        lines.append(PackedQuantity(product.id, int(ml.quantity), pick.acorn_purchase_order_id.name,
                                    pkg.id or None, lot.name or None, None))
        env.invalidate_all()
    packages = dict(sorted(packages.items()))
    return lines, packages, asn_products

def naive_asn(pick):
    data = naive_data(pick)
    header = pick._acorn_asn_header()
    shipment = build_shipment(header, *data)
    problems = check_shipment(shipment, pick._acorn_asn_context(shipment, data))
    return converters.shipment_confirmation_to_spapi(shipment), problems

env.invalidate_all()
queries = env.cr.sql_log_count
start = time.perf_counter()
naive_payload, naive_problems = naive_asn(picking)
out["naive_s"] = time.perf_counter() - start
out["naive_queries"] = env.cr.sql_log_count - queries
env.invalidate_all()
tracemalloc.start()
naive_asn(picking)
out["naive_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
tracemalloc.stop()
for key in ("shipmentConfirmationDate",):
    naive_payload.pop(key, None); payload.pop(key, None)
out["same_payload"] = naive_payload == payload
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("ACORN-BENCH " + json.dumps(out))
env.cr.rollback()
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="acorn_asn", help="a database with acorn_vendor")
    parser.add_argument("--cartons", type=int, default=500)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--pallets", type=int, default=10)
    args = parser.parse_args()

    odoo, pg = odoo_and_postgres(dev)
    if not pg.db_exists(args.db):
        sys.exit(f"database {args.db} not found: ./acorn odoo --db {args.db} -- -i acorn_vendor")
    cfg = {k: getattr(args, k) for k in ("cartons", "lines", "products", "pallets")}
    r = run_in_odoo(dev, odoo, pg, args.db, INSIDE_ODOO, cfg)
    print(f"machine: {machine()}")
    print(
        f"shipment: {r['move_lines']} move lines, {r['cartons']} cartons on {r['pallets']} "
        f"pallets -> {r['asn_items']} ASN items, {r['asn_json_kb']:.0f} KB of JSON"
    )
    print(f"SSCCs issued for {r['cartons'] + r['pallets']} packages: {r['sscc_s']:.2f} s")
    print(
        f"Acorn (grouped SQL + bulk reads): {r['acorn_s']:.2f} s, {r['acorn_queries']} queries, "
        f"peak {r['acorn_peak_mb']:.1f} MB"
    )
    print(
        f"record by record (baseline):      {r['naive_s']:.2f} s, {r['naive_queries']} queries, "
        f"peak {r['naive_peak_mb']:.1f} MB"
    )
    print(f"speed-up {r['naive_s'] / r['acorn_s']:.1f}x; same payload: {r['same_payload']}")
    print(f"pre-validation problems: {r['problems'] or 'none'}; max RSS {r['max_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
