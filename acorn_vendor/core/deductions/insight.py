"""What the ledger teaches: how much of what was disputed came back (by sub-kind and month),
and where deductions cluster, said as prevention hints a person can act on.

Both take plain rows (dicts) so the Odoo model, the XLSX export and the tests share them:

- ``recovery_rate(rows)``: rows of disputed deductions, ``{"sub_kind", "date", "disputed",
  "recovered"}`` (amounts positive; ``recovered`` is the deduction's share of what its
  dispute won). Rate = recovered / disputed, per sub-kind and month, with a total row.
- ``prevention_hints(rows)``: rows of deductions taken, ``{"sub_kind", "amount", "carrier",
  "fc_code", "product", "shipment_type"}``. A hint is a sub-kind whose deductions concentrate
  on one value of a dimension (one carrier, one fulfilment centre...): at least
  ``min_count`` deductions and ``min_share`` of its amount there, while the sub-kind has at
  least two values of that dimension (one carrier for everything is no concentration).
"""

from dataclasses import dataclass

import pandas as pd

RECOVERY_COLUMNS = ["sub_kind", "month", "disputed", "recovered", "rate"]

# (sub-kind, dimension) -> what to look at; other pairs get a generic sentence.
ADVICE = {
    ("asn_accuracy", "carrier"): "check when this carrier picks up against when the ASN is sent",
    ("asn_accuracy", "shipment_type"): "send these ASNs before the shipment leaves",
    ("po_on_time", "carrier"): "book this carrier earlier in the ship window",
    ("shortage", "fc_code"): "audit cartons and labels shipped to this fulfilment centre and "
    "keep its PODs",
    ("shortage", "carrier"): "ask this carrier for signed PODs with carton counts",
    ("shortage", "product"): "check this product's case pack and carton labels",
    ("carton_content_label", "fc_code"): "check the labels printed for this fulfilment centre",
}
DIMENSIONS = {
    "carrier": "carrier",
    "fc_code": "fulfilment centre",
    "product": "product",
    "shipment_type": "shipment type",
}


@dataclass(frozen=True)
class Hint:
    sub_kind: str
    dimension: str
    value: str
    count: int
    total_count: int
    amount: float
    share: float  # of the sub-kind's amount
    advice: str

    def __str__(self):
        label = self.sub_kind.replace("_", " ")
        return (
            f"{self.count} of {self.total_count} {label} deductions ({self.share:.0%} of the "
            f"amount, {self.amount:,.2f}) are on {DIMENSIONS[self.dimension]} {self.value}: "
            f"{self.advice}."
        )


def recovery_rate(rows):
    """DataFrame (RECOVERY_COLUMNS) of disputed and recovered amounts per sub-kind and month
    (YYYY-MM), then one "all" row per sub-kind; rate is None where nothing was disputed."""
    frame = pd.DataFrame(list(rows), columns=["sub_kind", "date", "disputed", "recovered"])
    if frame.empty:
        return pd.DataFrame(columns=RECOVERY_COLUMNS)
    frame["month"] = pd.to_datetime(frame["date"]).dt.to_period("M").astype(str)
    for column in ("disputed", "recovered"):
        frame[column] = pd.to_numeric(frame[column]).fillna(0.0).abs()
    by_month = frame.groupby(["sub_kind", "month"], as_index=False)[["disputed", "recovered"]].sum()
    overall = frame.groupby("sub_kind", as_index=False)[["disputed", "recovered"]].sum()
    overall["month"] = "all"
    out = pd.concat([by_month, overall], ignore_index=True).sort_values(
        ["sub_kind", "month"], key=lambda col: col.where(col != "all", "9999")
    )
    disputed = out["disputed"].where(out["disputed"] > 0)
    out["rate"] = (out["recovered"] / disputed).round(4)
    out["rate"] = out["rate"].astype(object).where(out["rate"].notna(), None)
    return out[RECOVERY_COLUMNS].reset_index(drop=True)


def prevention_hints(rows, *, min_count=3, min_share=0.5):
    """Hints, largest amount first (see the module docstring)."""
    frame = pd.DataFrame(list(rows), columns=["sub_kind", "amount", *DIMENSIONS])
    if frame.empty:
        return []
    frame["amount"] = pd.to_numeric(frame["amount"]).fillna(0.0).abs()
    hints = []
    for sub_kind, group in frame.groupby("sub_kind"):
        total = group["amount"].sum()
        for dimension in DIMENSIONS:
            known = group[group[dimension].notna() & (group[dimension] != "")]
            if known[dimension].nunique() < 2 or total <= 0:
                continue
            top = (
                known.groupby(dimension)["amount"]
                .agg(["sum", "count"])
                .sort_values("sum", ascending=False)
            )
            value, (amount, count) = top.index[0], top.iloc[0]
            share = amount / total
            if count >= min_count and share >= min_share:
                advice = ADVICE.get((sub_kind, dimension), "find out what these have in common")
                hints.append(
                    Hint(
                        sub_kind,
                        dimension,
                        str(value),
                        int(count),
                        len(group),
                        round(float(amount), 2),
                        round(float(share), 4),
                        advice,
                    )
                )
    return sorted(hints, key=lambda hint: (-hint.amount, hint.sub_kind, hint.dimension))
