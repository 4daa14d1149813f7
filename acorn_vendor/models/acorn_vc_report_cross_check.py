"""The monthly cross-check job: the month's vendor reports against Odoo's own figures.

On the 1st, for each account loading vendor reports, the core's ``cross_check.units_by_asin``
compares the units Amazon received per ASIN in the past month (its inventory report, the
retail manufacturing view the schedule loads) with the units Odoo shipped to Amazon on the
account's POs and invoiced to it; for SP-API accounts, the PO numbers Amazon dated in the
month (getPurchaseOrders) against the account's POs (``purchase_orders``: a PO deleted in
Odoo is named); once the account has remittances, each invoice due that month against what
Amazon's remittances settled for it (``invoiced_vs_paid``). When
differences pass the tolerance, the account's responsible gets one activity for that month
listing them; run again, the same activity is updated, never duplicated.
"""

import logging
from datetime import date, datetime, time, timedelta

import pandas as pd
from markupsafe import Markup, escape

from odoo import api, models
from odoo.exceptions import ValidationError

from ..core.reports.cross_check import COLUMNS, invoiced_vs_paid, purchase_orders, units_by_asin
from ..core.reports.schedule import HISTORICAL
from ..core.spapi.errors import SpApiError

_logger = logging.getLogger(__name__)

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
        for more in (
            self._acorn_purchase_orders(account, start, stop),
            self._acorn_invoiced_vs_paid(account, start, stop),
        ):
            if len(more):
                diffs = pd.concat([diffs, more], ignore_index=True) if len(diffs) else more
        if len(diffs):
            self._acorn_activity(account, start, diffs)
        return diffs

    def _acorn_purchase_orders(self, account, start, stop):
        """PO numbers dated in the month at Amazon (getPurchaseOrders) against the account's
        POs. EDI accounts have no such read; an Amazon error skips this check (logged), it
        never stops the others."""
        empty = pd.DataFrame(columns=list(COLUMNS))
        if account.channel != "spapi":
            return empty
        month_start = datetime.combine(start, time.min)
        # A PO is dated when Amazon made it and listed when it became available: a few days'
        # margin after the month, then both sides are kept to the PO's own date.
        window = {"createdAfter": month_start, "createdBefore": datetime.combine(stop, time.min)}
        window["createdBefore"] += timedelta(days=3)
        try:
            client = account._acorn_spapi_client()
            amazon = [
                (
                    order["purchaseOrderNumber"],
                    (order.get("orderDetails") or {}).get("purchaseOrderDate")
                    or f"{start.isoformat()}T00:00:00Z",
                )
                for order in client.iter_purchase_orders(**window)
            ]
        except (SpApiError, ValidationError) as error:  # Amazon's error, or no credentials
            _logger.warning("cross-check of %s: Amazon's POs not read: %s", account.name, error)
            return empty
        ours = self.env["acorn.vc.purchase.order"].search_read(
            [
                ("account_id", "=", account.id),
                ("po_date", ">=", month_start),
                ("po_date", "<", datetime.combine(stop, time.min)),
            ],
            ["name", "po_date"],
        )
        columns = ["po_number", "po_date"]
        return purchase_orders(
            pd.DataFrame([(po["name"], po["po_date"]) for po in ours], columns=columns),
            pd.DataFrame(amazon, columns=columns),
            start,
        )

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
            "<p>%s</p><table class='table table-sm'><tr><th>Check</th><th>ASIN, PO or invoice</th>"
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
