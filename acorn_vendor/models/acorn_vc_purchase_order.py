import logging

from markupsafe import Markup, escape

from odoo import api, fields, models

from ..core import domain, po_import

_logger = logging.getLogger(__name__)

ACK_DEADLINE_HOURS = 24


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
        [("new", "New"), ("acknowledged", "Acknowledged"), ("closed", "Closed")],
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
    amount_ordered = fields.Float(compute="_compute_totals", store=True, digits="Product Price")
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
        to_create, payloads_to_create = [], []
        for payload in payloads:
            digest = po_import.fingerprint(payload)
            number = payload.get("purchaseOrderNumber") or "?"
            try:
                po = domain.purchase_order_from_spapi(payload)
                header = po_import.order_values(po)
                lines = po_import.line_values(po)
            except (KeyError, TypeError, ValueError) as exc:
                counts["failed"] += 1
                self._acorn_record_failure(account, number, payload, digest, exc, existing)
                continue
            record = existing.get(po.number)
            if record is None:
                to_create.append(
                    {
                        **header,
                        "account_id": account.id,
                        "payload_hash": digest,
                        "line_ids": [fields.Command.create(v) for v in lines.values()],
                    }
                )
                payloads_to_create.append((payload, digest))
                counts["created"] += 1
            elif record.payload_hash == digest:
                counts["unchanged"] += 1
            else:
                record._acorn_apply_version(header, lines, payload, digest)
                counts["updated"] += 1
        if to_create:
            created = self.with_context(tracking_disable=True, mail_create_nolog=True).create(
                to_create
            )
            self.env["acorn.vc.payload"].create(
                [
                    {"purchase_order_id": rec.id, "content": payload, "payload_hash": digest}
                    for rec, (payload, digest) in zip(created, payloads_to_create, strict=True)
                ]
            )
            created.line_ids._acorn_match_products()
            created._acorn_create_sale_orders()
        return counts

    # ------------------------------------------------------------------ sale orders

    def _acorn_sale_order_candidates(self):
        """Open, recent POs with every line mapped and no sale order yet."""
        today = fields.Datetime.now()
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
            vals_list.append(vals)
        orders = (
            self.env["sale.order"]
            .with_context(tracking_disable=True, mail_create_nolog=True)
            .create(vals_list)
        )
        for po, order in zip(candidates, orders, strict=True):
            po.sale_order_id = order
        return orders

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

    def _acorn_record_failure(self, account, number, payload, digest, exc, existing):
        """Keep the payload and a readable error; the PO shows it, the batch goes on."""
        message = f"PO {number}: {exc}" if number not in str(exc) else str(exc)
        _logger.warning("Vendor Central account %s: cannot import %s", account.id, message)
        self.env["acorn.vc.payload"].create(
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
        self.env["acorn.vc.payload"].create(
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
