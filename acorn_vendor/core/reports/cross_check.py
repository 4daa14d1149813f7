"""The monthly cross-check, pure: what Acorn holds against what Amazon says, for one month.

Each check takes two plain tables and returns the differences as one DataFrame with the
columns ``check, key, acorn, amazon, difference, message`` (``key`` is the PO number, the
ASIN or the shipment id the Odoo side links to). An empty frame means the month is clean.

- ``purchase_orders``: PO numbers at Amazon (getPurchaseOrders) vs in Acorn: missing, extra;
- ``accepted_units``: accepted units per ASIN, Acorn's acknowledgements vs Amazon's record of
  them (getPurchaseOrdersStatus ``acceptedQuantity``, see ``kpi.po_lines_from_status``);
- ``received_units``: units per ASN vs the units Amazon received against it (Amazon reports
  receipts per PO line: ``asn_receipts`` shares them out to the PO's ASNs, see there);
- ``receipts_vs_report``: per ASIN, the inventory report's net received units against
  Amazon's receipts as synced on the POs in Acorn (the synced data against the raw report);
- ``invoiced_vs_paid``: per invoice due in the month, the amount invoiced vs what Amazon's
  remittances settled (paid plus the terms discount taken).
"""

from datetime import timedelta

import pandas as pd

from ..po_import import acknowledged_quantities, received_quantities

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


# An ASN's goods reach Amazon within the PO's delivery window (about a week) and are booked
# on check-in some days later. Until this many days after shipping, a PO whose receipt Amazon
# has not reported is in transit, not short. Acorn's assumption, not an Amazon rule.
RECEIPT_GRACE_DAYS = 14


def amazon_receipts(order_status):
    """Amazon's receipt of one getPurchaseOrdersStatus ``OrderStatus``: {item sequence:
    eaches received}, or None while Amazon has reported no receipt on any line of the PO
    (every line NOT_RECEIVED with nothing received: the goods are not checked in yet)."""
    received = received_quantities(order_status)
    statuses = {
        ((item.get("receivingStatus") or {}).get("receiveStatus") or "NOT_RECEIVED")
        for item in order_status.get("itemStatus") or ()
    }
    if statuses <= {"NOT_RECEIVED"} and not any(received.values()):
        return None
    return received


def acknowledged_lines(statuses):
    """Amazon's record of the acknowledgements, one row per confirmed line of each
    getPurchaseOrdersStatus ``OrderStatus``: ``po_number, asin, po_date, accepted_qty``
    (eaches; the ASIN is Amazon's ``buyerProductIdentifier``)."""
    rows = []
    for status in statuses:
        answered = acknowledged_quantities(status)
        for item in status.get("itemStatus") or ():
            sequence = str(item.get("itemSequenceNumber") or "")
            if sequence in answered:
                rows.append(
                    (
                        status.get("purchaseOrderNumber"),
                        item.get("buyerProductIdentifier"),
                        status.get("purchaseOrderDate"),
                        answered[sequence][0],
                    )
                )
    return pd.DataFrame(rows, columns=["po_number", "asin", "po_date", "accepted_qty"])


def asn_receipts(asn_lines, receipts):
    """Per ASN, the units it announced and the units Amazon received against it.

    ``asn_lines``: ``shipment_id, po_number, sequence, shipped_at, units``, one row per ASN
    and PO line, for every ASN sent on the POs concerned (not only the month's);
    ``receipts``: {PO number: {sequence: eaches} or None when Amazon reported no receipt}.

    Amazon reports what it received per PO line, summed over every ASN against that PO. With
    one ASN per PO that is the ASN's receipt. With several, each line's receipt is shared out
    in shipping order: the earliest ASN first, each up to what it announced for the line, and
    whatever Amazon received beyond every ASN's units goes to the latest. A short receipt
    therefore shows on the latest ASN(s) of the PO. An ASN whose PO Amazon reported no
    receipt for has ``received_units`` NaN (not received yet).

    Returns ``shipment_id, shipped_at, asn_units, received_units``."""
    if not len(asn_lines):
        return pd.DataFrame(columns=["shipment_id", "shipped_at", "asn_units", "received_units"])
    ordered = asn_lines.sort_values(["shipped_at", "shipment_id"], kind="stable")
    got = {}
    for (number, sequence), line_rows in ordered.groupby(["po_number", "sequence"], sort=False):
        po_receipt = receipts.get(number)
        if po_receipt is None:
            continue
        left = po_receipt.get(sequence, 0)
        last = line_rows.index[-1]
        for index, units in line_rows["units"].items():
            share = left if index == last else min(units, left)
            got[index] = share
            left -= share
    ordered = ordered.assign(received=pd.Series(got, dtype="float64"))
    grouped = ordered.groupby("shipment_id", sort=True)
    out = pd.DataFrame(
        {
            "shipped_at": grouped["shipped_at"].min(),
            "asn_units": grouped["units"].sum(),
            # NaN when the PO has no reported receipt: the ASN waits, it is not short.
            "received_units": grouped["received"].sum(min_count=1),
        }
    )
    return out.reset_index()


def not_received_yet(shipments, as_of, grace_days=RECEIPT_GRACE_DAYS):
    """Shipment ids of ``shipments`` (``asn_receipts``'s frame) that Amazon has not
    reported receiving and that shipped less than ``grace_days`` before ``as_of``."""
    young = pd.to_datetime(shipments["shipped_at"]) > pd.Timestamp(as_of) - timedelta(
        days=grace_days
    )
    return sorted(shipments[shipments["received_units"].isna() & young]["shipment_id"])


def received_units(shipments, month, as_of=None, grace_days=RECEIPT_GRACE_DAYS):
    """ASNs (``shipment_id, shipped_at, asn_units, received_units``) shipped in ``month``
    whose units Amazon received differ from the units the ASN announced. With ``as_of``, an
    ASN not received yet within ``grace_days`` of shipping is left out (see
    ``not_received_yet``); past it, nothing received is a difference of every unit."""
    dated = _in_month(shipments, "shipped_at", month)
    dated = dated.assign(received_units=pd.to_numeric(dated["received_units"]))
    if as_of is not None:
        dated = dated[~dated["shipment_id"].isin(not_received_yet(dated, as_of, grace_days))]
    differ = dated[dated["asn_units"] != dated["received_units"].fillna(0)]
    return _frame(
        [
            (
                "received_units",
                row.shipment_id,
                row.asn_units,
                0 if pd.isna(row.received_units) else row.received_units,
                row.asn_units - (0 if pd.isna(row.received_units) else row.received_units),
                "Amazon has reported no receipt for this ASN"
                if pd.isna(row.received_units)
                else "Amazon received other units than the ASN announced",
            )
            for row in differ.itertuples()
        ]
    )


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
