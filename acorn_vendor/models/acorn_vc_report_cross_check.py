"""The monthly cross-check job: the month's vendor reports against Odoo's own figures.

On the 1st, for each account loading vendor reports, the core's ``cross_check.units_by_asin``
compares the units Amazon received per ASIN in the past month (its inventory report, the
retail manufacturing view the schedule loads) with the units Odoo shipped to Amazon on the
account's POs and invoiced to it; once the account has remittances, each invoice due that
month against what Amazon's remittances settled for it (``invoiced_vs_paid``). When
differences pass the tolerance, the account's responsible gets one activity for that month
listing them; run again, the same activity is updated, never duplicated.
"""

from datetime import date, datetime, time, timedelta

import pandas as pd
from markupsafe import Markup, escape

from odoo import api, models

from ..core.reports.cross_check import invoiced_vs_paid, units_by_asin
from ..core.reports.schedule import HISTORICAL

TOLERANCE = 0.02  # goods shipped on a month's last days are received in the next


class AcornVcReportCrossCheck(models.AbstractModel):
    _name = "acorn.vc.report.cross.check"
    _description = "Vendor Central Monthly Cross-check"

    @api.model
    def _cron_monthly_cross_check(self, month=None):
        """Every account loading reports, for ``month`` (any date in it; default: last month)."""
        if month is None:
            month = date.today().replace(day=1) - timedelta(days=1)
        accounts = self.env["acorn.vc.account"].search([("report_sync_active", "=", True)])
        return {account.id: len(self._acorn_cross_check(account, month)) for account in accounts}

    def _acorn_cross_check(self, account, month):
        """The differences of ``account`` for ``month`` (core frame), and the activity."""
        start = month.replace(day=1)
        stop = (start + timedelta(days=32)).replace(day=1)
        diffs = units_by_asin(
            self._acorn_received(account, start, stop),
            self._acorn_shipped(account, start, stop),
            self._acorn_invoiced(account, start, stop),
            tolerance=TOLERANCE,
        )
        paid = self._acorn_invoiced_vs_paid(account, start, stop)
        if len(paid):
            diffs = pd.concat([diffs, paid], ignore_index=True) if len(diffs) else paid
        if len(diffs):
            self._acorn_activity(account, start, diffs)
        return diffs

    def _acorn_received(self, account, start, stop):
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT asin, SUM(net_received_inventory_units)
                 FROM acorn_vc_report_inventory
                WHERE account_id = %s AND NOT is_aggregate AND report_period = 'DAY'
                  AND selling_program = %s AND distributor_view = %s
                  AND period_start >= %s AND period_start < %s
                GROUP BY asin""",
            [
                account.id,
                HISTORICAL["sellingProgram"],
                HISTORICAL["distributorView"],
                start,
                stop,
            ],
        )
        return {asin: units for asin, units in self.env.cr.fetchall() if units is not None}

    def _acorn_shipped(self, account, start, stop):
        groups = self.env["stock.move"]._read_group(
            [
                ("state", "=", "done"),
                ("date", ">=", datetime.combine(start, time.min)),
                ("date", "<", datetime.combine(stop, time.min)),
                ("location_dest_id.usage", "=", "customer"),
                ("sale_line_id.order_id.acorn_purchase_order_id.account_id", "=", account.id),
            ],
            ["product_id"],
            ["product_qty:sum"],
        )
        return _by_asin(groups)

    def _acorn_invoiced(self, account, start, stop):
        out = {}
        for move_type, sign in (("out_invoice", 1), ("out_refund", -1)):
            groups = self.env["account.move.line"]._read_group(
                [
                    ("move_id.move_type", "=", move_type),
                    ("parent_state", "=", "posted"),
                    ("display_type", "=", "product"),
                    ("date", ">=", start),
                    ("date", "<", stop),
                    (
                        "sale_line_ids.order_id.acorn_purchase_order_id.account_id",
                        "=",
                        account.id,
                    ),
                ],
                ["product_id"],
                ["quantity:sum"],
            )
            for asin, units in _by_asin(groups).items():
                out[asin] = out.get(asin, 0) + sign * units
        return out

    def _acorn_invoiced_vs_paid(self, account, start, stop):
        """The account's invoices due in the month against what its remittances settled;
        nothing to compare before the first remittance is imported."""
        Line = self.env["acorn.vc.remittance.line"]
        if not Line.search_count([("account_id", "=", account.id)], limit=1):
            return invoiced_vs_paid({}, {})
        invoices = self.env["account.move"].search(
            [
                *self.env["acorn.vc.remittance"]._acorn_invoice_domain(account),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("invoice_date_due", ">=", start),
                ("invoice_date_due", "<", stop),
            ]
        )
        settled = Line._read_group(
            [("invoice_id", "in", invoices.ids)], ["invoice_id"], ["settled:sum"]
        )
        paid = {move.id: amount for move, amount in settled}
        number = {move.id: move.amz_invoice_number or move.name for move in invoices}
        return invoiced_vs_paid(
            {number[m.id]: m.amount_total for m in invoices},
            {number[m]: amount for m, amount in paid.items()},
        )

    def _acorn_activity(self, account, start, diffs):
        summary = self.env._(
            "Vendor reports cross-check %(month)s: %(count)s differences",
            month=start.strftime("%Y-%m"),
            count=len(diffs),
        )
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
            % (row.check, row.key, row.acorn, row.amazon, row.message)
            for row in diffs.itertuples()
        )
        note = Markup(
            "<p>%s</p><table class='table table-sm'><tr><th>Check</th><th>ASIN / invoice</th>"
            "<th>Odoo</th><th>Amazon</th><th>What</th></tr>%s</table>"
        ) % (escape(summary), rows)
        prefix = summary.split(":", 1)[0]
        existing = self.env["mail.activity"].search(
            [
                ("res_model", "=", account._name),
                ("res_id", "=", account.id),
                ("summary", "=like", f"{prefix}:%"),
            ],
            limit=1,
        )
        if existing:
            existing.write({"summary": summary, "note": note})
            return existing
        # The account is a mail.thread without the activity mixin: the activity is made
        # directly; it shows in the responsible's activities like any other.
        return self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id(account._name),
                "res_id": account.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "summary": summary,
                "note": note,
                "user_id": account._acorn_responsible().id,
            }
        )


def _by_asin(groups):
    out = {}
    for product, units in groups:
        if product.amz_asin:
            out[product.amz_asin] = out.get(product.amz_asin, 0) + (units or 0)
    return out
