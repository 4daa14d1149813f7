"""Vendor KPIs from both sides: Acorn's own records and Amazon's reports, side by side.

Both sides give a *long* DataFrame, one row per group, period and KPI::

    <group columns...>, period_start, kpi, value, numerator, denominator, note

so the Odoo side stores or charts it as it is and ``compare`` lines the two sides up. Periods
are Amazon weeks (Sunday to Saturday, ``freq="week"``) or calendar months (``"month"``).
pandas does the grouping: one vectorised pass per KPI instead of loops over PO lines.

**Acorn's inputs** (one row each; ``GROUP_COLUMNS`` present as needed):

- ``po_lines``: po_number, asin, po_date, ordered_qty, accepted_qty (None = not yet
  acknowledged), received_qty, last_receive_date; for on-time: delivery_window_start,
  delivery_window_end, ship_window_start, ship_window_end, freight ("prepaid" or "collect";
  prepaid when absent), shipped_at (the ASN's ship date).
- ``shipments`` (ASNs): shipment_id, asn_sent_at, arrived_at (first receipt), asn_units,
  received_units.
- ``invoices``: invoice_id, submitted_at, accepted_first_time (bool).
- ``returns`` (units Amazon sent back to the vendor): return_date, returned_units; and the
  units shipped to Amazon are the po_lines' received quantities.

**Amazon's inputs** are ``ReportDocument.frame()`` outputs (sales, inventory rows, inventory
aggregate) with any group column (brand, vendor code) merged in by the caller.
"""

import pandas as pd

GROUP_COLUMNS = ("account", "marketplace", "vendor_code", "brand", "asin")
LONG_COLUMNS = ("period_start", "kpi", "value", "numerator", "denominator", "note")

# KPI -> why Acorn's figure and Amazon's can differ (stated beside every difference).
REASONS = {
    "confirmation_rate": (
        "Amazon counts procurable ASINs only and buckets by its own dates; Acorn counts every "
        "acknowledged PO line by PO date"
    ),
    "fill_rate": (
        "Amazon nets returns to vendor from received units and counts procurable ASINs only; "
        "Acorn divides received by accepted units per PO date"
    ),
    "net_received_units": (
        "Amazon nets returns to vendor (RTV) and dates receipts by its own receiving day"
    ),
    "lead_time_days": (
        "Amazon averages from each unit's PO submission to its receipt at the FC by its own "
        "dates; Acorn weights PO lines by received units"
    ),
    "return_rate": (
        "different flows: Amazon counts customer returns against units shipped to customers; "
        "Acorn counts units Amazon returned to the vendor against units it received"
    ),
}


def bucket(dates, freq):
    """Start of the Amazon week (Sunday) or month of each date (a datetime64 Series)."""
    dates = pd.to_datetime(dates)
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    days = dates.dt.normalize()
    if freq == "week":
        return days - pd.to_timedelta((days.dt.dayofweek + 1) % 7, unit="D")
    if freq == "month":
        return days.dt.to_period("M").dt.to_timestamp()
    raise ValueError(f"freq must be 'week' or 'month', not {freq!r}")


def _groups(frame, by):
    missing = [c for c in by if c not in frame.columns]
    if missing:
        raise ValueError(f"Group column(s) {', '.join(missing)} missing from the input")
    return list(by)


def ratio(frame, by, freq, date_col, num, den, kpi, note=""):
    """Σnum / Σden per group and period; value None where the denominator is 0. ``num`` and
    ``den`` are a column name, a function of the rows, or a Series on the same index."""
    keys = _groups(frame, by)
    data = frame[frame[date_col].notna()]
    if data.empty:
        return empty_long(by)
    data = data.assign(
        period_start=bucket(data[date_col], freq),
        _num=pd.to_numeric(_values(data, num), errors="coerce"),
        _den=pd.to_numeric(_values(data, den), errors="coerce"),
    )
    summed = data.groupby([*keys, "period_start"], dropna=False)[["_num", "_den"]].sum()
    summed = summed.reset_index().rename(columns={"_num": "numerator", "_den": "denominator"})
    summed["value"] = (summed["numerator"] / summed["denominator"]).where(
        summed["denominator"] != 0
    )
    summed["kpi"] = kpi
    summed["note"] = note
    return summed[[*keys, *LONG_COLUMNS]]


def _values(data, spec):
    if isinstance(spec, str):
        return data[spec]
    if callable(spec):
        return spec(data)
    return spec.loc[data.index]


def empty_long(by):
    return pd.DataFrame(columns=[*by, *LONG_COLUMNS])


def _days(later, earlier):
    return (pd.to_datetime(later) - pd.to_datetime(earlier)).dt.total_seconds() / 86400.0


# ---- Acorn's side ---------------------------------------------------------------------------


def on_time_mask(lines):
    """Per PO line: received (prepaid) or shipped (collect) inside Amazon's window."""
    freight = lines["freight"] if "freight" in lines.columns else "prepaid"
    collect = pd.Series(freight, index=lines.index).eq("collect")
    received = pd.to_datetime(lines.get("last_receive_date"))
    prepaid_ok = received.ge(pd.to_datetime(lines["delivery_window_start"])) & received.le(
        pd.to_datetime(lines["delivery_window_end"])
    )
    if "shipped_at" in lines.columns:
        shipped = pd.to_datetime(lines["shipped_at"])
        collect_ok = shipped.ge(pd.to_datetime(lines["ship_window_start"])) & shipped.le(
            pd.to_datetime(lines["ship_window_end"])
        )
    else:
        collect_ok = pd.Series(False, index=lines.index)
    return prepaid_ok.where(~collect, collect_ok).fillna(False).astype(bool)


def count_rows(data):
    return pd.Series(1, index=data.index)


def acorn_kpis(
    po_lines, by=(), freq="week", shipments=None, invoices=None, returns=None, as_of=None
):
    """Acorn's KPIs from its own records, long format (see module docstring).

    Each KPI is Σ numerator / Σ denominator over the rows dated in the period. With
    ``as_of``, fill rate, on-time and OTIF judge only the lines due by then (delivery window
    ended) or received in full: a PO still on its way is not unfilled."""
    by = list(by)
    lines = po_lines
    acked = lines[lines["accepted_qty"].notna()]
    received = lines[lines["received_qty"].fillna(0) > 0]
    due = acked
    if as_of is not None and "delivery_window_end" in lines.columns:
        ended = pd.to_datetime(acked["delivery_window_end"]).le(pd.Timestamp(as_of))
        full = acked["received_qty"].fillna(0) >= acked["accepted_qty"]
        due = acked[(ended | acked["delivery_window_end"].isna() | full).astype(bool)]
    # (rows, date column, numerator, denominator, kpi, what it counts)
    specs = [
        (acked, "po_date", "accepted_qty", "ordered_qty", "confirmation_rate",
         "accepted / ordered units of acknowledged PO lines, by PO date"),
        (due, "po_date", "received_qty", "accepted_qty", "fill_rate",
         "received / accepted units, by PO date"),
        (lines, "last_receive_date", "received_qty", count_rows, "net_received_units",
         "units received, by receiving date"),
        (received, "last_receive_date",
         lambda d: d["received_qty"] * _days(d["last_receive_date"], d["po_date"]),
         "received_qty", "lead_time_days",
         "days from PO to receipt, weighted by received units, by receiving date"),
    ]  # fmt: skip
    if "delivery_window_end" in lines.columns:
        judged = due[due["accepted_qty"] > 0]
        on_time = on_time_mask(judged)
        in_full = on_time & (judged["received_qty"].fillna(0) >= judged["accepted_qty"])
        specs += [
            (judged, "po_date", judged["accepted_qty"].where(on_time, 0), "accepted_qty",
             "on_time_rate",
             "accepted units received (prepaid) or shipped (collect) inside the window"),
            (judged, "po_date", judged["accepted_qty"].where(in_full, 0), "accepted_qty",
             "otif", "accepted units on lines on time and received in full"),
        ]  # fmt: skip
    if shipments is not None and len(shipments):
        arrived = shipments[shipments["arrived_at"].notna()]
        timely = pd.to_datetime(arrived["asn_sent_at"]) <= pd.to_datetime(arrived["arrived_at"])
        specs += [
            (arrived, "arrived_at", timely.astype(int), count_rows, "asn_timeliness",
             "ASNs sent before the shipment arrived / shipments arrived"),
            (arrived, "arrived_at", (arrived["asn_units"] == arrived["received_units"]).astype(int),
             count_rows, "asn_accuracy",
             "ASNs whose units equal the units received / shipments arrived"),
        ]  # fmt: skip
    if invoices is not None and len(invoices):
        specs.append(
            (invoices, "submitted_at", invoices["accepted_first_time"].astype(bool).astype(int),
             count_rows, "first_pass_invoice_acceptance",
             "invoices accepted at their first submission / invoices submitted")
        )  # fmt: skip
    parts = [ratio(rows, by, freq, *spec) for rows, *spec in specs]
    if returns is not None:
        parts.append(_vendor_return_rate(lines, returns, by, freq))
    out = concat_long(parts, by)
    counts = out["kpi"] == "net_received_units"  # a count, not a ratio
    out.loc[counts, "value"] = out.loc[counts, "numerator"]
    out.loc[counts, "denominator"] = pd.NA
    return out


def _vendor_return_rate(lines, returns, by, freq):
    received = ratio(
        lines,
        by,
        freq,
        "last_receive_date",
        "received_qty",
        count_rows,
        "received",
    )
    returned = ratio(
        returns,
        by,
        freq,
        "return_date",
        "returned_units",
        count_rows,
        "returned",
    )
    note = "units Amazon returned to the vendor / units Amazon received"
    return share(returned, received, by, "return_rate", note)


def share(part, whole, by, kpi, note):
    """The sums of ``part`` over those of ``whole`` (two long frames of ``ratio``) per group
    and period; a period only one of them has counts 0 on the other side."""
    keys = [*by, "period_start"]
    merged = whole[[*keys, "numerator"]].merge(
        part[[*keys, "numerator"]], on=keys, how="outer", suffixes=("_whole", "_part")
    )
    merged = merged.fillna({"numerator_whole": 0, "numerator_part": 0})
    out = merged.assign(
        numerator=merged["numerator_part"],
        denominator=merged["numerator_whole"],
        kpi=kpi,
        note=note,
    )
    out["value"] = (out["numerator"] / out["denominator"]).where(out["denominator"] != 0)
    return out[[*by, *LONG_COLUMNS]]


def _numeric(part):
    return part.assign(
        **{
            col: pd.to_numeric(part[col], errors="coerce").astype("Float64")
            for col in ("value", "numerator", "denominator")
        }
    )


def concat_long(parts, by):
    parts = [_numeric(p) for p in parts if len(p)]
    if not parts:
        return empty_long(by)
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values([*by, "period_start", "kpi"], kind="stable").reset_index(drop=True)


# ---- Amazon's side --------------------------------------------------------------------------

# Amazon's metric -> (our KPI name, weight column used when rows must be combined, note)
AMAZON_RATES = {
    "vendorConfirmationRate": (
        "confirmation_rate",
        "netReceivedInventoryUnits",
        "Amazon's vendorConfirmationRate",
    ),
    "averageVendorLeadTimeDays": (
        "lead_time_days",
        "netReceivedInventoryUnits",
        "Amazon's averageVendorLeadTimeDays",
    ),
    "sellThroughRate": ("sell_through_rate", "_stock", "Amazon's sellThroughRate"),
    "receiveFillRate": ("fill_rate", None, "Amazon's receiveFillRate (aggregate only)"),
    "procurableProductOutOfStockRate": (
        "procurable_oos_rate",
        None,
        "Amazon's procurableProductOutOfStockRate (aggregate only)",
    ),
    "netPureProductMargin": ("net_ppm", None, "Amazon's netPureProductMargin"),
}
AMAZON_SUMS = {
    "shippedUnits": "shipped_units",
    "shippedRevenue": "shipped_revenue",
    "shippedCogs": "shipped_cogs",
    "orderedUnits": "ordered_units",
    "customerReturns": "customer_returns",
    "netReceivedInventoryUnits": "net_received_units",
    "unsellableOnHandInventoryUnits": "unsellable_on_hand_units",
    "glanceViews": "glance_views",
}
# On-hand stock is a level at the period's end, not a flow: combining periods keeps the last.
LEVELS = {"unsellableOnHandInventoryUnits", "sellableOnHandInventoryUnits"}


def amazon_kpis(frames, by=(), freq="week"):
    """Amazon's figures from report frames (any mix of sales, inventory, traffic, NPPM
    rows and inventory aggregates), long format.

    Counts add up exactly. A rate Amazon gives per ASIN and period is combined over several
    rows weighted by its natural base (received units for confirmation and lead time, stock
    for sell-through) and the row's note says so; with one row per group it is Amazon's own.

    Give each metric once: one selling program and one distributor view per metric (RETAIL
    may already hold BUSINESS and FRESH [U], and the two views count the same sales), so a
    metric found in two frames, or a frame mixing programs or views, is refused.
    """
    by = list(by)
    parts = []
    seen = {}
    for index, frame in enumerate(frames):
        if frame is None or frame.empty:
            continue
        _groups(frame, by)
        _one_view(frame, index, seen)
        data = frame.assign(period_start=bucket(frame["period_start"], freq))
        keys = [*by, "period_start"]
        for column, kpi in AMAZON_SUMS.items():
            if column not in data.columns:
                continue
            parts.append(_amazon_sum(data, keys, column, kpi))
        for column, (kpi, weight, note) in AMAZON_RATES.items():
            if column in data.columns:
                parts.append(_amazon_rate(data, keys, column, kpi, weight, note))
    out = concat_long(parts, by)
    return _derived(out, by)


def _one_view(frame, index, seen):
    for column in ("selling_program", "distributor_view"):
        if column in frame.columns and frame[column].nunique(dropna=True) > 1:
            raise ValueError(
                f"Report frame {index} mixes {column}s; pass one, as they overlap or count "
                "the same sales"
            )
    is_aggregate = "asin" in frame.columns and frame["asin"].isna().all()
    for column in [*AMAZON_SUMS, *AMAZON_RATES]:
        if column in frame.columns:
            key = (column, is_aggregate)
            if key in seen:
                raise ValueError(
                    f"{column} is in report frames {seen[key]} and {index}; pass each "
                    "metric once (one selling program and distributor view)"
                )
            seen[key] = index


def _amazon_sum(data, keys, column, kpi):
    values = data[[*keys, "period_end", column]].dropna(subset=[column])
    if column in LEVELS:  # the level on the last day of the bucket
        values = values.sort_values("period_end").groupby(keys, dropna=False).tail(1)
        note = f"Amazon's {column} on the last day"
    else:
        note = f"Amazon's {column}, summed"
    summed = values.groupby(keys, dropna=False)[column].sum().reset_index()
    return summed.assign(
        kpi=kpi, value=summed[column], numerator=summed[column], denominator=None, note=note
    )[[*keys[:-1], *LONG_COLUMNS]]


def _amazon_rate(data, keys, column, kpi, weight, note):
    data = data.dropna(subset=[column])
    if data.empty:
        return empty_long(keys[:-1])
    if weight == "_stock":
        base = data.get("sellableOnHandInventoryUnits", 0)
        wts = pd.to_numeric(base, errors="coerce").fillna(0).clip(lower=0) + pd.to_numeric(
            data.get("netReceivedInventoryUnits", 0), errors="coerce"
        ).fillna(0).clip(lower=0)
    elif weight:
        wts = pd.to_numeric(data[weight], errors="coerce").fillna(0).clip(lower=0)
    else:
        wts = pd.Series(1.0, index=data.index)
    values = pd.to_numeric(data[column], errors="coerce")
    frame = data[keys].assign(_num=values * wts, _den=wts, _v=values, _n=1)
    grouped = frame.groupby(keys, dropna=False).agg(
        numerator=("_num", "sum"),
        denominator=("_den", "sum"),
        mean=("_v", "mean"),
        rows=("_n", "sum"),
    )
    grouped = grouped.reset_index()
    # One row: Amazon's own figure. Several: weighted by their base, plain mean without one.
    weighted = grouped["numerator"] / grouped["denominator"].where(grouped["denominator"] > 0)
    grouped["value"] = grouped["mean"].where(grouped["rows"] == 1, weighted.fillna(grouped["mean"]))
    grouped["note"] = [
        note if rows == 1 else f"{note}, {rows} rows combined weighted by {weight or 'row'}"
        for rows in grouped["rows"]
    ]
    grouped["kpi"] = kpi
    return grouped[[*keys[:-1], *LONG_COLUMNS]]


def _derived(out, by):
    """Ratios Amazon's counts imply: return rate (customer returns / shipped units)."""
    if out.empty:
        return out
    keys = [*by, "period_start"]
    wide = out.pivot_table(index=keys, columns="kpi", values="value", aggfunc="first", dropna=False)
    rows = []
    if {"customer_returns", "shipped_units"} <= set(wide.columns):
        part = wide[["customer_returns", "shipped_units"]].dropna().reset_index()
        part = part.assign(
            kpi="return_rate",
            numerator=part["customer_returns"],
            denominator=part["shipped_units"],
            note="Amazon's customerReturns / shippedUnits",
        )
        part["value"] = (part["numerator"] / part["denominator"]).where(part["denominator"] != 0)
        rows.append(part[[*keys[:-1], *LONG_COLUMNS]])
    if not rows:
        return out
    return concat_long([out, *rows], by)


def defect_rate(amazon, acorn_extra=None, by=()):
    """Defect rate and its named parts, per group and period, from long KPI frames.

    Amazon exposes no vendor defect metric, so Acorn defines one from what exists:
    (customer returns + unsellable on-hand units + shortage units + chargeback units) /
    units shipped to customers. Each part is a column (``part_*`` as a share of shipped
    units); shortages and chargebacks come from ``acorn_extra`` (long frame with kpi
    ``shortage_units`` / ``chargeback_units``) once the finance work provides them.
    Return rate stays a KPI of its own (``return_rate``).
    """
    keys = [*by, "period_start"]
    frames = [amazon] + ([acorn_extra] if acorn_extra is not None else [])
    data = pd.concat([f for f in frames if f is not None and len(f)], ignore_index=True)
    wide = data.pivot_table(index=keys, columns="kpi", values="value", aggfunc="sum")
    parts = {
        "customer_returns": "customer_returns",
        "unsellable_on_hand": "unsellable_on_hand_units",
        "shortages": "shortage_units",
        "chargebacks": "chargeback_units",
    }
    out = pd.DataFrame(index=wide.index)
    shipped = wide["shipped_units"] if "shipped_units" in wide.columns else None
    total = None
    for name, kpi in parts.items():
        units = wide[kpi] if kpi in wide.columns else pd.Series(0.0, index=wide.index)
        out[name] = units.fillna(0)
        total = out[name] if total is None else total + out[name]
    out["shipped_units"] = shipped
    out["defect_units"] = total
    valid = shipped.notna() & (shipped != 0) if shipped is not None else False
    out["defect_rate"] = (total / shipped).where(valid) if shipped is not None else None
    for name in parts:
        out[f"part_{name}"] = (out[name] / shipped).where(valid) if shipped is not None else None
    return out.reset_index()


# ---- side by side ---------------------------------------------------------------------------


def compare(acorn, amazon, by=(), tolerance=1e-6):
    """Both sides per group, period and KPI, with the difference and, where the figures
    differ, the reason known for it (``REASONS``); KPIs only one side has are kept with the
    other side empty."""
    keys = [*by, "period_start", "kpi"]
    left = acorn[[*keys, "value"]].rename(columns={"value": "acorn"})
    right = amazon[[*keys, "value", "note"]].rename(
        columns={"value": "amazon", "note": "amazon_note"}
    )
    out = left.merge(right, on=keys, how="outer")
    out["difference"] = out["acorn"] - out["amazon"]
    differs = out["difference"].abs() > tolerance
    out["reason"] = [
        (REASONS.get(kpi, "") if diff else "")
        for kpi, diff in zip(out["kpi"], differs.fillna(False), strict=True)
    ]
    out.loc[out["acorn"].isna() & out["amazon"].notna(), "reason"] = "only Amazon reports this"
    only_acorn = out["amazon"].isna() & out["acorn"].notna()
    out.loc[only_acorn, "reason"] = "Amazon's reports do not give this"
    if "vendor_code" in by:  # models#4866: no option splits a report by vendor code
        out.loc[only_acorn, "reason"] = "Amazon's reports have no split by vendor code"
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


# ---- inputs from Amazon's PO status ---------------------------------------------------------


def _eaches(quantity):
    if not quantity:
        return 0
    amount = int(quantity.get("amount") or 0)
    return (
        amount * int(quantity.get("unitSize") or 1)
        if quantity.get("unitOfMeasure") == "Cases"
        else amount
    )


def po_lines_from_status(orders_status):
    """``po_lines`` (see the module docstring) from getPurchaseOrdersStatus ``ordersStatus``:
    what Acorn knows of its POs when Odoo is not there (the sandbox test, a cross-check)."""
    rows = []
    for order in orders_status:
        vendor = (order.get("sellingParty") or {}).get("partyId")
        for item in order.get("itemStatus", []):
            ack = item.get("acknowledgementStatus") or {}
            receiving = item.get("receivingStatus") or {}
            confirmed = ack.get("confirmationStatus") not in (None, "UNCONFIRMED")
            rows.append(
                {
                    "po_number": order["purchaseOrderNumber"],
                    "vendor_code": vendor,
                    "asin": item.get("buyerProductIdentifier"),
                    "po_date": order["purchaseOrderDate"],
                    "ordered_qty": _eaches(
                        (item.get("orderedQuantity") or {}).get("orderedQuantity")
                    ),
                    "accepted_qty": _eaches(ack.get("acceptedQuantity")) if confirmed else None,
                    "received_qty": _eaches(receiving.get("receivedQuantity")),
                    "last_receive_date": receiving.get("lastReceiveDate"),
                }
            )
    frame = pd.DataFrame(rows)
    for column in ("po_date", "last_receive_date"):
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_localize(None)
    frame["accepted_qty"] = frame["accepted_qty"].astype("Float64")
    return frame
