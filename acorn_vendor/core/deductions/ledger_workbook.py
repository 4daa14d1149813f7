"""The deduction ledger as a workbook a finance team files or sends to a recovery partner:
every deduction with its verdict and window, then deductions by kind and month, the money at
risk by the week its window closes, the recovery rate and the prevention hints (insight.py)."""

import io

import pandas as pd

from .insight import DIMENSIONS

# Ledger field -> column title, in order (the Odoo model's field names).
LEDGER_COLUMNS = {
    "date": "Date",
    "name": "Amazon Number",
    "account_id": "Account",
    "kind": "Kind",
    "sub_kind": "Sub-kind",
    "description": "Description",
    "amount_taken": "Amount Taken",
    "currency_id": "Currency",
    "invoice_id": "Invoice",
    "purchase_order_id": "Amazon PO",
    "fc_code": "Fulfilment Centre",
    "carrier": "Carrier",
    "product_id": "Product",
    "verdict": "Verdict",
    "strength": "Strength",
    "disputable_amount": "Disputable",
    "explanation": "Explanation",
    "missing_evidence": "Missing Evidence",
    "window_opens": "Window Opens",
    "window_file_before": "File Before",
    "window_closes": "Window Closes",
    "window_state": "Window",
}

RECOVERY_TITLES = {
    "sub_kind": "Sub-kind",
    "month": "Month",
    "disputed": "Disputed",
    "recovered": "Recovered",
    "rate": "Rate",
}


def ledger_workbook(rows, recovery=None, hints=()):
    """XLSX bytes of ``rows`` (dicts keyed by LEDGER_COLUMNS; selection values as labels),
    with ``recovery`` (insight.recovery_rate's table) and ``hints`` (insight.Hint) sheets."""
    frame = pd.DataFrame(list(rows), columns=list(LEDGER_COLUMNS))
    frame["amount_taken"] = pd.to_numeric(frame["amount_taken"]).fillna(0.0)
    frame["disputable_amount"] = pd.to_numeric(frame["disputable_amount"]).fillna(0.0)
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="xlsxwriter") as writer:
        frame.rename(columns=LEDGER_COLUMNS).to_excel(writer, sheet_name="Deductions", index=False)
        sheet = writer.sheets["Deductions"]
        sheet.autofilter(0, 0, len(frame), len(LEDGER_COLUMNS) - 1)
        sheet.freeze_panes(1, 0)
        month = pd.to_datetime(frame["date"]).dt.to_period("M").astype(str)
        by_month = frame.assign(month=month).pivot_table(
            index="kind", columns="month", values="amount_taken", aggfunc="sum", fill_value=0.0
        )
        by_month.to_excel(writer, sheet_name="By Kind and Month")
        open_frame = frame[frame["window_state"].isin(["Open", "Closing", "Not open"])]
        at_risk = (
            open_frame.assign(
                week=pd.to_datetime(open_frame["window_file_before"]).dt.to_period("W").astype(str)
            )
            .groupby(["week", "sub_kind"], dropna=False)[["amount_taken", "disputable_amount"]]
            .sum()
            .rename(columns={"amount_taken": "At Risk", "disputable_amount": "Disputable"})
        )
        at_risk.to_excel(writer, sheet_name="At Risk by Deadline")
        if recovery is not None:
            recovery.rename(columns=lambda name: RECOVERY_TITLES[name]).to_excel(
                writer, sheet_name="Recovery Rate", index=False
            )
        pd.DataFrame(
            [
                (
                    hint.sub_kind,
                    DIMENSIONS[hint.dimension],
                    hint.value,
                    hint.count,
                    hint.amount,
                    hint.share,
                    str(hint),
                )
                for hint in hints
            ],  # fmt: skip
            columns=["Sub-kind", "Where", "Value", "Deductions", "Amount", "Share", "Hint"],
        ).to_excel(writer, sheet_name="Prevention Hints", index=False)
    return out.getvalue()
