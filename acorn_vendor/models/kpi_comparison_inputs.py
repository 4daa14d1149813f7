"""Both sides of the KPIs read from Odoo, in the shapes ``core.reports.kpi`` expects.

Acorn's side: the PO lines (accepted, received, Amazon's last receipt date, the windows and
the first ship date of the PO's deliveries), the ASNs of the deliveries, the invoices' first
submission to Amazon, credit notes for returned goods, invoiced value and the deductions.
Amazon's side: the stored per-ASIN DAY rows of the sales, inventory and traffic reports of one
selling program and distributor view. Every frame carries the ASIN, and the vendor code where
the record knows it; ``kpi_sides.with_groups`` adds the account, marketplace and brand.
"""

import pandas as pd

from odoo.tools import SQL

from ..core.remittance.line_kinds import DOCUMENT_KINDS
from .acorn_vc_report_kpi_figures import AMAZON_FRAMES

SEVERAL_CODES = "(several)"

PO_LINES_SQL = """
    SELECT po.name AS po_number, po.vendor_code, l.asin, po.po_date,
           l.ordered_units AS ordered_qty,
           -- a line Acorn has not acknowledged yet has no accepted quantity (not 0)
           CASE WHEN po.amz_state = 'new' THEN NULL ELSE l.accepted_qty END AS accepted_qty,
           l.received_qty, l.received_date AS last_receive_date,
           po.delivery_window_start, po.delivery_window_end,
           po.ship_window_start, po.ship_window_end, shipped.shipped_at
      FROM acorn_vc_purchase_order_line l
      JOIN acorn_vc_purchase_order po ON po.id = l.order_id
      LEFT JOIN LATERAL (
           SELECT MIN(COALESCE(p.acorn_shipped_date, p.date_done)) AS shipped_at
             FROM stock_picking p
            WHERE p.acorn_purchase_order_id = po.id AND p.state = 'done') shipped ON TRUE
     WHERE po.account_id = %(account)s
       AND (po.po_date >= %(start)s AND po.po_date < %(end)s
            OR l.received_date >= %(start)s AND l.received_date < %(end)s)
"""
PO_LINE_COLUMNS = (
    "po_number", "vendor_code", "asin", "po_date", "ordered_qty", "accepted_qty",
    "received_qty", "last_receive_date", "delivery_window_start", "delivery_window_end",
    "ship_window_start", "ship_window_end", "shipped_at",
)  # fmt: skip


def po_lines(env, account, start, end):
    """The account's PO lines ordered or received in [start, end), as they stood at
    ``end``: a line Amazon last received later counts as not received yet (its receipts
    are known by their last date only)."""
    env.flush_all()
    env.cr.execute(SQL(PO_LINES_SQL, account=account.id, start=start, end=end))
    frame = pd.DataFrame(env.cr.fetchall(), columns=PO_LINE_COLUMNS)
    frame["accepted_qty"] = frame["accepted_qty"].astype("Float64")
    for column in ("ordered_qty", "received_qty"):
        frame[column] = pd.to_numeric(frame[column]).fillna(0)
    for column in PO_LINE_COLUMNS:
        if column.endswith(("_date", "_start", "_end", "_at")):
            frame[column] = pd.to_datetime(frame[column])
    later = frame["last_receive_date"] >= end
    frame.loc[later, "received_qty"] = 0
    frame.loc[later, "last_receive_date"] = pd.NaT
    return frame


def shipments(env, account, start, end):
    """Rows per PO and ASIN of the PO's delivered ASNs (sent or accepted): the last ASN's
    submission, Amazon's last receipt of the line (getPurchaseOrdersStatus gives the last,
    not the first), the eaches the ASNs announced and those Amazon received."""
    pickings = env["stock.picking"].search(
        [
            ("acorn_purchase_order_id.account_id", "=", account.id),
            ("state", "=", "done"),
            ("acorn_asn_state", "in", ("sent", "accepted")),
            ("acorn_purchase_order_id.line_ids.received_date", ">=", start),
            ("acorn_purchase_order_id.line_ids.received_date", "<", end),
        ]
    )
    announced, sent_at = {}, {}
    for picking in pickings:
        po = picking.acorn_purchase_order_id
        submitted = picking.acorn_transaction_ids.filtered(
            lambda tx: tx.kind == "shipment_confirmation" and tx.submitted_at
        ).mapped("submitted_at")
        when = min(submitted) if submitted else picking.acorn_asn_accepted_at
        if when:
            sent_at[po] = max(sent_at.get(po, when), when)
        for asin, units in picking._acorn_done_by_product().items():
            announced[po, asin] = announced.get((po, asin), 0) + units
    rows = []
    for po in pickings.acorn_purchase_order_id:
        for asin in set(po.line_ids.mapped("asin")):
            lines = po.line_ids.filtered(lambda line, asin=asin: line.asin == asin)
            dates = [d for d in lines.mapped("received_date") if d]
            rows.append(
                {
                    "po_number": po.name,
                    "vendor_code": po.vendor_code or "",
                    "asin": asin,
                    "asn_sent_at": sent_at.get(po),
                    "arrived_at": max(dates) if dates else None,
                    "asn_units": announced.get((po, asin), 0),
                    "received_units": sum(lines.mapped("received_qty")),
                }
            )
    return _frame(rows, ("asn_sent_at", "arrived_at"))


def _frame(rows, dates):
    frame = pd.DataFrame(rows)
    for column in dates:
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column])
    return frame


def _line_groups(line):
    po = line.sale_line_ids.order_id.acorn_purchase_order_id[:1]
    return {
        "asin": line.product_id.amz_asin or "",
        "vendor_code": po.vendor_code or "",
    }


def invoices(env, account, start, end):
    """Rows per invoice line of the invoices first submitted to Amazon in [start, end) whose
    first submission has Amazon's answer: accepted first time or not."""
    moves = env["account.move"].search(
        [
            ("acorn_account_id", "=", account.id),
            ("move_type", "=", "out_invoice"),
            ("acorn_transaction_ids.submitted_at", ">=", start),
            ("acorn_transaction_ids.submitted_at", "<", end),
        ]
    )
    rows = []
    for move in moves:
        sent = move.acorn_transaction_ids.filtered(
            lambda tx: tx.kind == "invoice" and tx.submitted_at
        ).sorted(lambda tx: (tx.submitted_at, tx.id))
        first = sent[:1]
        if not first or first.state not in ("success", "failure"):
            continue  # no answer to the first submission yet: not judged
        if not start <= first.submitted_at < end:
            continue
        for line in move.invoice_line_ids.filtered("product_id"):
            rows.append(
                {
                    "invoice_id": move.id,
                    "submitted_at": first.submitted_at,
                    "accepted_first_time": first.state == "success",
                    **_line_groups(line),
                }
            )
    return _frame(rows, ("submitted_at",))


def _posted_rows(env, account, start, end, domain, columns, read):
    """One row per product line of the account's posted moves dated in [start, end):
    ``columns`` (date column, value column), the value ``read`` from the line."""
    lines = env["account.move.line"].search(
        [
            ("move_id.acorn_account_id", "=", account.id),
            ("move_id.state", "=", "posted"),
            ("move_id.invoice_date", ">=", start.date()),
            ("move_id.invoice_date", "<", end.date()),
            ("display_type", "=", "product"),
            *domain,
        ]
    )
    date_column, value_column = columns
    rows = [
        {date_column: line.move_id.invoice_date, value_column: read(line)} | _line_groups(line)
        for line in lines
    ]
    return _frame(rows, (date_column,))


def returns(env, account, start, end):
    """Units Amazon sent back to the vendor: the posted credit notes for returned goods."""
    domain = [
        ("move_id.move_type", "=", "out_refund"),
        ("move_id.acorn_credit_reason", "=", "return"),
    ]
    columns = ("return_date", "returned_units")
    return _posted_rows(env, account, start, end, domain, columns, lambda line: line.quantity)


def invoiced(env, account, start, end):
    """The untaxed value of the posted invoices, per line."""
    domain = [("move_id.move_type", "=", "out_invoice")]
    columns = ("invoice_date", "amount")
    return _posted_rows(env, account, start, end, domain, columns, lambda line: line.price_subtotal)


def deductions(env, account, start, end):
    """What Amazon took off (or gave back) in [start, end): every remittance line that is not
    the vendor's own invoice or credit note, with the units charged (for a shortage claim
    without Amazon's quantity, the units invoiced but not received)."""
    records = env["acorn.vc.deduction"].search(
        [
            ("account_id", "=", account.id),
            ("date", ">=", start.date()),
            ("date", "<", end.date()),
            ("kind", "not in", DOCUMENT_KINDS),
        ]
    )
    rows = [
        {
            "date": record.date,
            "kind": record.kind,
            "amount": record.amount,
            "units": record.amz_quantity
            or max((record.invoiced_units or 0) - (record.received_units or 0), 0),
            "asin": record.product_id.amz_asin or "",
            "vendor_code": record.purchase_order_id.vendor_code or "",
        }
        for record in records
    ]
    return _frame(rows, ("date",))


def amazon_frames(env, account, start, end, program, view):
    """The account's per-ASIN DAY rows of sales, inventory and traffic in [start, end), of
    one selling program and distributor view (traffic has neither)."""
    where = SQL(
        "period_start >= %s AND period_start < %s "
        "AND (selling_program IS NULL OR selling_program = %s) "
        "AND (distributor_view IS NULL OR distributor_view = %s)",
        start.date(),
        end.date(),
        program,
        view,
    )
    Kpi = env["acorn.vc.report.kpi"]
    return {name: Kpi._acorn_amazon_frame(name, account, where) for name in AMAZON_FRAMES}


def brands(env, asins):
    """ASIN -> the brand of its product ("" when none is set)."""
    products = (
        env["product.product"]
        .with_context(active_test=False)
        .search([("amz_asin", "in", list(asins))])
    )
    return {product.amz_asin: product.product_tmpl_id.acorn_brand or "" for product in products}


def vendor_codes(env, account):
    """ASIN -> the vendor code of its POs in the account; an ASIN ordered under several codes
    maps to ``SEVERAL_CODES`` (Amazon's reports have no split by vendor code)."""
    env.cr.execute(
        SQL(
            "SELECT l.asin, array_agg(DISTINCT po.vendor_code) "
            "FROM acorn_vc_purchase_order_line l "
            "JOIN acorn_vc_purchase_order po ON po.id = l.order_id "
            "WHERE po.account_id = %s AND l.asin IS NOT NULL AND po.vendor_code IS NOT NULL "
            "GROUP BY l.asin",
            account.id,
        )
    )
    return {
        asin: codes[0] if len(codes) == 1 else SEVERAL_CODES for asin, codes in env.cr.fetchall()
    }
