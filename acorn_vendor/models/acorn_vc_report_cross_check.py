"""The monthly cross-check job: for an account and a month, Odoo's records against Amazon's.

Each check is the core's (``core/reports/cross_check.py``) on data read here:

- ``purchase_orders``: the PO numbers Amazon dated in the month (getPurchaseOrders) against
  the account's POs, so a PO deleted in Odoo is named;
- ``accepted_units``: accepted eaches per ASIN on the month's POs against Amazon's record of
  the acknowledgements (getPurchaseOrdersStatus), on the POs both sides hold;
- ``received_units``: the eaches each ASN shipped in the month announced against what Amazon
  received (getPurchaseOrdersStatus, per PO line, shared out by ``asn_receipts``); an ASN
  whose PO Amazon has not reported receiving waits ``RECEIPT_GRACE_DAYS`` before it counts;
- ``receipts_vs_report``: units Amazon received per ASIN (inventory report) against Amazon's
  receipts as synced on the PO lines (``receipts_vs_report``), past ``TOLERANCE``;
- ``invoiced_vs_paid``: invoices due in the month against what remittances settled.

The three SP-API checks need an SP-API account with credentials; elsewhere they are skipped
with the reason. An Amazon error stops only its own check and is kept on the run. Each run is
stored as ``acorn.vc.cross.check`` (one per account and month, its lines replaced on a re-run);
when it finds differences (at least the account's *Cross-check activity from*, default 1) the
account's responsible gets one activity for the month linking to it (kept on the run),
updated (never duplicated) on a re-run, and marked done by a re-run under the threshold.
"""

import logging
from datetime import date, datetime, time, timedelta

import pandas as pd
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..core.reports.cross_check import (
    COLUMNS,
    RECEIPT_GRACE_DAYS,
    accepted_units,
    acknowledged_lines,
    amazon_receipts,
    asn_receipts,
    invoiced_vs_paid,
    month_bounds,
    not_received_yet,
    purchase_orders,
    receipts_vs_report,
    received_units,
)
from ..core.reports.schedule import HISTORICAL
from ..core.spapi.dates import covering_windows
from ..core.spapi.errors import SpApiError

_logger = logging.getLogger(__name__)

TOLERANCE = 0.02  # goods shipped on a month's last days are received in the next
ACTIVITY_ROWS = 20  # the activity shows the first differences; the run holds them all


class SkipCheck(Exception):
    """A check that cannot run for this account or month; the message says why."""


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

    def _acorn_cross_check(self, account, month, now=None):
        """The differences of ``account`` for ``month`` (core frame); stores the run."""
        return self._acorn_cross_check_run(account, month, now)[1]

    def _acorn_checks(self):
        """(check, label, method) in the order they run and show."""
        return [
            ("purchase_orders", self.env._("PO numbers"), self._acorn_purchase_orders),
            ("accepted_units", self.env._("Accepted units per ASIN"), self._acorn_accepted_units),
            ("received_units", self.env._("Units received per ASN"), self._acorn_received_units),
            (
                "receipts_vs_report",
                self.env._("Units per ASIN (inventory report)"),
                self._acorn_units,
            ),
            ("invoiced_vs_paid", self.env._("Invoiced vs paid"), self._acorn_invoiced_vs_paid),
        ]

    def _acorn_cross_check_run(self, account, month, now=None):
        """Run every check of ``account`` for ``month``; store the run, its lines and the
        activity. Returns (``acorn.vc.cross.check`` record, differences frame)."""
        start = month.replace(day=1)
        stop = (start + timedelta(days=32)).replace(day=1)
        context = {"links": {}, "now": now or fields.Datetime.now(), "statuses": None}
        parts, results = [], []
        for check, label, method in self._acorn_checks():
            try:
                found, detail = method(account, start, stop, context)
            except SkipCheck as skip:
                results.append((label, "skipped", str(skip)))
                continue
            except SpApiError as error:
                _logger.warning("cross-check of %s, %s: %s", account.name, check, error)
                results.append((label, "error", self.env._("Amazon error: %s", error)))
                continue
            results.append((label, "ran", detail))
            if len(found):
                parts.append(found)
        diffs = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
        run = self.env["acorn.vc.cross.check"]._acorn_store(
            account, start, diffs, results, context["links"]
        )
        threshold = max(1, account.cross_check_activity_threshold)
        if len(diffs) >= threshold:
            self._acorn_activity(account, start, diffs, run)
        else:
            self._acorn_activity_done(run, diffs, threshold)
        return run, diffs

    def _acorn_spapi(self, account):
        """The account's SP-API client, or SkipCheck saying why there is none."""
        if account.channel != "spapi":
            raise SkipCheck(
                self.env._(
                    "EDI account: this check reads Amazon's data over SP-API "
                    "(getPurchaseOrders, getPurchaseOrdersStatus)."
                )
            )
        try:
            return account._acorn_spapi_client()
        except ValidationError as error:  # no credentials
            raise SkipCheck(str(error)) from error

    def _acorn_purchase_orders(self, account, start, stop, context):
        """PO numbers dated in the month at Amazon (getPurchaseOrders) against the account's
        POs."""
        client = self._acorn_spapi(account)
        month_start = datetime.combine(start, time.min)
        # A PO is dated when Amazon made it and listed when it became available: a few days'
        # margin after the month, then both sides are kept to the PO's own date.
        window = {"createdAfter": month_start, "createdBefore": datetime.combine(stop, time.min)}
        window["createdBefore"] += timedelta(days=3)
        amazon = [
            (
                order["purchaseOrderNumber"],
                (order.get("orderDetails") or {}).get("purchaseOrderDate")
                or f"{start.isoformat()}T00:00:00Z",
            )
            for order in client.iter_purchase_orders(**window)
        ]
        ours = self._acorn_month_pos(account, start, stop).read(["name", "po_date"])
        columns = ["po_number", "po_date"]
        theirs = pd.DataFrame(amazon, columns=columns)
        found = purchase_orders(
            pd.DataFrame([(po["name"], po["po_date"]) for po in ours], columns=columns),
            theirs,
            start,
        )
        first, after = month_bounds(start)
        dated = pd.to_datetime(theirs["po_date"], utc=True).dt.tz_localize(None)
        return found, self.env._(
            "%(amazon)s POs dated in the month at Amazon, %(odoo)s in Odoo",
            amazon=int(((dated >= first) & (dated < after)).sum()),
            odoo=len(ours),
        )

    def _acorn_month_pos(self, account, start, stop):
        return self.env["acorn.vc.purchase.order"].search(
            [
                ("account_id", "=", account.id),
                ("po_date", ">=", datetime.combine(start, time.min)),
                ("po_date", "<", datetime.combine(stop, time.min)),
            ]
        )

    def _acorn_statuses(self, account, pos, context):
        """Amazon's getPurchaseOrdersStatus of ``pos`` by PO number, read once per run around
        the POs' creation dates; the accepted and received checks share it."""
        cached = context["statuses"]
        if cached is None:
            cached = context["statuses"] = {}
        wanted = set(pos.mapped("name")) - set(cached)
        if wanted:
            client = self._acorn_spapi(account)
            missing = pos.filtered(lambda po: po.name in wanted)
            for window_start, window_end in covering_windows(missing.mapped("po_date")):
                for status in client.iter_purchase_orders_status(
                    createdAfter=window_start, createdBefore=window_end
                ):
                    cached[status.get("purchaseOrderNumber")] = status
            for number in wanted - set(cached):
                cached[number] = None  # Amazon has no status for it: asked once
        return {name: cached[name] for name in pos.mapped("name") if cached.get(name)}

    def _acorn_accepted_units(self, account, start, stop, context):
        """Accepted eaches per ASIN on the month's POs against Amazon's acknowledgement
        record. POs one side lacks are the PO check's business, so only POs both hold count."""
        self._acorn_spapi(account)
        pos = self._acorn_month_pos(account, start, stop)
        statuses = self._acorn_statuses(account, pos, context) if pos else {}
        both = pos.filtered(lambda po: po.name in statuses)
        dates = {po.name: po.po_date for po in both}
        ours = pd.DataFrame(
            [
                (line.order_id.name, line.asin, dates[line.order_id.name], line.accepted_qty)
                for line in both.line_ids
            ],
            columns=["po_number", "asin", "po_date", "accepted_qty"],
        )
        theirs = acknowledged_lines(statuses.values())
        theirs["po_date"] = theirs["po_number"].map(dates)
        found = accepted_units(ours, theirs, start)
        return found, self.env._("%(count)s POs compared", count=len(both))

    def _acorn_received_units(self, account, start, stop, context):
        """The eaches each ASN shipped in the month announced against what Amazon received
        against it (see ``asn_receipts`` for POs with several ASNs)."""
        self._acorn_spapi(account)
        Picking = self.env["stock.picking"]
        sent = [
            ("acorn_purchase_order_id.account_id", "=", account.id),
            ("acorn_asn_state", "in", ("sent", "accepted")),
            ("state", "=", "done"),
        ]
        month_start, month_stop = (datetime.combine(d, time.min) for d in (start, stop))
        in_month = Picking.search(
            [
                *sent,
                "|",
                "&",
                ("acorn_shipped_date", ">=", month_start),
                ("acorn_shipped_date", "<", month_stop),
                "&",
                ("acorn_shipped_date", "=", False),
                "&",
                ("date_done", ">=", month_start),
                ("date_done", "<", month_stop),
            ]
        )
        if not in_month:
            return pd.DataFrame(columns=COLUMNS), self.env._("no ASN shipped in the month")
        pos = in_month.acorn_purchase_order_id
        # Every ASN on these POs, of any month: Amazon's receipt per line covers them all.
        pickings = Picking.search([*sent, ("acorn_purchase_order_id", "in", pos.ids)])
        statuses = self._acorn_statuses(account, pos, context)
        receipts = {po.name: amazon_receipts(statuses.get(po.name) or {}) for po in pos}
        rows = []
        for picking in pickings:
            shipment_id = picking._acorn_shipment_id()
            context["links"][("received_units", shipment_id)] = {"picking_id": picking.id}
            for move in picking.move_ids.filtered(lambda m: m.state == "done"):
                po_line = move.sale_line_id.acorn_po_line_id
                if not po_line:
                    continue
                units = move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id)
                shipped = picking.acorn_shipped_date or picking.date_done
                rows.append(
                    (shipment_id, picking.acorn_purchase_order_id.name, po_line.sequence_number,
                     shipped, units)
                )  # fmt: skip
        shipments = asn_receipts(
            pd.DataFrame(
                rows, columns=["shipment_id", "po_number", "sequence", "shipped_at", "units"]
            ),
            receipts,
        )
        now = context["now"]
        found = received_units(shipments, start, as_of=now, grace_days=RECEIPT_GRACE_DAYS)
        month_ids = {picking._acorn_shipment_id() for picking in in_month}
        waiting = not_received_yet(
            shipments[shipments["shipment_id"].isin(month_ids)], now, RECEIPT_GRACE_DAYS
        )
        detail = self.env._("%(count)s ASNs compared", count=len(in_month))
        if waiting:
            detail += self.env._(
                "; not received yet (within %(days)s days of shipping): %(ids)s",
                days=RECEIPT_GRACE_DAYS,
                ids=", ".join(waiting),
            )
        return found, detail

    def _acorn_units(self, account, start, stop, context):
        """Units Amazon received per ASIN in the month by its inventory report against its
        receipts as synced on the account's PO lines (the synced data against the raw
        report); without the month's inventory report there is nothing to compare.

        Not Odoo's shipped or invoiced units per ASIN: POs acknowledged and shipped outside
        Acorn (the history before it, or a PO answered in Vendor Central) would show as
        differences every month. What Odoo shipped is compared ASN by ASN instead."""
        received = self._acorn_received(account, start, stop)
        if not received:
            raise SkipCheck(self.env._("no inventory report of the month is loaded"))
        found = receipts_vs_report(
            received, self._acorn_synced_receipts(account, start, stop), tolerance=TOLERANCE
        )
        return found, self.env._(
            "%(count)s ASINs in the report, tolerance %(pct)s%%",
            count=len(received),
            pct=int(TOLERANCE * 100),
        )

    def _acorn_synced_receipts(self, account, start, stop):
        """Eaches Amazon received per ASIN on the account's PO lines it last received in
        the month (getPurchaseOrdersStatus, as synced)."""
        groups = self.env["acorn.vc.purchase.order.line"]._read_group(
            [
                ("order_id.account_id", "=", account.id),
                ("received_date", ">=", datetime.combine(start, time.min)),
                ("received_date", "<", datetime.combine(stop, time.min)),
                ("asin", "!=", False),
            ],
            ["asin"],
            ["received_qty:sum"],
        )
        return {asin: units for asin, units in groups}

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

    def _acorn_invoiced_vs_paid(self, account, start, stop, context):
        """The account's invoices due in the month against what its remittances settled;
        nothing to compare before the first remittance is imported."""
        Line = self.env["acorn.vc.remittance.line"]
        if not Line.search_count([("account_id", "=", account.id)], limit=1):
            raise SkipCheck(self.env._("no remittance of this account is imported yet"))
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
        for move in invoices:
            context["links"][("invoiced_vs_paid", number[move.id])] = {"invoice_id": move.id}
        found = invoiced_vs_paid(
            {number[m.id]: m.amount_total for m in invoices},
            {number[m]: amount for m, amount in paid.items()},
        )
        return found, self.env._("%(count)s invoices due in the month", count=len(invoices))

    def _acorn_activity_done(self, run, diffs, threshold):
        """A re-run under the account's threshold: the month's earlier activity is done."""
        if run.activity_id.active:  # done activities are deleted, or archived by their type
            run.activity_id.action_feedback(
                feedback=self.env._(
                    "Run again: %(count)s differences, under the account's threshold of "
                    "%(threshold)s.",
                    count=len(diffs),
                    threshold=threshold,
                )
            )

    def _acorn_activity(self, account, start, diffs, run):
        """One activity per account and month for the responsible, linking to the run."""
        summary = self.env._(
            "Vendor reports cross-check %(month)s: %(count)s differences",
            month=start.strftime("%Y-%m"),
            count=len(diffs),
        )
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
            % (row.check, row.key, row.acorn, row.amazon, row.message)
            for row in diffs.head(ACTIVITY_ROWS).itertuples()
        )
        more = len(diffs) - ACTIVITY_ROWS
        link = f"/odoo/action-acorn_vendor.acorn_vc_cross_check_action/{run.id}"
        note = Markup(
            "<p>%s</p><p><a href='%s'>%s</a></p><table class='table table-sm'><tr><th>Check</th>"
            "<th>ASIN, PO, ASN or invoice</th><th>Odoo</th><th>Amazon</th><th>What</th></tr>"
            "%s</table>%s"
        ) % (
            escape(summary),
            link,
            self.env._("Open the cross-check of the month"),
            rows,
            Markup("<p>%s</p>") % self.env._("and %(more)s more", more=more) if more > 0 else "",
        )
        if run.activity_id.active:
            run.activity_id.write({"summary": summary, "note": note})
            return run.activity_id
        # The account is a mail.thread without the activity mixin: the activity is made
        # directly; it shows in the responsible's activities like any other.
        run.activity_id = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id(account._name),
                "res_id": account.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "summary": summary,
                "note": note,
                "user_id": account._acorn_responsible().id,
            }
        )
        return run.activity_id
