import csv
import io
import itertools
import logging
from datetime import timedelta

from markupsafe import Markup, escape
from psycopg2.extras import execute_values

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ..core import ack_rules, domain, po_import
from ..core.odoo_values import PO_STATE_SELECTION, to_decimal, to_utc
from ..core.spapi import converters

_logger = logging.getLogger(__name__)

ACK_DEADLINE_HOURS = 24
# Amazon still waits for our answer: never sent, or sent and refused.
ACK_WAITING_DOMAIN = [("amz_state", "=", "new"), ("ack_status", "in", ("to_do", "failed"))]
_BOOLS = ("ack_alert_sent",)


class _CsvStream:
    """Rows as a file COPY reads, written as CSV only when PostgreSQL asks for the next
    chunk: Python builds and formats the next rows while the server stores the last ones,
    so a batch keeps both cores busy instead of taking turns."""

    def __init__(self, rows, rows_per_chunk=500):
        self._rows = iter(rows)
        self._rows_per_chunk = rows_per_chunk
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\n")
        # The file methods psycopg2 calls (it wants readline too; COPY FROM only reads).
        self.read = self.readline = self._next_chunk

    def _next_chunk(self, size=-1):
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerows(itertools.islice(self._rows, self._rows_per_chunk))
        return self._buffer.getvalue()


def _copy_rows(cursor, table, columns, rows):
    """COPY rows (any iterable of tuples) into a table: PostgreSQL's fastest way in.
    CSV as the csv module writes it: None is an unquoted empty field (NULL), booleans
    True/False and datetimes as str() gives them, all of which PostgreSQL reads back. Empty
    strings would become NULL too: callers pass None for "no value"."""
    cursor.copy_expert(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)",  # constants only
        _CsvStream(rows),
    )


def _display(record, field_name, value):
    """A value as a person reads it in the chatter (selection labels, not keys)."""
    field = record._fields[field_name]
    if field.type == "selection":
        return dict(field._description_selection(record.env)).get(value, value)
    return value if value not in (False, None) else "—"


class AcornVcPurchaseOrder(models.Model):
    """Amazon's purchase order as Amazon sent it; the sale order is what the vendor does."""

    _name = "acorn.vc.purchase.order"
    _description = "Amazon Purchase Order"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "po_date desc, id desc"
    _check_company_auto = True

    name = fields.Char("PO Number", required=True, readonly=True, index=True)
    account_id = fields.Many2one(
        "acorn.vc.account", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    amz_state = fields.Selection(
        PO_STATE_SELECTION,
        string="Amazon State",
        required=True,
        default="new",
        readonly=True,
        tracking=True,
        index=True,
    )
    order_type = fields.Selection(
        [
            ("regular", "Regular"),
            ("consigned", "Consigned"),
            ("new_product", "New Product Introduction"),
            ("rush", "Rush"),
        ],
        readonly=True,
    )
    po_date = fields.Datetime("Ordered On", readonly=True, index=True)
    amz_changed_date = fields.Datetime("Changed by Amazon", readonly=True)
    amz_state_changed_date = fields.Datetime("State Changed", readonly=True)
    vendor_code = fields.Char(readonly=True, index=True, help="Selling party: your vendor code.")
    buying_party_code = fields.Char("Buying Party", readonly=True)
    ship_to_code = fields.Char("Ship-to FC", readonly=True, index=True)
    bill_to_code = fields.Char("Bill-to", readonly=True)
    ship_window_start = fields.Datetime(readonly=True)
    ship_window_end = fields.Datetime(readonly=True)
    delivery_window_start = fields.Datetime(readonly=True)
    delivery_window_end = fields.Datetime(readonly=True)
    payment_method = fields.Char(readonly=True)
    deal_code = fields.Char(readonly=True)
    incoterms = fields.Char(readonly=True)
    import_method_of_payment = fields.Char(readonly=True)
    port_of_delivery = fields.Char(readonly=True)
    currency_code = fields.Char(readonly=True)
    line_ids = fields.One2many("acorn.vc.purchase.order.line", "order_id")
    line_count = fields.Integer(compute="_compute_totals", store=True)
    ordered_units = fields.Integer(compute="_compute_totals", store=True)
    amount_ordered = fields.Float(compute="_compute_totals", store=True, digits=(16, 2))
    ack_deadline = fields.Datetime(
        "Acknowledge By",
        compute="_compute_ack_deadline",
        store=True,
        index=True,
        help="Amazon expects every line acknowledged within 24 hours of the order.",
    )
    sale_order_id = fields.Many2one("sale.order", readonly=True, copy=False, index="btree_not_null")
    partner_shipping_id = fields.Many2one(
        "res.partner", "Fulfilment Centre", readonly=True, help="Delivery address of the FC."
    )
    unmatched_line_count = fields.Integer(
        compute="_compute_unmatched_line_count",
        store=True,
        help="Lines whose product is not known yet: map them and the sale order follows.",
    )
    ack_status = fields.Selection(
        [
            ("to_do", "To Acknowledge"),
            ("sent", "Sent"),
            ("done", "Acknowledged"),
            ("failed", "Rejected by Amazon"),
        ],
        string="Acknowledgement",
        default="to_do",
        tracking=True,
        index=True,
    )
    ack_alert_sent = fields.Boolean(copy=False)
    ack_waiting = fields.Boolean(
        "To Acknowledge",
        compute="_compute_ack_waiting",
        search="_search_ack_waiting",
        help="Amazon is still waiting for our answer on this PO.",
    )
    ack_overdue = fields.Boolean(
        "Acknowledgement Overdue",
        compute="_compute_ack_waiting",
        search="_search_ack_overdue",
        help="Amazon is still waiting and its 24-hour deadline has passed.",
    )
    transaction_ids = fields.One2many("acorn.vc.transaction", "purchase_order_id")
    payload_ids = fields.One2many("acorn.vc.payload", "purchase_order_id", string="Versions")
    payload_hash = fields.Char(readonly=True, copy=False, help="Hash of the last version stored.")
    sync_error = fields.Text(readonly=True, copy=False)

    _sql_constraints = [
        ("name_account_uniq", "unique(account_id, name)", "PO numbers are unique per account."),
    ]

    @api.depends("line_ids.ordered_units", "line_ids.net_cost")
    def _compute_totals(self):
        for order in self:
            order.line_count = len(order.line_ids)
            order.ordered_units = sum(order.line_ids.mapped("ordered_units"))
            order.amount_ordered = sum(
                line.ordered_units * line.net_cost for line in order.line_ids
            )

    @api.depends("line_ids.product_id", "line_ids.ordered_units")
    def _compute_unmatched_line_count(self):
        for order in self:
            order.unmatched_line_count = len(
                order.line_ids.filtered(lambda line: not line.product_id and line.ordered_units)
            )

    @api.depends("amz_state", "ack_status", "ack_deadline")
    def _compute_ack_waiting(self):
        now = fields.Datetime.now()
        for order in self:
            order.ack_waiting = order.amz_state == "new" and order.ack_status in ("to_do", "failed")
            order.ack_overdue = bool(
                order.ack_waiting and order.ack_deadline and order.ack_deadline < now
            )

    @api.model
    def _acorn_overdue_domain(self):
        return [*ACK_WAITING_DOMAIN, ("ack_deadline", "<", fields.Datetime.now())]

    def _search_ack_waiting(self, operator, value):
        return self._acorn_boolean_search(ACK_WAITING_DOMAIN, operator, value)

    def _search_ack_overdue(self, operator, value):
        return self._acorn_boolean_search(self._acorn_overdue_domain(), operator, value)

    def _acorn_boolean_search(self, domain, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search this field with = True or = False."))
        if (operator == "=") == value:
            return domain
        return ["!", *expression.normalize_domain(domain)]

    @api.model
    def get_menu_counters(self):
        """Counts the web client shows beside the Orders menus, within the user's access."""
        return {
            "acorn_vendor.acorn_vc_purchase_order_menu_to_acknowledge": self.search_count(
                ACK_WAITING_DOMAIN
            ),
            "acorn_vendor.acorn_vc_purchase_order_menu_overdue": self.search_count(
                self._acorn_overdue_domain()
            ),
        }

    @api.depends("po_date")
    def _compute_ack_deadline(self):
        for order in self:
            order.ack_deadline = (
                fields.Datetime.add(order.po_date, hours=ACK_DEADLINE_HOURS)
                if order.po_date
                else False
            )

    # ------------------------------------------------------------------ import

    @api.model
    def _acorn_import_orders(self, account, payloads):
        """Create or update POs from Amazon ``Order`` JSON; idempotent, one bad PO never
        blocks the rest. Returns counts {created, updated, unchanged, failed}.
        """
        counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        if not payloads:
            return counts
        numbers = [p.get("purchaseOrderNumber") for p in payloads]
        existing = {
            po.name: po
            for po in self.with_context(active_test=False).search(
                [("account_id", "=", account.id), ("name", "in", [n for n in numbers if n])]
            )
        }
        to_create = {}  # PO number -> its newest version in this batch
        for payload in payloads:
            canonical = po_import.canonical_json(payload)
            digest = po_import.fingerprint(payload, canonical)
            number = payload.get("purchaseOrderNumber") or "?"
            try:
                po = converters.purchase_order_from_spapi(payload)
                header = po_import.order_values(po)
                lines = po_import.line_values(po)
            except (KeyError, TypeError, ValueError) as exc:
                counts["failed"] += 1
                self._acorn_record_failure(account, number, payload, digest, exc, existing)
                continue
            record = existing.get(po.number)
            if record is None:
                if po.number in to_create:  # the same PO twice in one batch: keep the last
                    same = to_create[po.number][3] == digest
                    counts["unchanged" if same else "updated"] += 1
                else:
                    counts["created"] += 1
                to_create[po.number] = (header, lines, canonical, digest)
            elif record.payload_hash == digest:
                counts["unchanged"] += 1
            else:
                record._acorn_apply_version(header, lines, payload, digest)
                counts["updated"] += 1
        if to_create:
            items = list(to_create.values())
            created = self._acorn_bulk_create(account, items)
            created.filtered(lambda po: po.amz_state == "new")._acorn_notify_arrived()
            # A backfill is mostly history: only open POs inside the cut-off can become sale
            # orders, so only those are read back for the full check.
            since = fields.Datetime.subtract(
                fields.Datetime.now(), days=account.sale_order_cutoff_days
            )
            headers = [header for header, _lines, _canonical, _digest in items]
            self.browse(
                po_id
                for po_id, header in zip(created.ids, headers, strict=True)
                if header["amz_state"] != "closed" and header["po_date"] >= since
            )._acorn_create_sale_orders()
            if account.auto_acknowledge:
                auto = self.browse(
                    po_id
                    for po_id, header in zip(created.ids, headers, strict=True)
                    if header["amz_state"] == "new"
                )
                if auto:
                    auto.action_apply_ack_rules()
                    auto._acorn_send_acknowledgement()
        return counts

    def _acorn_notify_arrived(self):
        """A new PO waits for an answer: the account's "PO arrived" rules hear of it."""
        rules = self.env["acorn.vc.notification.rule"].sudo()
        if not rules.search_count(
            [("account_id", "in", self.account_id.ids), ("event", "=", "po_arrived")], limit=1
        ):
            return  # a backfill of thousands of POs asks once, not once per PO
        for po in self:
            po.account_id._acorn_notify(
                "po_arrived",
                po,
                po.id,
                self.env._(
                    "New Amazon PO %(po)s from %(account)s", po=po.name, account=po.account_id.name
                ),
                self.env._(
                    "%(lines)s lines, %(units)s units; acknowledge by %(deadline)s (UTC).",
                    lines=po.line_count,
                    units=po.ordered_units,
                    deadline=po.ack_deadline,
                ),
            )

    # ------------------------------------------------------------------ acknowledgement

    def _acorn_line_facts(self, line):
        """What the rules need to know about one line, from Odoo's stock and prices."""
        product = line.product_id
        facts = ack_rules.LineFacts(
            sequence=line.sequence_number,
            ordered_units=line.ordered_units,
            product_known=bool(product),
            product_active=bool(product.active) if product else False,
            net_cost=line.net_cost,
            backorder_allowed=line.backorder_allowed,
        )
        if product:
            by = self.ship_window_end or fields.Datetime.now()
            warehouse = self.account_id.warehouse_id
            ctx = {"to_date": by}
            if warehouse:
                ctx["warehouse_id"] = warehouse.id
            # virtual_available = on hand + incoming - outgoing (reserved) by the date.
            facts.available_units = product.with_context(**ctx).virtual_available + (
                self._acorn_own_demand(line)
            )
            pricelist = self.account_id.pricelist_id
            facts.expected_price = (
                pricelist._get_product_price(product, line.ordered_units or 1.0)
                if pricelist
                else product.lst_price
            )
            facts.unit_cost = product.standard_price or None
        return facts

    def _acorn_own_demand(self, line):
        """Our own quotation is draft, so it does not reduce forecast stock: nothing to add.
        Once confirmed (after acknowledgement) it would, so it is counted back in."""
        sale_lines = self.sale_order_id.order_line.filtered(
            lambda sol: sol.acorn_po_line_id == line and sol.state == "sale"
        )
        return sum(sale_lines.mapped("product_uom_qty"))

    def action_apply_ack_rules(self):
        """Fill in accepted, backordered and rejected quantities from the account's rules."""
        for po in self.filtered(lambda po: po.amz_state == "new"):
            settings = po.account_id._acorn_rule_settings()
            pairs = [
                (line.product_id.id or f"line-{line.id}", po._acorn_line_facts(line))
                for line in po.line_ids
            ]
            decisions = ack_rules.allocate(pairs, settings)
            for line, decision in zip(po.line_ids, decisions, strict=True):
                line.write(
                    {
                        "accepted_qty": decision.accepted,
                        "backordered_qty": decision.backordered,
                        "rejected_qty": decision.rejected,
                        "rejection_reason": decision.rejection_reason or False,
                        "scheduled_ship_date": po.ship_window_end if decision.accepted else False,
                        "scheduled_delivery_date": po.delivery_window_end
                        if decision.accepted
                        else False,
                        "ack_note": "; ".join(decision.reasons) or False,
                    }
                )
        return True

    def action_accept_all(self):
        """By hand: accept every line in full."""
        for po in self.filtered(lambda po: po.amz_state == "new"):
            for line in po.line_ids:
                line.write(
                    {
                        "accepted_qty": line.ordered_units,
                        "backordered_qty": 0,
                        "rejected_qty": 0,
                        "rejection_reason": False,
                        "scheduled_ship_date": po.ship_window_end,
                        "scheduled_delivery_date": po.delivery_window_end,
                    }
                )
        return True

    def _acorn_acknowledgement(self):
        """The domain acknowledgement for this PO, from the lines' answers (in eaches)."""
        self.ensure_one()
        now = to_utc(fields.Datetime.now())
        items = []
        for line in self.line_ids:
            answers = []
            for code, qty in (
                ("Accepted", line.accepted_qty),
                ("Backordered", line.backordered_qty),
                ("Rejected", line.rejected_qty),
            ):
                if qty:
                    answers.append(
                        domain.ItemAcknowledgement(
                            code=code,
                            quantity=domain.Quantity(qty, "Eaches", 1),
                            scheduled_ship_date=to_utc(line.scheduled_ship_date)
                            if code != "Rejected"
                            else None,
                            scheduled_delivery_date=to_utc(line.scheduled_delivery_date)
                            if code != "Rejected"
                            else None,
                            rejection_reason=line.rejection_reason if code == "Rejected" else None,
                        )
                    )
            items.append(
                domain.AcknowledgementItem(
                    sequence=line.sequence_number,
                    ids=domain.ProductIds(
                        asin=line.asin or None, vendor_product_id=line.vendor_sku or None
                    ),
                    ordered_quantity=domain.Quantity(
                        line.ordered_qty,
                        "Cases" if line.ordered_unit == "cases" else "Eaches",
                        line.unit_size,
                    ),
                    acknowledgements=answers,
                    net_cost=domain.Money(to_decimal(line.net_cost), self.currency_code or "USD"),
                )
            )
        return domain.Acknowledgement(
            purchase_order_number=self.name,
            selling_party=domain.Party(self.vendor_code),
            date=now,
            items=items,
            purchase_order_date=self.po_date.date() if self.po_date else None,
        )

    def _acorn_check_answered(self):
        unanswered = self.line_ids.filtered(
            lambda line: (
                line.ordered_units
                and line.accepted_qty + line.backordered_qty + line.rejected_qty
                != line.ordered_units
            )
        )
        if unanswered:
            raise UserError(
                self.env._(
                    "PO %(po)s: line(s) %(lines)s are not fully answered; accepted + backordered "
                    "+ rejected must equal the ordered eaches (apply the rules or edit them).",
                    po=self.name,
                    lines=", ".join(unanswered.mapped("sequence_number")),
                )
            )
        missing_reason = self.line_ids.filtered(
            lambda ln: ln.rejected_qty and not ln.rejection_reason
        )
        if missing_reason:
            raise UserError(
                self.env._(
                    "PO %(po)s: line(s) %(lines)s reject eaches without a reason.",
                    po=self.name,
                    lines=", ".join(missing_reason.mapped("sequence_number")),
                )
            )

    def action_send_acknowledgement(self):
        """Send the answers to Amazon (in the background); the transaction records it."""
        self._acorn_send_acknowledgement()
        return True

    def _acorn_send_acknowledgement(self):
        transactions = self.env["acorn.vc.transaction"]
        for po in self:
            if po.amz_state != "new" or po.ack_status == "sent":
                continue
            po._acorn_check_answered()
            body = {
                "acknowledgements": [
                    converters.acknowledgement_to_spapi(po._acorn_acknowledgement())
                ]
            }
            transactions |= transactions.sudo().create(
                {
                    "account_id": po.account_id.id,
                    "kind": "acknowledgement",
                    "purchase_order_id": po.id,
                    "payload": body,
                }
            )
            po.ack_status = "sent"
        transactions._acorn_enqueue_submit()
        return transactions

    def _acorn_acknowledgement_accepted(self, transaction):
        """Amazon has the answer: the quotation becomes an order for the accepted eaches."""
        self.ensure_one()
        self.write(
            {
                "ack_status": "done",
                "amz_state": "acknowledged" if self.amz_state == "new" else self.amz_state,
            }
        )
        self._acorn_confirm_sale_order(
            self.env._("Amazon accepted the acknowledgement: %s confirmed.")
        )

    def _acorn_confirm_sale_order(self, message):
        """The draft quotation becomes an order for the accepted eaches (cancelled when
        nothing was accepted); ``message`` (with %s for the order) goes to the chatter."""
        self.ensure_one()
        # Amazon's answer decides: done as the system, since Vendor Central users only read
        # the team's Amazon orders (sale_order_rule_acorn_user).
        sale = self.sale_order_id.sudo()
        if not sale or sale.state != "draft":
            return
        for sol in sale.order_line:
            accepted = sol.acorn_po_line_id.accepted_qty
            if accepted != sol.product_uom_qty:
                sol.product_uom_qty = accepted
        if not any(sale.order_line.mapped("product_uom_qty")):
            sale._action_cancel()
            self.message_post(body=self.env._("Every line was rejected: quotation cancelled."))
            return
        sale.order_line.filtered(lambda sol: not sol.product_uom_qty).unlink()
        sale.action_confirm()
        self.message_post(body=message % sale.name)

    @api.model
    def _acorn_unanswered(self, account, numbers):
        """POs among ``numbers`` Amazon shows as acknowledged, that Acorn never answered
        and whose lines carry no answer yet (acknowledged before Acorn saw them)."""
        return self.search(
            [
                ("account_id", "=", account.id),
                ("name", "in", list(numbers)),
                ("amz_state", "!=", "new"),
                ("transaction_ids", "=", False),
            ]
        ).filtered(
            lambda po: (
                not any(
                    po.line_ids.mapped(
                        lambda ln: ln.accepted_qty + ln.backordered_qty + ln.rejected_qty
                    )
                )
            )
        )

    def _acorn_apply_status(self, statuses):
        """Amazon's getPurchaseOrdersStatus ``statuses`` on these POs: the eaches it
        received per line, and the answers of POs acknowledged outside Acorn. Returns the
        run's counts (a PO is updated when one of its lines changed)."""
        by_number = {status.get("purchaseOrderNumber"): status for status in statuses}
        updated = self.browse()
        for po in self:
            status = by_number.get(po.name)
            received = po_import.received_quantities(status) if status else {}
            dates = po_import.receive_dates(status) if status else {}
            for line in po.line_ids:
                qty = received.get(line.sequence_number)
                when = dates.get(line.sequence_number)
                vals = {}
                if qty is not None and qty != line.received_qty:
                    vals["received_qty"] = qty
                    updated |= po
                if when and when != line.received_date:
                    vals["received_date"] = when
                if vals:  # one write per changed line, whatever changed
                    line.write(vals)
        unanswered = self._acorn_unanswered(self.account_id, self.mapped("name")) if self else self
        answers = {}
        for po in unanswered:
            # No answer yet (every line UNCONFIRMED): leave the quotation as it is.
            found = po_import.acknowledged_quantities(by_number.get(po.name) or {})
            if found:
                answers[po] = found
        unanswered._acorn_apply_amazon_acknowledgements(answers)
        answered = self.browse([po.id for po in answers])
        return {"updated": len(updated | answered)}

    def _acorn_apply_amazon_acknowledgements(self, answers_by_po):
        """POs Amazon already shows as acknowledged, answered before Acorn saw them (history,
        or in Vendor Central itself): take Amazon's accepted and rejected eaches per line
        (``answers_by_po``: {PO: {sequence: (accepted, rejected)}}, from
        getPurchaseOrdersStatus), then do with their quotations what the account says.

        A backfill brings thousands of such POs: the lines are updated in one query."""
        rows = []
        for po, answers in answers_by_po.items():
            for line in po.line_ids:
                accepted, rejected = answers.get(line.sequence_number, (0, 0))
                # Amazon's count includes backorders and never exceeds what it ordered; a
                # line it changed since is capped rather than refused.
                accepted = min(accepted, line.ordered_units)
                rejected = min(rejected, line.ordered_units - accepted)
                if (line.accepted_qty, line.rejected_qty) != (accepted, rejected):
                    rows.append((line.id, accepted, rejected))
        if rows:
            self.env["acorn.vc.purchase.order.line"].flush_model()
            execute_values(
                self.env.cr._obj,
                "UPDATE acorn_vc_purchase_order_line AS line"
                " SET accepted_qty = answer.accepted, rejected_qty = answer.rejected"
                " FROM (VALUES %s) AS answer (id, accepted, rejected) WHERE line.id = answer.id",
                rows,
            )
            self.env["acorn.vc.purchase.order.line"].invalidate_model(
                ["accepted_qty", "rejected_qty"]
            )
        for po in answers_by_po:
            po._acorn_handle_acknowledged_quotation()

    def _acorn_handle_acknowledged_quotation(self):
        self.ensure_one()
        policy = self.account_id.acknowledged_quotation_policy
        sale = self.sale_order_id.sudo()  # Amazon's answer decides (see above)
        if not sale or sale.state != "draft" or policy == "draft":
            return
        if policy == "cancel":
            sale._action_cancel()
            self.message_post(
                body=self.env._(
                    "Acknowledged at Amazon before Acorn saw it: quotation %s cancelled, as "
                    "the account asks.",
                    sale.name,
                )
            )
            return
        self._acorn_confirm_sale_order(
            self.env._("Acknowledged at Amazon before Acorn saw it: %s confirmed.")
        )

    @api.model
    def _cron_ack_deadline_alerts(self):
        """An activity (and its e-mail) for the responsible before Amazon's 24-hour deadline."""
        now = fields.Datetime.now()
        candidates = self.search(
            [
                ("amz_state", "=", "new"),
                ("ack_status", "in", ("to_do", "failed")),
                ("ack_alert_sent", "=", False),
                ("ack_deadline", "!=", False),
            ]
        )
        due = candidates.filtered(
            lambda po: po.ack_deadline - timedelta(hours=po.account_id.ack_alert_hours) <= now
        )
        for po in due:
            po.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=po.ack_deadline.date(),
                summary=self.env._("Acknowledge Amazon PO %s", po.name),
                note=self.env._(
                    "Amazon expects this PO acknowledged by %s (UTC).", po.ack_deadline
                ),
                user_id=po.account_id._acorn_responsible().id,
            )
        due.ack_alert_sent = True
        return len(due)

    # ------------------------------------------------------------------ sale orders

    def _acorn_sale_order_candidates(self):
        """Open, recent POs with every line mapped and no sale order yet (with the context
        key ``acorn_history_sale_order``, closed and old ones too: the demo ships history)."""
        today = fields.Datetime.now()
        if self.env.context.get("acorn_history_sale_order"):
            return self.filtered(lambda po: not po.sale_order_id and not po.unmatched_line_count)
        return self.filtered(
            lambda po: (
                not po.sale_order_id
                and po.amz_state != "closed"
                and not po.unmatched_line_count
                and any(line.ordered_units for line in po.line_ids)
                and po.po_date
                and po.po_date
                >= fields.Datetime.subtract(today, days=po.account_id.sale_order_cutoff_days)
            )
        )

    def _acorn_create_sale_orders(self):
        """One quotation per eligible PO, created in one batch; confirmed at acknowledgement."""
        candidates = self._acorn_sale_order_candidates()
        if not candidates:
            return self.env["sale.order"]
        vals_list = []
        for po in candidates:
            account = po.account_id
            customer = account._acorn_customer(po)
            po.partner_shipping_id = po._acorn_fulfilment_centre(customer)
            vals = {
                "partner_id": customer.id,
                "partner_invoice_id": customer.id,
                "partner_shipping_id": po.partner_shipping_id.id,
                "client_order_ref": po.name,
                "origin": self.env._("Amazon PO %s", po.name),
                "company_id": account.company_id.id,
                "acorn_purchase_order_id": po.id,
                "order_line": [
                    fields.Command.create(
                        {
                            "product_id": line.product_id.id,
                            "product_uom_qty": line.ordered_units,
                            "price_unit": line.net_cost,
                            "acorn_po_line_id": line.id,
                        }
                    )
                    for line in po.line_ids
                    if line.ordered_units
                ],
            }
            if account.warehouse_id:
                vals["warehouse_id"] = account.warehouse_id.id
            if account.pricelist_id:
                vals["pricelist_id"] = account.pricelist_id.id
            # The account's terms, not whatever the customer or the creating user implies.
            vals["user_id"] = account._acorn_responsible().id
            if account.fiscal_position_id:
                vals["fiscal_position_id"] = account.fiscal_position_id.id
            if account.payment_term_id:
                vals["payment_term_id"] = account.payment_term_id.id
            vals_list.append(vals)
        # Amazon's PO creates the order, whoever runs the sync: Vendor Central users only
        # read the team's Amazon orders (sale_order_rule_acorn_user).
        orders = (
            self.env["sale.order"]
            .sudo()
            .with_context(tracking_disable=True, mail_create_nolog=True)
            .create(vals_list)
        )
        for po, order in zip(candidates, orders, strict=True):
            po.sale_order_id = order
        return orders.with_env(self.env)

    def _acorn_fulfilment_centre(self, customer):
        """The FC as a delivery address under the Amazon customer, created on first sight
        (as superuser, like the customer itself)."""
        self.ensure_one()
        code = self.ship_to_code
        if not code:
            return customer
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        partner = Partner.search(
            [("amz_fc_code", "=", code), ("parent_id", "=", customer.id)], limit=1
        )
        if partner:
            return partner
        address = self._acorn_party_address("shipToParty")
        return Partner.create(
            {
                "name": self.env._("Amazon %s", code),
                "parent_id": customer.id,
                "type": "delivery",
                "amz_fc_code": code,
                **address,
            }
        )

    def _acorn_party_address(self, party_key):
        """Partner address values from the latest payload's party (Amazon sends them)."""
        self.ensure_one()
        payload = self.payload_ids[:1].content or {}
        party = (payload.get("orderDetails") or {}).get(party_key) or {}
        address = party.get("address") or {}
        country = (
            self.env["res.country"].search([("code", "=", address.get("countryCode"))], limit=1)
            if address.get("countryCode")
            else self.env["res.country"]
        )
        state = self.env["res.country.state"]
        if country and address.get("stateOrRegion"):
            state = state.search(
                [("country_id", "=", country.id), ("code", "=", address["stateOrRegion"])],
                limit=1,
            )
        return {
            "street": address.get("addressLine1") or False,
            "street2": address.get("addressLine2") or False,
            "city": address.get("city") or False,
            "zip": address.get("postalCode") or False,
            "country_id": country.id or False,
            "state_id": state.id or False,
            "phone": address.get("phone") or False,
        }

    def action_view_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
        }

    # Columns the bulk import writes itself; the ORM handles everything else (and updates).
    _HEADER_COLUMNS = (
        "name", "amz_state", "order_type", "po_date", "amz_changed_date",
        "amz_state_changed_date", "vendor_code", "buying_party_code", "ship_to_code",
        "bill_to_code", "ship_window_start", "ship_window_end", "delivery_window_start",
        "delivery_window_end", "payment_method", "deal_code", "incoterms",
        "import_method_of_payment", "port_of_delivery", "currency_code", "account_id",
        "company_id", "payload_hash", "line_count", "ordered_units", "amount_ordered",
        "unmatched_line_count", "ack_deadline", "ack_status", "ack_alert_sent", "create_uid",
        "write_uid", "create_date", "write_date",
    )  # fmt: skip
    _LINE_COLUMNS = (
        "order_id", "company_id", "sequence_number", "sequence_sort", "asin", "vendor_sku",
        "ean", "product_id", "ordered_qty", "ordered_unit", "unit_size", "ordered_units",
        "backorder_allowed", "net_cost", "list_price", "accepted_qty", "backordered_qty",
        "rejected_qty", "received_qty", "create_uid", "write_uid", "create_date", "write_date",
    )  # fmt: skip
    _PAYLOAD_COLUMNS = (
        "purchase_order_id", "account_id", "company_id", "reference", "content",
        "payload_hash", "create_uid", "write_uid", "create_date", "write_date",
    )  # fmt: skip

    @api.model
    def _acorn_bulk_create(self, account, items):
        """New POs of one batch by COPY: headers, lines and archived payloads, with ids
        drawn from the sequence in one query and products matched in memory first.

        ``items``: (header values, line values by sequence, canonical JSON, hash) per PO;
        the records come back in the same order.
        A backfill brings in hundreds of thousands of lines; ORM creation is an order of
        magnitude slower than PostgreSQL, and these rows need no ORM logic: every stored
        computed value (totals, deadline, sequence sort, company) is computed here, the
        same way the ``_compute_*`` methods do, and a test compares the two.
        """
        Line = self.env["acorn.vc.purchase.order.line"]
        find = Line._acorn_product_finder(
            [values for _header, lines, _payload, _digest in items for values in lines.values()]
        )
        company, match_order = account.company_id.id, account.product_match_order
        company_record = account.company_id
        uid, now = self.env.uid, fields.Datetime.now()
        deadline = timedelta(hours=ACK_DEADLINE_HOURS)
        cursor = self.env.cr._obj  # psycopg2's own cursor, for COPY
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('acorn_vc_purchase_order', 'id'))"
            " FROM generate_series(1, %s)",
            (len(items),),
        )
        ids = [row[0] for row in cursor.fetchall()]
        header_rows, payload_rows, matched = [], [], []
        for order_id, (header, lines, canonical, digest) in zip(ids, items, strict=True):
            products = [find(v, company_record, match_order) for v in lines.values()]
            matched.append(products)
            units = cost = unmatched = 0
            for v, product in zip(lines.values(), products, strict=True):
                ordered = v["ordered_units"]
                units += ordered
                cost += ordered * v["net_cost"]
                if not product and ordered:
                    unmatched += 1
            values = {
                **header,
                "account_id": account.id,
                "company_id": company,
                "payload_hash": digest,
                "line_count": len(lines),
                "ordered_units": units,
                "amount_ordered": round(cost, 2),
                "unmatched_line_count": unmatched,
                "ack_deadline": header["po_date"] + deadline if header["po_date"] else None,
                "ack_status": "to_do" if header["amz_state"] == "new" else "done",
                "ack_alert_sent": False,
                "create_uid": uid,
                "write_uid": uid,
                "create_date": now,
                "write_date": now,
            }
            # False is the ORM's "empty"; SQL wants NULL (but keeps 0 and the booleans).
            header_rows.append(
                (order_id,)
                + tuple(
                    None if values[c] is False and c not in _BOOLS else values[c]
                    for c in self._HEADER_COLUMNS
                )
            )
            payload_rows.append(
                (
                    order_id, account.id, company, header["name"], canonical,
                    digest, uid, uid, now, now,
                )
            )  # fmt: skip

        def line_rows():  # built while COPY streams them
            for order_id, item, products in zip(ids, items, matched, strict=True):
                lines = item[1]
                for v, product in zip(lines.values(), products, strict=True):
                    sequence = v["sequence_number"]
                    yield (
                        order_id, company, sequence, int(sequence) if sequence.isdigit() else 0,
                        v["asin"] or None, v["vendor_sku"] or None, v["ean"] or None,
                        product.id if product else None, v["ordered_qty"], v["ordered_unit"],
                        v["unit_size"], v["ordered_units"], v["backorder_allowed"], v["net_cost"],
                        v["list_price"], 0, 0, 0, 0, uid, uid, now, now,
                    )  # fmt: skip

        _copy_rows(cursor, "acorn_vc_purchase_order", ("id", *self._HEADER_COLUMNS), header_rows)
        _copy_rows(cursor, "acorn_vc_payload", self._PAYLOAD_COLUMNS, payload_rows)
        _copy_rows(cursor, "acorn_vc_purchase_order_line", self._LINE_COLUMNS, line_rows())
        self.invalidate_model()
        Line.invalidate_model()
        self.env["acorn.vc.payload"].invalidate_model()
        return self.browse(ids)

    def _acorn_record_failure(self, account, number, payload, digest, exc, existing):
        """Keep the payload and a readable error; the PO shows it, the batch goes on."""
        message = f"PO {number}: {exc}" if number not in str(exc) else str(exc)
        _logger.warning("Vendor Central account %s: cannot import %s", account.id, message)
        self.env["acorn.vc.payload"].sudo().create(
            {
                "account_id": account.id,
                "purchase_order_id": existing[number].id if number in existing else False,
                "reference": number,
                "content": payload,
                "payload_hash": digest,
                "error": message,
            }
        )
        if number in existing:
            existing[number].sync_error = message

    def _acorn_apply_version(self, header, lines, payload, digest):
        """A new version from Amazon: update what changed and say so in the chatter."""
        self.ensure_one()
        old_header = {key: self[key] for key in header}
        header_changes = po_import.changes(old_header, header)
        by_sequence = {line.sequence_number: line for line in self.line_ids}
        line_messages, commands = [], []
        for sequence, vals in lines.items():
            line = by_sequence.pop(sequence, None)
            if line is None:
                commands.append(fields.Command.create(vals))
                line_messages.append(self.env._("Line %(seq)s added", seq=sequence))
                continue
            diff = po_import.changes({k: line[k] for k in vals}, vals)
            if diff:
                commands.append(fields.Command.update(line.id, {k: v[1] for k, v in diff.items()}))
                line_messages.extend(
                    self.env._(
                        "Line %(seq)s: %(field)s %(old)s → %(new)s",
                        seq=sequence,
                        field=line._fields[k].string,
                        old=_display(line, k, old),
                        new=_display(line, k, new),
                    )
                    for k, (old, new) in diff.items()
                )
        for sequence, line in by_sequence.items():
            if line.ordered_qty:
                commands.append(
                    fields.Command.update(line.id, {"ordered_qty": 0, "ordered_units": 0})
                )
                line_messages.append(self.env._("Line %(seq)s removed by Amazon", seq=sequence))
        vals = {k: v[1] for k, v in header_changes.items()}
        vals.update({"payload_hash": digest, "sync_error": False})
        if commands:
            vals["line_ids"] = commands
        self.write(vals)
        self.env["acorn.vc.payload"].sudo().create(
            {"purchase_order_id": self.id, "content": payload, "payload_hash": digest}
        )
        summary = [
            self.env._(
                "%(field)s: %(old)s → %(new)s",
                field=self._fields[k].string,
                old=_display(self, k, o),
                new=_display(self, k, n),
            )
            for k, (o, n) in header_changes.items()
        ] + line_messages
        if summary:
            items = Markup("").join(Markup("<li>%s</li>") % escape(line) for line in summary)
            self.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (self.env._("Amazon changed this purchase order:"), items)
            )
            self.line_ids._acorn_match_products()
            self._acorn_propagate_to_sale_order(summary)

    def _acorn_propagate_to_sale_order(self, summary):
        """Amazon's change reaches the sale order while nothing has shipped; after that a
        person decides (an activity), since goods may already be on the road."""
        self.ensure_one()
        sale = self.sale_order_id.sudo()  # Amazon's change decides, as in the acknowledgement
        if not sale or sale.state == "cancel":
            if not sale:
                self._acorn_create_sale_orders()
            return
        shipped = sale.picking_ids.filtered(lambda p: p.state == "done")
        if shipped:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Amazon changed PO %s after it shipped", self.name),
                note=Markup("<ul>%s</ul>")
                % Markup("").join(Markup("<li>%s</li>") % escape(line) for line in summary),
                user_id=self.account_id._acorn_responsible().id,
            )
            return
        if self.amz_state == "closed" and self.ack_status != "done":
            sale._action_cancel()
            return
        confirmed = sale.state == "sale"
        for sol in sale.order_line.filtered("acorn_po_line_id"):
            line = sol.acorn_po_line_id
            wanted = min(line.accepted_qty, line.ordered_units) if confirmed else line.ordered_units
            if sol.product_uom_qty != wanted:
                sol.product_uom_qty = wanted
        new_lines = self.line_ids.filtered(
            lambda ln: (
                ln.product_id
                and ln.ordered_units
                and ln not in sale.order_line.acorn_po_line_id
                and not confirmed
            )
        )
        if new_lines:
            sale.order_line = [
                fields.Command.create(
                    {
                        "product_id": ln.product_id.id,
                        "product_uom_qty": ln.ordered_units,
                        "price_unit": ln.net_cost,
                        "acorn_po_line_id": ln.id,
                    }
                )
                for ln in new_lines
            ]
