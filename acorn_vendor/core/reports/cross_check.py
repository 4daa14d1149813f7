"""The monthly cross-check, pure: what Acorn holds against what Amazon says, for one month.

Each check takes two plain tables and returns the differences as one DataFrame with the
columns ``check, key, acorn, amazon, difference, message`` (``key`` is the PO number, the
ASIN or the shipment id the Odoo side links to). An empty frame means the month is clean.

- ``purchase_orders``: PO numbers at Amazon (getPurchaseOrders) vs in Acorn: missing, extra;
- ``accepted_units``: accepted units per ASIN, Acorn's acknowledgements vs Amazon's record of
  them (getPurchaseOrdersStatus ``acceptedQuantity``, see ``kpi.po_lines_from_status``);
- ``received_units``: units per ASN vs the units Amazon received against it;
- ``units_by_asin``: the month's vendor reports against Odoo's own figures: units Amazon
  received (inventory report, net received) per ASIN vs units Odoo shipped and invoiced;
- ``receipts_vs_report``: per ASIN, the inventory report's net received units against
  Amazon's receipts as synced on the POs in Acorn (the synced data against the raw report);
- ``invoiced_vs_paid``: per invoice due in the month, the amount invoiced vs what Amazon's
  remittances settled (paid plus the terms discount taken).
"""

import pandas as pd

COLUMNS = ("check", "key", "acorn", "amazon", "difference", "message")


def month_bounds(month):
    """(first day, first day of the next month) of ``month`` ('2026-02' or any date in it)."""
    start = pd.Timestamp(month).to_period("M").to_timestamp()
    return start, start + pd.offsets.MonthBegin(1)


def _in_month(frame, column, month):
    start, stop = month_bounds(month)
    dates = pd.to_datetime(frame[column])
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    return frame[(dates >= start) & (dates < stop)]


def _frame(rows):
    return pd.DataFrame(rows, columns=list(COLUMNS))


def purchase_orders(acorn, amazon, month):
    """POs dated in ``month`` (``po_number``, ``po_date``) on one side and not the other."""
    ours = set(_in_month(acorn, "po_date", month)["po_number"])
    theirs = set(_in_month(amazon, "po_date", month)["po_number"])
    rows = [
        ("purchase_orders", number, 0, 1, -1, "at Amazon, missing in Acorn")
        for number in sorted(theirs - ours)
    ]
    rows += [
        ("purchase_orders", number, 1, 0, 1, "in Acorn, unknown at Amazon")
        for number in sorted(ours - theirs)
    ]
    return _frame(rows)


def accepted_units(acorn_lines, amazon_lines, month):
    """Accepted units per ASIN on POs of ``month``: ``po_lines`` frames of both sides."""
    sides = []
    for lines in (acorn_lines, amazon_lines):
        dated = _in_month(lines, "po_date", month)
        sides.append(dated.groupby("asin")["accepted_qty"].sum(min_count=1))
    both = pd.concat(sides, axis=1, keys=["acorn", "amazon"]).fillna(0)
    both = both[both["acorn"] != both["amazon"]]
    return _frame(
        [
            (
                "accepted_units",
                asin,
                row.acorn,
                row.amazon,
                row.acorn - row.amazon,
                "accepted units differ from Amazon's record of the acknowledgements",
            )
            for asin, row in both.iterrows()
        ]
    )


def received_units(shipments, month):
    """ASNs (``shipment_id, asn_sent_at, asn_units, received_units``) of ``month`` whose
    units Amazon received differ from the units the ASN announced."""
    dated = _in_month(shipments, "asn_sent_at", month)
    differ = dated[dated["asn_units"] != dated["received_units"].fillna(0)]
    return _frame(
        [
            (
                "received_units",
                row.shipment_id,
                row.asn_units,
                row.received_units,
                row.asn_units - (0 if pd.isna(row.received_units) else row.received_units),
                "Amazon received other units than the ASN announced",
            )
            for row in differ.itertuples()
        ]
    )


def units_by_asin(amazon_received, shipped, invoiced, tolerance=0.02):
    """Per ASIN, units Amazon received in the month (its inventory report) against units
    shipped and invoiced to Amazon in Odoo (mappings ASIN -> units). A difference counts
    when it passes ``tolerance`` of Amazon's figure and at least one unit: goods shipped on
    the last days of a month are received in the next, so small gaps are expected."""
    rows = []
    for check, ours, label in (
        ("shipped_vs_received", shipped, "shipped in Odoo"),
        ("invoiced_vs_received", invoiced, "invoiced in Odoo"),
    ):
        for asin in sorted(set(amazon_received) | set(ours)):
            theirs = amazon_received.get(asin) or 0
            mine = ours.get(asin) or 0
            if abs(mine - theirs) > max(1.0, tolerance * abs(theirs)):
                rows.append(
                    (
                        check,
                        asin,
                        mine,
                        theirs,
                        mine - theirs,
                        f"units {label} differ from the units Amazon received",
                    )
                )
    return _frame(rows)


def receipts_vs_report(report_received, synced_received, tolerance=0.02):
    """Per ASIN, the units Amazon's inventory report says it received in the month (net
    received) against Amazon's receipts as synced on the account's PO lines (received
    units of the lines it last received that month, getPurchaseOrdersStatus): the synced
    data against Vendor Central's raw report. A difference names a PO missing in Acorn, a
    receipt status not read yet, or a return to vendor Amazon netted out; it counts past
    ``tolerance`` of Amazon's figure and at least one unit, since a line received over two
    days at a month's turn is dated by its last receipt."""
    rows = []
    for asin in sorted(set(report_received) | set(synced_received)):
        report = report_received.get(asin) or 0
        synced = synced_received.get(asin) or 0
        if abs(synced - report) > max(1.0, tolerance * abs(report)):
            rows.append(
                (
                    "receipts_vs_report",
                    asin,
                    synced,
                    report,
                    synced - report,
                    "Amazon's receipts on the POs in Acorn differ from its inventory report",
                )
            )
    return _frame(rows)


def invoiced_vs_paid(invoiced, settled, tolerance=0.01):
    """Invoices due in the month (mapping invoice number -> amount) against what Amazon's
    remittances settled for each (number -> paid + discount; absent: nothing yet). A
    difference counts past ``tolerance`` (a cent): short payments are deductions to look at,
    an invoice nobody paid is overdue."""
    rows = []
    for number in sorted(invoiced):
        amount, paid = invoiced[number], settled.get(number) or 0
        if abs(amount - paid) > tolerance:
            what = "not paid by its due date" if not paid else "paid other than invoiced"
            rows.append(("invoiced_vs_paid", number, amount, paid, amount - paid, what))
    return _frame(rows)


def run(month, acorn_pos, amazon_pos, acorn_lines, amazon_lines, shipments=None):
    """Every check for ``month``, one frame."""
    parts = [
        purchase_orders(acorn_pos, amazon_pos, month),
        accepted_units(acorn_lines, amazon_lines, month),
    ]
    if shipments is not None:
        parts.append(received_units(shipments, month))
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else _frame([])
