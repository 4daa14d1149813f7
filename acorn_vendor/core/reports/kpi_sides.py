"""Both sides of the vendor KPIs as rows for a screen: what ``kpi.compare`` gives, plus the
Acorn-side inputs it does not build itself (ASNs and invoices per grouping, deductions as a
share of invoiced value, shortage and chargeback units), the defect rate with its named parts,
and each KPI's label, unit and order.

Inputs are the long frames of ``kpi`` (see its docstring) with the group columns of
``kpi.GROUP_COLUMNS``; ``with_groups`` adds those the records do not carry (account,
marketplace, and brand and vendor code looked up by ASIN).
"""

import pandas as pd

from .kpi import (
    LONG_COLUMNS,
    compare,
    concat_long,
    count_rows,
    defect_rate,
    empty_long,
    ratio,
    share,
)

# (kpi, label, unit), in the order a buyer reads them. Units: rate (a share, shown in %),
# units, days, money.
KPIS = (
    ("confirmation_rate", "Confirmation rate", "rate"),
    ("fill_rate", "Fill rate (received / accepted)", "rate"),
    ("on_time_rate", "PO on-time accuracy", "rate"),
    ("otif", "OTIF (on time, in full)", "rate"),
    ("lead_time_days", "Lead time", "days"),
    ("asn_timeliness", "ASN timeliness", "rate"),
    ("asn_accuracy", "ASN accuracy", "rate"),
    ("first_pass_invoice_acceptance", "First-pass invoice acceptance", "rate"),
    ("net_received_units", "Units received by Amazon", "units"),
    ("return_rate", "Return rate", "rate"),
    ("defect_rate", "Defect rate", "rate"),
    ("defect_customer_returns", "Defect part: customer returns", "rate"),
    ("defect_unsellable_on_hand", "Defect part: unsellable on hand", "rate"),
    ("defect_shortages", "Defect part: shortages", "rate"),
    ("defect_chargebacks", "Defect part: chargebacks", "rate"),
    ("deduction_share", "Deductions / invoiced value", "rate"),
    ("shortage_units", "Shortage units claimed", "units"),
    ("chargeback_units", "Chargeback units", "units"),
    ("sell_through_rate", "Sell-through rate", "rate"),
    ("procurable_oos_rate", "Procurable out-of-stock rate", "rate"),
    ("shipped_units", "Shipped units", "units"),
    ("ordered_units", "Customer ordered units", "units"),
    ("shipped_revenue", "Shipped revenue", "money"),
    ("shipped_cogs", "Shipped COGS", "money"),
    ("customer_returns", "Customer returns", "units"),
    ("unsellable_on_hand_units", "Unsellable on hand", "units"),
    ("glance_views", "Glance views", "units"),
    ("net_ppm", "Net PPM", "rate"),
)
KPI_LABELS = {kpi: label for kpi, label, _unit in KPIS}
KPI_UNITS = {kpi: unit for kpi, _label, unit in KPIS}
KPI_ORDER = {kpi: index for index, (kpi, _label, _unit) in enumerate(KPIS)}
DEFECT_PARTS = ("customer_returns", "unsellable_on_hand", "shortages", "chargebacks")
DEFECT_REASON = (
    "Amazon has no vendor defect metric; Acorn's definition: (customer returns + unsellable "
    "on hand + shortage units + chargeback units) / shipped units, each part on its own row; "
    "return rate is a KPI of its own"
)
AMAZON_ROUNDING = {"rate": 0.5e-4, "days": 0.5e-2}
# Deduction kinds counted as defects, in units (the rest are money only).
SHORTAGE_KINDS = ("shortage_claim", "revised_shortage_claim")
CHARGEBACK_KINDS = ("chargeback",)


def period_end(starts, freq):
    """The last day of each period starting at ``starts``."""
    starts = pd.to_datetime(starts)
    if freq == "week":
        return starts + pd.Timedelta(days=6)
    return starts + pd.offsets.MonthEnd(0)


def with_groups(frame, constants, brand_of=None, code_of=None):
    """``frame`` with the group columns it lacks: ``constants`` (account, marketplace) as
    given, brand from ``brand_of`` (ASIN -> brand) and vendor code from ``code_of`` (ASIN ->
    vendor code) when the frame has none. Missing values become "" so a group of records
    without a brand stays a group (pandas drops None keys)."""
    out = frame.assign(**constants)
    asins = out["asin"] if "asin" in out.columns else pd.Series("", index=out.index)
    if "brand" not in out.columns:
        out["brand"] = asins.map(brand_of or {})
    if "vendor_code" not in out.columns:
        out["vendor_code"] = asins.map(code_of or {})
    for column in ("asin", "brand", "vendor_code"):
        if column not in out.columns:
            out[column] = ""
        out[column] = out[column].fillna("").astype(str)
    return out


def per_shipment(rows, by):
    """One ASN row per PO and grouping from rows per PO and ASIN (po_number, asn_sent_at,
    arrived_at, asn_units, received_units): a PO's ASNs are judged together against what
    Amazon received of it, the last ASN and the last receipt deciding timeliness."""
    if rows is None or rows.empty:
        return None
    keys = ["po_number", *by]
    out = rows.groupby(keys, dropna=False).agg(
        asn_sent_at=("asn_sent_at", "max"),
        arrived_at=("arrived_at", "max"),
        asn_units=("asn_units", "sum"),
        received_units=("received_units", "sum"),
    )
    return out.reset_index().assign(shipment_id=lambda frame: frame["po_number"])


def per_invoice(rows, by):
    """One row per invoice and grouping from rows per invoice line (invoice_id, submitted_at,
    accepted_first_time)."""
    if rows is None or rows.empty:
        return None
    keys = ["invoice_id", *by]
    out = rows.groupby(keys, dropna=False).agg(
        submitted_at=("submitted_at", "min"), accepted_first_time=("accepted_first_time", "all")
    )
    return out.reset_index()


def finance_kpis(invoiced, deductions, by=(), freq="week"):
    """Deductions as a share of invoiced value (money Amazon took off / value invoiced, each
    by its own date), and the shortage and chargeback units the defect rate counts.

    ``invoiced``: invoice_date, amount (untaxed, per line). ``deductions``: date, kind,
    amount (negative: taken off, positive: given back), units (Amazon's quantity charged)."""
    by = list(by)
    parts = []
    if deductions is not None and len(deductions):
        data = deductions.assign(
            taken=-pd.to_numeric(deductions["amount"], errors="coerce").fillna(0.0),
            units=pd.to_numeric(deductions["units"], errors="coerce").fillna(0),
        )
        for kpi, kinds, note in (
            ("shortage_units", SHORTAGE_KINDS, "units Amazon claimed short, by claim date"),
            ("chargeback_units", CHARGEBACK_KINDS, "units charged back, by charge date"),
        ):
            rows = data[data["kind"].isin(kinds)]
            summed = ratio(rows, by, freq, "date", "units", count_rows, kpi, note)
            parts.append(summed.assign(value=summed["numerator"], denominator=pd.NA))
        if invoiced is not None and len(invoiced):
            parts.append(_deduction_share(invoiced, data, by, freq))
    return concat_long(parts, by)


def _deduction_share(invoiced, deductions, by, freq):
    taken = ratio(deductions, by, freq, "date", "taken", count_rows, "taken")
    billed = ratio(invoiced, by, freq, "invoice_date", "amount", count_rows, "billed")
    note = "deductions taken off (net of reversals) / untaxed value invoiced"
    return share(taken, billed, by, "deduction_share", note)


def defect_rows(amazon, acorn, by=()):
    """The defect rate and each named part as long rows (``defect_rate`` in core.kpi does
    the math): customer returns and unsellable stock from Amazon's reports, shortage and
    chargeback units from Acorn's deductions, over Amazon's shipped units."""
    by = list(by)
    extra = None
    if acorn is not None and len(acorn):
        extra = acorn[acorn["kpi"].isin(["shortage_units", "chargeback_units"])]
    if amazon is None or amazon.empty or "shipped_units" not in set(amazon["kpi"]):
        return empty_long(by)
    wide = defect_rate(amazon, extra, by=by)
    wide = wide[wide["shipped_units"].notna()]
    parts = [
        wide.assign(
            kpi="defect_rate",
            value=wide["defect_rate"],
            numerator=wide["defect_units"],
            denominator=wide["shipped_units"],
            note="(" + " + ".join(p.replace("_", " ") for p in DEFECT_PARTS) + ") / shipped units",
        )
    ]
    for name in DEFECT_PARTS:
        parts.append(
            wide.assign(
                kpi=f"defect_{name}",
                value=wide[f"part_{name}"],
                numerator=wide[name],
                denominator=wide["shipped_units"],
                note=f"{name.replace('_', ' ')} / shipped units",
            )
        )
    return concat_long([part[[*by, *LONG_COLUMNS]] for part in parts], by)


def side_by_side(acorn, amazon, by=(), freq="week", defects=None):
    """The rows of the comparison screen: ``compare``'s columns plus Acorn's note, the
    period's end, each KPI's label, unit and order, and the defect rows (Acorn's own
    definition, stated as the reason)."""
    by = list(by)
    keys = [*by, "period_start", "kpi"]
    out = compare(acorn, amazon, by=by)
    out = out.merge(
        acorn[keys + ["note"]].rename(columns={"note": "acorn_note"}), on=keys, how="left"
    )
    if defects is not None and len(defects):
        own = defects[[*keys, "value", "note"]].rename(
            columns={"value": "acorn", "note": "acorn_note"}
        )
        own = own.assign(amazon=float("nan"), amazon_note="", difference=float("nan"))
        own["reason"] = DEFECT_REASON
        out = pd.concat([out, own[out.columns]], ignore_index=True)
    out["label"] = out["kpi"].map(KPI_LABELS).fillna(out["kpi"])
    out["unit"] = out["kpi"].map(KPI_UNITS).fillna("units")
    # Amazon rounds its rates to 4 decimals and its days to 2: no reason for that difference.
    rounding = out["unit"].map(AMAZON_ROUNDING).fillna(1e-6)
    out.loc[out["difference"].abs() <= rounding, "reason"] = ""
    out["sequence"] = out["kpi"].map(KPI_ORDER).fillna(len(KPIS)).astype(int)
    out["period_end"] = period_end(out["period_start"], freq)
    for column in ("acorn_note", "amazon_note", "reason"):
        out[column] = out[column].fillna("")
    out = out[out["acorn"].notna() | out["amazon"].notna()]  # e.g. 0 / 0: no figure either side
    return out.sort_values([*by, "period_start", "sequence"], kind="stable").reset_index(drop=True)


def display(value, unit, currency="", signed=False):
    """A figure as the screen shows it: rates in % (a difference of rates in points), days
    with one decimal, units whole, money with two decimals and its currency; empty when there
    is no figure. ``signed``: a difference, shown with its sign."""
    if value is None or pd.isna(value):
        return ""
    decimals = {"rate": 3, "days": 1, "money": 2}.get(unit, 0)  # as shown below
    sign = "+" if signed else ""
    if round(value, decimals) == 0:
        value, sign = 0.0, ""  # no "-0.0" and no sign on nothing
    if unit == "rate":
        return f"{value * 100:{sign}.1f} {'pts' if signed else '%'}"
    if unit == "days":
        return f"{value:{sign}.1f} days"
    if unit == "money":
        return f"{value:{sign},.2f} {currency}".strip()
    return f"{value:{sign},.0f}"
