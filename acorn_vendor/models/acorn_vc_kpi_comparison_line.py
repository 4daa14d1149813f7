"""One KPI of one group and period, both sides: Acorn's figure, Amazon's, the difference and
why they differ, with a way down to the records behind each side."""

import pandas as pd

from odoo import api, fields, models

from ..core.reports.kpi import acorn_kpis, amazon_kpis
from ..core.reports.kpi_sides import (
    KPIS,
    defect_rows,
    finance_kpis,
    per_invoice,
    per_shipment,
    side_by_side,
    with_groups,
)
from . import kpi_comparison_inputs as inputs
from .acorn_vc_report_kpi_figures import AMAZON_FRAMES
from .kpi_comparison_inputs import PO_LINE_COLUMNS

UNITS = [("rate", "Rate (%)"), ("units", "Units"), ("days", "Days"), ("money", "Money")]
# The fields read back over XML-RPC, one dict per row.
ROW_FIELDS = (
    "account_id", "marketplace", "vendor_code", "brand", "asin", "period_start", "period_end",
    "kpi", "kpi_label", "unit", "acorn_value", "amazon_value", "difference", "has_acorn",
    "has_amazon", "acorn_display", "amazon_display", "difference_display", "reason",
    "acorn_note", "amazon_note",
)  # fmt: skip
ACORN_INPUTS = ("po_lines", "shipments", "invoices", "returns", "invoiced", "deductions")

# KPI -> (Acorn's records behind it, the date that puts a record in a period).
PO_DATE = ("acorn.vc.purchase.order.line", "order_id.po_date")
RECEIVED = ("acorn.vc.purchase.order.line", "received_date")
DEDUCTIONS = ("acorn.vc.deduction", "date")
ACORN_SOURCES = {
    "confirmation_rate": PO_DATE,
    "fill_rate": PO_DATE,
    "on_time_rate": PO_DATE,
    "otif": PO_DATE,
    "net_received_units": RECEIVED,
    "lead_time_days": RECEIVED,
    "return_rate": RECEIVED,
    "asn_timeliness": ("stock.picking", "acorn_purchase_order_id.line_ids.received_date"),
    "asn_accuracy": ("stock.picking", "acorn_purchase_order_id.line_ids.received_date"),
    "first_pass_invoice_acceptance": ("account.move", "acorn_transaction_ids.submitted_at"),
    "deduction_share": DEDUCTIONS,
    "shortage_units": DEDUCTIONS,
    "chargeback_units": DEDUCTIONS,
    "defect_rate": DEDUCTIONS,
    "defect_shortages": DEDUCTIONS,
    "defect_chargebacks": DEDUCTIONS,
}
# Each group column's path from those records.
GROUP_PATHS = {
    "acorn.vc.purchase.order.line": {
        "account": "order_id.account_id",
        "marketplace": "order_id.account_id.marketplace_code",
        "vendor_code": "order_id.vendor_code",
        "asin": "asin",
        "brand": "product_id.product_tmpl_id.acorn_brand",
    },
    "stock.picking": {
        "account": "acorn_purchase_order_id.account_id",
        "marketplace": "acorn_purchase_order_id.account_id.marketplace_code",
        "vendor_code": "acorn_purchase_order_id.vendor_code",
        "asin": "move_ids.product_id.amz_asin",
        "brand": "move_ids.product_id.product_tmpl_id.acorn_brand",
    },
    "account.move": {
        "account": "acorn_account_id",
        "marketplace": "acorn_account_id.marketplace_code",
        "vendor_code": "invoice_line_ids.sale_line_ids.order_id.acorn_purchase_order_id"
        ".vendor_code",
        "asin": "invoice_line_ids.product_id.amz_asin",
        "brand": "invoice_line_ids.product_id.product_tmpl_id.acorn_brand",
    },
    "acorn.vc.deduction": {
        "account": "account_id",
        "marketplace": "account_id.marketplace_code",
        "vendor_code": "purchase_order_id.vendor_code",
        "asin": "product_id.amz_asin",
        "brand": "product_id.product_tmpl_id.acorn_brand",
    },
}
SALES, INVENTORY, TRAFFIC = AMAZON_FRAMES
# KPI -> Amazon's report rows behind it.
AMAZON_SOURCES = {
    **dict.fromkeys(
        ("shipped_units", "shipped_revenue", "shipped_cogs", "ordered_units", "customer_returns",
         "return_rate", "defect_rate", "defect_customer_returns"),
        SALES,
    ),
    **dict.fromkeys(
        ("confirmation_rate", "fill_rate", "lead_time_days", "net_received_units",
         "sell_through_rate", "procurable_oos_rate", "unsellable_on_hand_units",
         "defect_unsellable_on_hand"),
        INVENTORY,
    ),
    "glance_views": TRAFFIC,
}  # fmt: skip


class AcornVcKpiComparisonLine(models.Model):
    _name = "acorn.vc.kpi.comparison.line"
    _description = "Vendor Central KPI, Both Sides"
    _order = "period_start desc, account_id, marketplace, vendor_code, brand, asin, sequence"

    comparison_id = fields.Many2one(
        "acorn.vc.kpi.comparison", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="comparison_id.company_id", store=True)
    account_id = fields.Many2one("acorn.vc.account", readonly=True)
    marketplace = fields.Char(readonly=True)
    vendor_code = fields.Char(readonly=True)
    brand = fields.Char(readonly=True)
    asin = fields.Char("ASIN", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    group_label = fields.Char("Group", compute="_compute_group_label")
    period_start = fields.Date("Period", readonly=True)
    period_end = fields.Date(readonly=True)
    kpi = fields.Selection([(kpi, label) for kpi, label, _unit in KPIS], "KPI", readonly=True)
    kpi_label = fields.Char("KPI Name", compute="_compute_kpi_label")
    sequence = fields.Integer(readonly=True)
    unit = fields.Selection(UNITS, readonly=True)
    has_acorn = fields.Boolean("Acorn has a figure", readonly=True)
    has_amazon = fields.Boolean("Amazon has a figure", readonly=True)
    acorn_value = fields.Float("Acorn", readonly=True, aggregator="avg")
    amazon_value = fields.Float("Amazon", readonly=True, aggregator="avg")
    difference = fields.Float(readonly=True, aggregator="avg", help="Acorn minus Amazon.")
    acorn_display = fields.Char("Acorn's figure", readonly=True)
    amazon_display = fields.Char("Amazon's figure", readonly=True)
    difference_display = fields.Char("Difference (shown)", readonly=True)
    reason = fields.Char("Why they differ", readonly=True)
    acorn_note = fields.Char("How Acorn counts", readonly=True)
    amazon_note = fields.Char("How Amazon's figure is taken", readonly=True)
    has_acorn_records = fields.Boolean(compute="_compute_has_records")
    has_amazon_rows = fields.Boolean(compute="_compute_has_records")

    @api.depends("account_id", "marketplace", "vendor_code", "brand", "asin", "product_id")
    def _compute_group_label(self):
        for line in self:
            group = line.comparison_id.group_by
            if group == "asin":
                label = " ".join(filter(None, (line.asin, line.product_id.name)))
            elif group == "account":
                label = line.account_id.display_name
            else:
                label = line[group] or self.env._("(none)")
            line.group_label = label or ""

    @api.depends("kpi")
    def _compute_kpi_label(self):
        labels = dict(self._fields["kpi"]._description_selection(self.env))
        for line in self:
            line.kpi_label = labels.get(line.kpi, line.kpi or "")

    @api.depends("kpi", "has_acorn", "has_amazon")
    def _compute_has_records(self):
        for line in self:
            line.has_acorn_records = line.has_acorn and line.kpi in ACORN_SOURCES
            line.has_amazon_rows = line.kpi in AMAZON_SOURCES and (
                line.has_amazon or line.kpi.startswith("defect_")
            )

    # ------------------------------------------------------------------ computing

    @api.model
    def _acorn_side_by_side(self, run):
        """The core's side-by-side rows of ``run``: both sides read per account, joined,
        grouped and compared once (a marketplace can span accounts)."""
        by = run._acorn_by()
        start, end = run._acorn_period()
        acorn_parts = {name: [] for name in ACORN_INPUTS}
        amazon_parts = {name: [] for name in AMAZON_FRAMES}
        for account in run.account_ids:
            constants = {"account": account.id, "marketplace": account.marketplace_code or ""}
            codes = inputs.vendor_codes(self.env, account)
            mine = {
                name: getattr(inputs, name)(self.env, account, start, end) for name in ACORN_INPUTS
            }
            amazon = inputs.amazon_frames(
                self.env, account, start, end, run.selling_program, run.distributor_view
            )
            frames = [*mine.values(), *amazon.values()]
            asins = {a for f in frames if "asin" in f.columns for a in f["asin"].dropna()}
            brand_of = inputs.brands(self.env, asins)
            for parts, found in ((acorn_parts, mine), (amazon_parts, amazon)):
                for name, frame in found.items():
                    if len(frame):
                        parts[name].append(with_groups(frame, constants, brand_of, codes))
        joined = {
            name: pd.concat(parts, ignore_index=True) if parts else None
            for name, parts in {**acorn_parts, **amazon_parts}.items()
        }
        lines = joined["po_lines"]
        if lines is None:
            lines = pd.DataFrame(columns=[*PO_LINE_COLUMNS, *by])
        acorn = acorn_kpis(
            lines,
            by=by,
            freq=run.freq,
            shipments=per_shipment(joined["shipments"], by),
            invoices=per_invoice(joined["invoices"], by),
            returns=joined["returns"],
            as_of=end,
        )
        finance = finance_kpis(joined["invoiced"], joined["deductions"], by=by, freq=run.freq)
        acorn = pd.concat([part for part in (acorn, finance) if len(part)] or [acorn])
        amazon = amazon_kpis([joined[name] for name in AMAZON_FRAMES], by=by, freq=run.freq)
        defects = defect_rows(amazon, acorn, by=by)
        rows = side_by_side(acorn, amazon, by=by, freq=run.freq, defects=defects)
        inside = (rows["period_start"] >= start) & (rows["period_start"] < end)
        return rows[inside].reset_index(drop=True)

    def _acorn_rows(self):
        """The rows as plain values for XML-RPC: a side without a figure is False (XML-RPC
        has no None), never 0."""
        rows = []
        for values in self.read(list(ROW_FIELDS)):
            values["account_id"] = values["account_id"] and values["account_id"][0]
            values["acorn_value"] = values["has_acorn"] and values["acorn_value"]
            values["amazon_value"] = values["has_amazon"] and values["amazon_value"]
            if not (values["has_acorn"] and values["has_amazon"]):
                values["difference"] = False
            rows.append(
                {
                    name: str(value) if name.startswith("period_") else value
                    for name, value in values.items()
                    if name in ROW_FIELDS
                }
            )
        return rows

    # ------------------------------------------------------------------ drill-down

    def _acorn_group_domain(self, model_name):
        """The records of ``model_name`` in this line's group: its account (or the
        comparison's accounts), and its marketplace, vendor code, brand or ASIN."""
        self.ensure_one()
        paths = GROUP_PATHS[model_name]
        run = self.comparison_id
        domain = [(paths["account"], "in", (self.account_id or run.account_ids).ids)]
        group = run.group_by
        if group != "account":
            domain.append((paths[group], "=", self[group] or False))
        return domain

    def action_open_acorn_records(self):
        """Acorn's records behind this figure: the PO lines (or ASNs, invoices, deductions)
        of its group dated in its period."""
        self.ensure_one()
        model_name, date_path = ACORN_SOURCES[self.kpi]
        domain = [
            *self._acorn_group_domain(model_name),
            (date_path, ">=", self.period_start),
            (date_path, "<=", self.period_end),
        ]
        if date_path.endswith(("_date", "_at")):  # datetimes: the whole last day
            domain[-1] = (date_path, "<", fields.Date.add(self.period_end, days=1))
        return self._acorn_open(model_name, domain, self.env._("Acorn: %s", self.kpi_label))

    def action_open_amazon_rows(self):
        """Amazon's report rows behind this figure: the per-ASIN DAY rows of its group and
        period, of the comparison's selling program and distributor view."""
        self.ensure_one()
        run = self.comparison_id
        model_name = AMAZON_SOURCES[self.kpi]
        domain = [
            ("account_id", "in", (self.account_id or run.account_ids).ids),
            ("report_period", "=", "DAY"),
            ("is_aggregate", "=", False),
            ("period_start", ">=", self.period_start),
            ("period_start", "<=", self.period_end),
        ]
        if model_name != TRAFFIC:
            domain += [
                ("selling_program", "=", run.selling_program),
                ("distributor_view", "=", run.distributor_view),
            ]
        if run.group_by == "marketplace":
            domain.append(("account_id.marketplace_code", "=", self.marketplace))
        elif run.group_by == "asin":
            domain.append(("asin", "=", self.asin))
        elif run.group_by == "brand":
            domain.append(("product_id.product_tmpl_id.acorn_brand", "=", self.brand or False))
        elif run.group_by == "vendor_code":
            codes = inputs.vendor_codes(self.env, self.account_id)
            asins = [asin for asin, code in codes.items() if code == (self.vendor_code or "")]
            domain.append(("asin", "in", asins))
        return self._acorn_open(model_name, domain, self.env._("Amazon: %s", self.kpi_label))

    def _acorn_open(self, model_name, domain, name):
        return {
            "type": "ir.actions.act_window",
            "name": f"{name} ({self.group_label}, {self.period_start})",
            "res_model": model_name,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": domain,
            "context": {"create": False},
            "target": "current",
        }
