"""Replenishment benchmark: Amazon-driven suggestions for 5,000 products over 26 weeks, written
to Odoo's reordering rules, beside a record-by-record ORM baseline in the same run.

    python3 bench/bench_replenishment.py [--products 5000] [--baseline-products 1000]
                                         [--profile] [--db NAME] [--update]

On a database of its own in the durable PostgreSQL cluster (bench/common.py), inside Odoo:

1. sets up, once per size, ``--products`` storable products with an ASIN and a supplier
   line (lead time, minimum, multiple), one in ten with stock on hand, and Amazon's forecast
   (26 weeks per ASIN) and inventory report imported as Amazon documents; the setup is
   committed, so later runs of that size reuse it (the first one takes minutes);
2. times Acorn's recompute (``acorn.vc.amazon.demand._acorn_recompute``) when the rules are
   created: set-based reads, the pandas core, the new manual reordering rules, the Amazon
   Demand lines (26 weeks per product) and the backtest written;
3. times the baseline an experienced Odoo developer would write, on the first
   ``--baseline-products`` products (all of them with 0; it takes about 0.15 s a product,
   12 minutes for 5,000): per product its forecast and inventory rows by ``search_read``,
   its quantities, Amazon-reserved moves and RFQs in progress, ``_select_seller``; the same
   core computes the quantities in one call (so the comparison is about reading and
   writing, not arithmetic); then per product one orderpoint ``search`` and ``write`` or
   ``create``. Its quantities must equal Acorn's on every product it covers (asserted),
   and it is compared per product;
4. times both again when the rules exist (the nightly case), and measures Acorn's peak
   Python allocation apart (tracemalloc slows what it watches). Everything but the setup is
   rolled back. ``--profile`` prints cProfile's top functions of both Acorn runs.
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
from datetime import date, timedelta
import pandas as pd
from odoo.addons.acorn_vendor.core.replenishment import amazon_demand, purchase_need
import cProfile, io, pstats
cfg = json.loads(%(cfg)r)
n = cfg["products"]
out = {"products": n}
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
TODAY = date(2026, 3, 4)
FIRST = date(2026, 3, 8)
t0 = time.perf_counter()
SETUP = f"Bench replenishment {n} (setup 2)"  # a new setup version builds a new data set
account = env["acorn.vc.account"].search([("name", "=", SETUP)], limit=1)
warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
location = warehouse.lot_stock_id
out["setup_reused"] = bool(account)
if not account:
    account = env["acorn.vc.account"].create({"name": SETUP, "marketplace_code": "US"})
    account.warehouse_id = warehouse
    supplier = env["res.partner"].create({"name": "Bench supplier"})
    products = env["product.product"]
    for start in range(0, n, 1000):
        products |= env["product.product"].create([
            {"name": f"Bench replenished {i}", "amz_asin": f"BR{n}-{i:08d}", "is_storable": True,
             "seller_ids": [(0, 0, {"partner_id": supplier.id, "delay": 7 + (i %% 5) * 7,
                                    "min_qty": 50 * (i %% 3), "price": 2.0,
                                    "acorn_order_multiple": (6, 12, 1)[i %% 3]})]}
            for i in range(start, min(n, start + 1000))])
    for i, product in enumerate(products):
        if i %% 10 == 0:
            env["stock.quant"]._update_available_quantity(product, location, 40 + i %% 300)

    def load(document):
        record = env["acorn.vc.amazon.demand"]._acorn_load_report(account, document)
        assert record.state == "done", record.error_details

    forecast_rows, inventory_rows = [], []
    for i in range(n):
        asin, base = f"BR{n}-{i:08d}", 5 + i %% 97
        for week in range(26):
            start = FIRST + timedelta(weeks=week)
            mean = round(base * (1 + 0.3 * ((week + i) %% 13) / 13), 1)
            forecast_rows.append({"forecastGenerationDate": TODAY.isoformat(), "asin": asin,
                "startDate": start.isoformat(),
                "endDate": (start + timedelta(days=6)).isoformat(),
                "meanForecastUnits": mean, "p70ForecastUnits": round(mean * 1.12, 1),
                "p80ForecastUnits": round(mean * 1.22, 1),
                "p90ForecastUnits": round(mean * 1.38, 1)})
        inventory_rows.append({"startDate": "2026-02-22", "endDate": "2026-02-28", "asin": asin,
            "openPurchaseOrderUnits": base * (i %% 4), "averageVendorLeadTimeDays": 7.0 + i %% 10,
            "unfilledCustomerOrderedUnits": i %% 3, "sellableOnHandInventoryUnits": base * (i %% 6),
            "unhealthyInventoryUnits": base * (i %% 6) // 4,
            "sellableOnHandInventoryCost": {"amount": 0.0, "currencyCode": "USD"}})
    spec = {"lastUpdatedDate": TODAY.isoformat(), "marketplaceIds": ["ATVPDKIKX0DER"]}
    load({"reportSpecification": {**spec, "reportType": "GET_VENDOR_FORECASTING_REPORT",
                                  "reportOptions": {"sellingProgram": "RETAIL"}},
          "forecastByAsin": forecast_rows})
    load({"reportSpecification": {**spec, "reportType": "GET_VENDOR_INVENTORY_REPORT",
          "reportOptions": {"distributorView": "MANUFACTURING", "reportPeriod": "WEEK",
                            "sellingProgram": "RETAIL"},
          "dataStartTime": "2026-02-22", "dataEndTime": "2026-02-28"},
          "inventoryAggregate": [], "inventoryByAsin": inventory_rows})
    env.cr.commit()  # kept: later runs of this size start here
products = env["product.product"].search([("amz_asin", "=like", f"BR{n}-%%")], order="amz_asin")
assert len(products) == n, (len(products), n)
out["setup_s"] = time.perf_counter() - t0
out["forecast_rows"] = 26 * n
k = cfg["baseline_products"] or n
subset = products[:k]
out["baseline_products"] = len(subset)
Demand = env["acorn.vc.amazon.demand"]
OP = env["stock.warehouse.orderpoint"]

def quantities(among=products):
    env.flush_all()
    env.cr.execute("SELECT product_id, qty_to_order_manual FROM stock_warehouse_orderpoint "
                   "WHERE location_id = %%s AND product_id = ANY(%%s) AND active",
                   (location.id, among.ids))
    return {pid: float(qty) for pid, qty in env.cr.fetchall() if qty}

def acorn():
    result = Demand._acorn_recompute(account, today=TODAY)
    env.flush_all()
    return result

def profiled(name):
    if not cfg["profile"]:
        return bench_time(acorn)
    profile = cProfile.Profile()
    result = bench_time(lambda: profile.runcall(acorn))
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(45)
    out["profile_" + name] = text.getvalue()
    return result

def baseline():
    Forecast, Inventory = env["acorn.vc.report.forecast"], env["acorn.vc.report.inventory"]
    Move = env["stock.move"]
    level = account.replenishment_service_level
    fc_rows, amazon_rows, our_rows, sellers, levels = [], {}, {}, {}, {}
    for product in subset:
        asin = product.amz_asin
        rows = Forecast.search_read(
            [("account_id", "=", account.id), ("product_id", "=", product.id),
             ("is_aggregate", "=", False)],
            ["forecast_generation_date", "period_start", "mean_forecast_units",
             "p70_forecast_units", "p80_forecast_units", "p90_forecast_units"],
            order="forecast_generation_date desc, period_start")
        newest = rows and rows[0]["forecast_generation_date"]
        fc_rows += [{"asin": asin, "week_start": r["period_start"],
                     "mean": r["mean_forecast_units"],
                     "p70": r["p70_forecast_units"], "p80": r["p80_forecast_units"],
                     "p90": r["p90_forecast_units"]}
                    for r in rows if r["forecast_generation_date"] == newest
                    and r["period_start"] + timedelta(days=6) >= TODAY]
        inv = Inventory.search_read(
            [("account_id", "=", account.id), ("product_id", "=", product.id),
             ("is_aggregate", "=", False)],
            ["sellable_on_hand_inventory_units", "open_purchase_order_units",
             "unfilled_customer_ordered_units", "average_vendor_lead_time_days",
             "unhealthy_inventory_units"],
            order="period_end desc", limit=1)
        if inv:
            row = inv[0]
            amazon_rows[asin] = {"sellable_on_hand": row["sellable_on_hand_inventory_units"],
                                 "open_po_units": row["open_purchase_order_units"],
                                 "unfilled_customer_orders": row["unfilled_customer_ordered_units"],
                                 "lead_days": row["average_vendor_lead_time_days"],
                                 "unhealthy_units": row["unhealthy_inventory_units"]}
        here = product.with_context(location=location.id)
        reserved = sum(m["product_qty"] for m in Move.search_read(
            [("product_id", "=", product.id), ("state", "not in", ("draft", "done", "cancel")),
             ("location_id", "child_of", location.id), ("location_dest_id.usage", "=", "customer"),
             ("sale_line_id.order_id.acorn_purchase_order_id", "!=", False)], ["product_qty"]))
        progress = product._get_quantity_in_progress(location_ids=location.ids)[0]
        seller = product._select_seller(quantity=None, date=TODAY)
        sellers[asin] = seller
        levels[asin] = product.product_tmpl_id.acorn_service_level or level
        in_progress = progress.get((product.id, location.id), 0)
        our_rows[asin] = {"on_hand": here.qty_available, "reserved_amazon": reserved,
                          "other_demand": max(0.0, here.outgoing_qty - reserved),
                          "incoming": here.incoming_qty + in_progress,
                          "lead_days": seller.delay, "min_qty": seller.min_qty,
                          "multiple": seller.acorn_order_multiple,
                          "supplier": seller.partner_id.name}
    amazon = pd.DataFrame.from_dict(amazon_rows, orient="index")
    orders = amazon_demand.expected_orders(pd.DataFrame(fc_rows), amazon, levels)
    ours = pd.DataFrame.from_dict(our_rows, orient="index")
    result = purchase_need.suggestions(orders, ours, TODAY)
    buy = env.ref("purchase_stock.route_warehouse0_buy")
    for product in subset:
        row, seller = result.loc[product.amz_asin], sellers[product.amz_asin]
        vals = {"qty_to_order_manual": row["quantity"],
                "qty_multiple": seller.acorn_order_multiple or 1,
                "supplier_id": seller.id, "acorn_account_id": account.id,
                "acorn_amazon_orders": row["amazon_orders"], "acorn_order_date": row["order_date"],
                "acorn_stockout_risk": row["risk"], "acorn_service_level": row["level"],
                "acorn_demand_note": row["explanation"]}
        rule = OP.search([("product_id", "=", product.id), ("location_id", "=", location.id)],
                         limit=1)
        if rule:
            rule.write(vals)
        elif row["quantity"] > 0:
            OP.create(dict(vals, product_id=product.id, location_id=location.id, trigger="manual",
                           route_id=buy.id, product_min_qty=0, product_max_qty=0))
    env.flush_all()

env.flush_all()
env.cr.execute("SAVEPOINT bench_rules")
counts, out["acorn_create"] = profiled("create")
out["counts_create"] = counts
acorn_qty = quantities()
assert len(acorn_qty) > n // 4, "the setup leaves many products to order"
out["to_order"] = len(acorn_qty)
out["units"] = sum(acorn_qty.values())
subset_qty = {pid: qty for pid, qty in acorn_qty.items() if pid in set(subset.ids)}
env.cr.execute("ROLLBACK TO SAVEPOINT bench_rules")
env.invalidate_all()
_, out["orm_create"] = bench_time(baseline)
assert quantities(subset) == subset_qty, "the baseline's quantities differ from Acorn's"
env.cr.execute("ROLLBACK TO SAVEPOINT bench_rules")
env.invalidate_all()
acorn()  # the rules exist from here on
counts, out["acorn_update"] = profiled("update")
out["counts_update"] = counts
assert quantities() == acorn_qty
_, out["orm_update"] = bench_time(baseline)
assert quantities() == acorn_qty
env.invalidate_all()
tracemalloc.start()
acorn()
out["acorn_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
tracemalloc.stop()
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("ACORN-BENCH " + json.dumps(out, default=str))
env.cr.rollback()
"""


BENCH_DB = "acorn_bench_replenishment"  # its own: the setup is kept between runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument(
        "--baseline-products",
        type=int,
        default=1000,
        help="products the record-by-record baseline runs on (0: all; ~0.15 s each)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile both Acorn runs")
    common.add_database_options(parser)
    parser.set_defaults(db=BENCH_DB)
    args = parser.parse_args()

    odoo, pg = common.odoo_and_postgres(dev)
    missing = pg.db_exists(args.db) and not pg.psql(
        "SELECT 1 FROM ir_model WHERE model = 'acorn.vc.amazon.demand'", db=args.db
    )
    common.ensure_database(dev, odoo, pg, args.db, update=args.update or missing)
    cfg = {
        "products": args.products,
        "baseline_products": min(args.baseline_products, args.products),
        "profile": args.profile,
    }
    r = common.run_in_odoo(dev, odoo, pg, args.db, INSIDE_ODOO, cfg)
    common.print_context(r)
    n, k = r["products"], r["baseline_products"]
    print(
        f"{n} products, {r['forecast_rows']:,} forecast rows (26 weeks each); setup "
        f"{r['setup_s']:.0f} s ({'reused' if r['setup_reused'] else 'built and kept'}); "
        f"{r['to_order']} products to order, {r['units']:,.0f} units"
    )
    if k < n:
        print(
            f"The baseline runs on {k} of the {n} products (--baseline-products): its time is "
            f"for {k} products, compared per product; its quantities equal Acorn's on those."
        )
    for case, label in (("create", "rules created"), ("update", "rules exist (nightly)")):
        acorn, orm = r[f"acorn_{case}"], r[f"orm_{case}"]
        counts = r[f"counts_{case}"]
        print(f"{label}:")
        print(
            f"  Acorn recompute, {n} products: {common.timing(acorn)}; "
            f"{per_product(acorn, n)} ({counts['rules_created']} created, "
            f"{counts['rules_updated']} updated, {counts['lines']} demand lines)"
        )
        print(f"  ORM record by record, {k} products: {common.timing(orm)}; {per_product(orm, k)}")
        scaled = {key: orm[key] * n / k for key in ("s", "odoo_cpu", "pg_cpu")}
        ratio = common.ratios(scaled, acorn)
        print(f"  same quantities (asserted); per product, {ratio}")
        if f"profile_{case}" in r:
            print(r[f"profile_{case}"])
    print(
        f"Acorn peak {r['acorn_peak_mb']:.0f} MB (tracemalloc); "
        f"Odoo max RSS {r['max_rss_mb']:.0f} MB"
    )
    return 0


def per_product(timing, count):
    """Milliseconds of CPU (Odoo + PostgreSQL) a product costs."""
    return f"{1000 * (timing['odoo_cpu'] + timing['pg_cpu']) / count:.2f} ms CPU a product"


if __name__ == "__main__":
    sys.exit(main())
