"""What Amazon took off a payment, one record per deduction line: the base for disputes."""

from odoo import api, fields, models

from ..core.deductions.deadlines import DEFAULT_RULES, dispute_window, window_state
from ..core.remittance.line_kinds import DOCUMENT_KINDS
from .acorn_vc_remittance import KIND_SELECTION


class AcornVcDeduction(models.Model):
    """A shortage claim, price claim, chargeback, co-op, provision (or a reversal of one),
    traced where possible to the vendor invoice, sale order, Amazon PO and shipments."""

    _name = "acorn.vc.deduction"
    _description = "Amazon Deduction"
    _order = "date desc, id desc"
    _check_company_auto = True

    line_id = fields.Many2one(
        "acorn.vc.remittance.line", "Remittance Line", required=True, ondelete="cascade"
    )
    remittance_id = fields.Many2one(related="line_id.remittance_id", store=True, index=True)
    account_id = fields.Many2one(related="line_id.account_id", store=True, index=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True)
    currency_id = fields.Many2one(related="line_id.currency_id", store=True)
    date = fields.Date(related="line_id.payment_date", store=True)
    name = fields.Char(related="line_id.invoice_number", store=True, string="Amazon Number")
    description = fields.Char(related="line_id.description")
    kind = fields.Selection(KIND_SELECTION, required=True, readonly=True, index=True)
    amount = fields.Monetary(readonly=True, help="Negative: taken off; positive: given back.")
    base_invoice_number = fields.Char(readonly=True, index=True)
    reversal_key = fields.Char(readonly=True, index=True)
    invoice_id = fields.Many2one("account.move", "Base Invoice", readonly=True)
    sale_order_id = fields.Many2one("sale.order", readonly=True)
    purchase_order_id = fields.Many2one("acorn.vc.purchase.order", "Amazon PO", readonly=True)
    picking_ids = fields.Many2many("stock.picking", string="Shipments (ASN)", readonly=True)
    move_line_id = fields.Many2one(related="line_id.move_line_id", store=True)
    ledger_account_id = fields.Many2one(
        related="move_line_id.account_id", string="Booked To", store=True
    )
    reconciled = fields.Boolean(related="move_line_id.reconciled")

    @api.model
    def _acorn_create_for(self, lines):
        """A deduction per deduction line, traced in bulk: base invoice -> invoice -> sale
        order -> Amazon PO and its delivery (the ASN)."""
        lines = lines.filtered(lambda ln: ln.kind not in DOCUMENT_KINDS and ln.kind != "other")
        if not lines:
            return self
        by_number = {}
        Remittance = self.env["acorn.vc.remittance"]
        for account in lines.account_id:
            mine = lines.filtered(lambda ln, a=account: ln.account_id == a)
            invoices = self.env["account.move"].search(
                [
                    (
                        "amz_invoice_number",
                        "in",
                        list(set(filter(None, mine.mapped("base_invoice_number")))),
                    ),
                    ("move_type", "=", "out_invoice"),
                    *Remittance._acorn_invoice_domain(account),
                ]
            )
            by_number.update({(account.id, m.amz_invoice_number): m for m in invoices})
        values = []
        for line in lines:
            invoice = by_number.get((line.account_id.id, line.base_invoice_number))
            sale = invoice.invoice_line_ids.sale_line_ids.order_id[:1] if invoice else None
            values.append(
                {
                    "line_id": line.id,
                    "kind": line.kind,
                    "amount": line.settled,
                    "base_invoice_number": line.base_invoice_number or False,
                    "reversal_key": line.reversal_key or False,
                    "invoice_id": invoice.id if invoice else False,
                    "sale_order_id": sale.id if sale else False,
                    "purchase_order_id": sale.acorn_purchase_order_id.id if sale else False,
                    "picking_ids": [fields.Command.set(sale.picking_ids.ids if sale else [])],
                }
            )
        return self.create(values)

    def _acorn_reconcile_reversals(self):
        """Reconcile each booked deduction with its original or reversal on a reconcilable
        account: a provision and its reversal of the same amount net to zero; what is left
        under the key (a reversal whose claim Amazon hid, several claims reversed at once)
        is reconciled partially."""
        keyed = self.filtered(
            lambda d: d.reversal_key and d.move_line_id and d.move_line_id.account_id.reconcile
        )
        for account, key in {(d.account_id, d.reversal_key) for d in keyed}:
            peers = self.search(
                [("account_id", "=", account.id), ("reversal_key", "=", key)]
            ).move_line_id.filtered(lambda ln: not ln.reconciled and ln.parent_state == "posted")
            for ledger in peers.account_id:
                items = peers.filtered(lambda ln, a=ledger: ln.account_id == a)
                for debit in items.filtered(lambda ln: ln.balance > 0):
                    twin = items.filtered(
                        lambda ln, d=debit: (
                            ln.balance < 0
                            and not ln.reconciled
                            and d.company_currency_id.is_zero(ln.balance + d.balance)
                        )
                    )[:1]
                    if twin:
                        (debit | twin).reconcile()
                rest = items.filtered(lambda ln: not ln.reconciled)
                if rest.filtered(lambda ln: ln.balance > 0) and rest.filtered(
                    lambda ln: ln.balance < 0
                ):
                    rest.reconcile()

    # ------------------------------------------------------------------ disputes (issue 14)
    # Kept together at the end of the class: the dispute workbench (acorn.vc.dispute).

    dispute_id = fields.Many2one(
        "acorn.vc.dispute", readonly=True, index="btree_not_null", ondelete="set null", copy=False
    )
    dispute_state = fields.Selection(related="dispute_id.state", string="Dispute State")
    recovery_dispute_id = fields.Many2one(
        "acorn.vc.dispute",
        "Recovers",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        help="The dispute this reversal pays back.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        deductions = super().create(vals_list)
        deductions._acorn_match_recoveries()
        return deductions

    def _acorn_match_recoveries(self):
        """A reversal matched to the open dispute of its claim (same account and reversal
        key, else the same base invoice): the dispute becomes Won or Partly won."""
        reversals = self.filtered(lambda d: d.kind == "shortage_claim_reversal" and d.amount > 0)
        if not reversals:
            return
        disputed = self.search(
            [
                ("account_id", "in", reversals.account_id.ids),
                ("dispute_id", "!=", False),
                ("dispute_id.state", "not in", ("settled", "written_off")),
                "|",
                ("reversal_key", "in", [k for k in reversals.mapped("reversal_key") if k]),
                (
                    "base_invoice_number",
                    "in",
                    [n for n in reversals.mapped("base_invoice_number") if n],
                ),
            ]
        )
        for reversal in reversals:
            claims = disputed.filtered(
                lambda d, r=reversal: (
                    d.account_id == r.account_id
                    and (
                        (r.reversal_key and d.reversal_key == r.reversal_key)
                        or (
                            r.base_invoice_number and d.base_invoice_number == r.base_invoice_number
                        )
                    )
                )
            )
            if claims:
                claims.dispute_id[:1]._acorn_recovered(reversal)

    def _acorn_dispute_window_state(self, today, disputes_filed=0, answered_on=None):
        """(state, window) of the next dispute of this deduction (core/deductions/deadlines):
        shortages and price claims count from the invoice's due date, chargebacks and co-op
        from the day Amazon raised them."""
        self.ensure_one()
        due = self.invoice_id.invoice_date_due or self.date
        notice = self.line_id.invoice_date or self.date
        window = dispute_window(self.kind, due_date=due, notice_date=notice, rules=DEFAULT_RULES)
        if window is None:
            return "expired", None
        return (
            window_state(window, today, disputes_filed, answered_on=answered_on),
            window,
        )

    def _acorn_window_refusal(self, state, window, again=False):
        """Why the deduction cannot be disputed (again) today, in words."""
        if window is None:
            return self.env._(
                "%(name)s (%(kind)s) is not disputed with Amazon.", name=self.name, kind=self.kind
            )
        if state == "not_open":
            return self.env._(
                "%(name)s: its dispute window opens on %(day)s (Amazon still matches receipts).",
                name=self.name,
                day=window.opens,
            )
        return self.env._(
            "%(name)s: its dispute window closed on %(day)s%(again)s.",
            name=self.name,
            day=window.closes,
            again=self.env._(" or every allowed dispute was filed") if again else "",
        )

    def _acorn_write_off_account(self):
        """Where a lost deduction goes: the account's write-off setting, else by kind (co-op
        and price protection reduce revenue; the rest is an expense)."""
        self.ensure_one()
        account = self.account_id.sudo().dispute_writeoff_account_id
        if account:
            return account
        role = "contra_revenue" if self.kind in ("coop", "price_protection") else "written_off"
        return self.env["acorn.vc.remittance"]._acorn_default_account(self.company_id, role)

    def action_acorn_dispute(self):
        """Dispute the selected deductions (list action): one draft dispute, opened."""
        dispute = self.env["acorn.vc.dispute"]._acorn_create_for(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "acorn.vc.dispute",
            "res_id": dispute.id,
            "view_mode": "form",
        }
