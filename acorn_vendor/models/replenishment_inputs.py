"""What the replenishment core needs, read from Odoo in a few set-based queries per account.

Each function returns a pandas frame in the shape ``core.replenishment`` expects, so the
Odoo side stays a reader and a writer: forecast snapshots and Amazon's stock from the vendor
reports, Amazon's PO history from Acorn's POs, our stock from Odoo's own quantities (on hand,
Amazon's open sale orders, other demand, receipts and RFQs in progress) and the supplier
terms from ``product.supplierinfo``.
"""

from datetime import timedelta

import pandas as pd

from odoo.tools import SQL

from ..core.replenishment import amazon_demand

FORECAST_SQL = """
    SELECT forecast_generation_date AS generated_on, asin, period_start AS week_start,
           mean_forecast_units AS mean, p70_forecast_units AS p70,
           p80_forecast_units AS p80, p90_forecast_units AS p90
      FROM acorn_vc_report_forecast
     WHERE account_id = %s AND NOT is_aggregate AND asin IS NOT NULL
       AND forecast_generation_date IS NOT NULL
"""


def forecast_snapshots(env, account, since=None):
    """Every stored forecast snapshot of ``account`` (one per generation date and ASIN)."""
    query = SQL(FORECAST_SQL, account.id)
    if since:
        query = SQL("%s AND period_start >= %s", query, since)
    env.cr.execute(query)
    frame = pd.DataFrame(
        env.cr.fetchall(),
        columns=["generated_on", "asin", "week_start", "mean", "p70", "p80", "p90"],
    )
    for column in ("generated_on", "week_start"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def latest_forecast(snapshots, today):
    """Per ASIN, the newest snapshot's weeks that have not ended by ``today``."""
    if snapshots.empty:
        return snapshots
    newest = snapshots.groupby("asin")["generated_on"].transform("max")
    current = snapshots[snapshots["generated_on"] == newest]
    week_end = current["week_start"] + pd.Timedelta(days=6)
    return current[week_end >= pd.Timestamp(today)].reset_index(drop=True)


def amazon_stock(env, account):
    """Amazon's stock per ASIN from its newest inventory report row (WEEK preferred: DAY
    rows lack unhealthy units, analytics.md §3), with its excess units, which the core
    takes off the sellable ones (``amazon_demand.usable_on_hand``)."""
    env.cr.execute(
        SQL(
            """SELECT DISTINCT ON (asin) asin, sellable_on_hand_inventory_units,
                      open_purchase_order_units, unfilled_customer_ordered_units,
                      average_vendor_lead_time_days, unhealthy_inventory_units
                 FROM acorn_vc_report_inventory
                WHERE account_id = %s AND NOT is_aggregate AND asin IS NOT NULL
             ORDER BY asin, period_end DESC, (report_period = 'WEEK') DESC, id DESC""",
            account.id,
        )
    )
    frame = pd.DataFrame(
        env.cr.fetchall(),
        columns=[
            "asin",
            "sellable_on_hand",
            "open_po_units",
            "unfilled_customer_orders",
            "lead_days",
            amazon_demand.UNHEALTHY,
        ],
    )
    return frame.set_index("asin")


def amazon_po_lines(env, account, since):
    """Amazon's ordered units per PO line since ``since`` (Acorn's own PO records)."""
    env.cr.execute(
        SQL(
            """SELECT line.asin, po.po_date, COALESCE(line.ordered_units, 0)
                 FROM acorn_vc_purchase_order_line line
                 JOIN acorn_vc_purchase_order po ON po.id = line.order_id
                WHERE po.account_id = %s AND po.po_date >= %s AND line.asin IS NOT NULL""",
            account.id,
            since,
        )
    )
    return pd.DataFrame(env.cr.fetchall(), columns=["asin", "po_date", "units"])


def account_products(env, account, asins):
    """asin -> product.product id among the products the account's company can see."""
    env.cr.execute(
        SQL(
            """SELECT pp.amz_asin, pp.id FROM product_product pp
                 JOIN product_template pt ON pt.id = pp.product_tmpl_id
                WHERE pp.amz_asin = ANY(%s) AND pp.active
                  AND (pt.company_id IS NULL OR pt.company_id = %s)""",
            list(asins),
            account.company_id.id,
        )
    )
    return dict(env.cr.fetchall())


def service_levels(env, account, product_ids):
    """product id -> service level: the product's own, else the account's."""
    env.cr.execute(
        SQL(
            """SELECT pp.id, pt.acorn_service_level FROM product_product pp
                 JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE pp.id = ANY(%s)""",
            list(product_ids),
        )
    )
    default = account.replenishment_service_level or "p70"
    return {pid: level or default for pid, level in env.cr.fetchall()}


def suppliers(env, company, product_ids, today):
    """product id -> (supplierinfo id, partner id, partner name, delay, min qty, multiple):
    the first valid supplier line by sequence, a variant's own line before its template's."""
    env.cr.execute(
        SQL(
            """SELECT pp.id, si.id, si.partner_id, partner.name, COALESCE(si.delay, 0),
                      COALESCE(si.min_qty, 0), COALESCE(si.acorn_order_multiple, 0)
                 FROM product_product pp
                 JOIN product_supplierinfo si ON si.product_tmpl_id = pp.product_tmpl_id
                      AND (si.product_id IS NULL OR si.product_id = pp.id)
                 JOIN res_partner partner ON partner.id = si.partner_id
                WHERE pp.id = ANY(%s) AND (si.company_id IS NULL OR si.company_id = %s)
                  AND (si.date_start IS NULL OR si.date_start <= %s)
                  AND (si.date_end IS NULL OR si.date_end >= %s)
             ORDER BY pp.id, (si.product_id IS NULL), si.sequence, si.min_qty, si.id""",
            list(product_ids),
            company.id,
            today,
            today,
        )
    )
    found = {}
    for row in env.cr.fetchall():
        found.setdefault(row[0], row[1:])
    return found


def our_stock(env, products, location):
    """product id -> on hand, reserved for Amazon's open sale orders, other demand and
    incoming (receipts and RFQs in progress) at ``location``, from Odoo's own quantities."""
    # Odoo's own figures, from the method behind qty_available & co. (its read_group per
    # quants and moves), without assigning five computed fields per product to the cache,
    # which cost more than the queries.
    quantities = products.with_context(location=location.id)._compute_quantities_dict(
        None, None, None
    )
    in_progress = products._get_quantity_in_progress(location_ids=location.ids)[0]
    reserved = dict(
        env["stock.move"]._read_group(
            [
                ("product_id", "in", products.ids),
                ("state", "not in", ("draft", "done", "cancel")),
                ("location_id", "child_of", location.id),
                ("location_dest_id.usage", "=", "customer"),
                ("sale_line_id.order_id.acorn_purchase_order_id", "!=", False),
            ],
            ["product_id"],
            ["product_qty:sum"],
        )
    )
    rows = []
    for product_id, values in quantities.items():
        amazon = reserved.get(products.browse(product_id), 0.0)
        rows.append(
            {
                "product_id": product_id,
                "on_hand": values["qty_available"],
                "reserved_amazon": amazon,
                "other_demand": max(0.0, values["outgoing_qty"] - amazon),
                "incoming": values["incoming_qty"] + in_progress.get((product_id, location.id), 0),
            }
        )
    return pd.DataFrame(
        rows, columns=["product_id", "on_hand", "reserved_amazon", "other_demand", "incoming"]
    ).set_index("product_id")


def history_since(today, weeks=130):
    """How far back Amazon's PO history is read: enough for a year's season and a trend."""
    return today - timedelta(weeks=weeks)
