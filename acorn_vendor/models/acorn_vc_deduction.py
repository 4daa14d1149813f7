"""What Amazon took off a payment, one record per deduction line: the base for disputes."""

from odoo import api, fields, models

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
        """A deduction per deduction line, traced in bulk: base invoice (by its Amazon number,
        else the number a user mapped in To Review) -> invoice -> sale order -> Amazon PO and
        its delivery (the ASN). Lines that have their deduction already get its traces
        refreshed (their base invoice was matched since)."""
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
            mappings = self.env["acorn.vc.remittance.mapping"].search(
                [
                    ("account_id", "=", account.id),
                    ("invoice_number", "in", mine.mapped("base_invoice_number")),
                ]
            )
            for mapping in mappings:
                by_number.setdefault((account.id, mapping.invoice_number), mapping.move_id)
        existing = {d.line_id.id: d for d in self.search([("line_id", "in", lines.ids)])}
        values = []
        for line in lines:
            invoice = by_number.get((line.account_id.id, line.base_invoice_number))
            sale = invoice.invoice_line_ids.sale_line_ids.order_id[:1] if invoice else None
            traces = {
                "invoice_id": invoice.id if invoice else False,
                "sale_order_id": sale.id if sale else False,
                "purchase_order_id": sale.acorn_purchase_order_id.id if sale else False,
                "picking_ids": [fields.Command.set(sale.picking_ids.ids if sale else [])],
            }
            if line.id in existing:
                existing[line.id].write(traces)
                continue
            values.append(
                {
                    "line_id": line.id,
                    "kind": line.kind,
                    "amount": line.settled,
                    "base_invoice_number": line.base_invoice_number or False,
                    "reversal_key": line.reversal_key or False,
                    **traces,
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
        grouped = {}
        for deduction in self.search(
            [
                ("account_id", "in", keyed.account_id.ids),
                ("reversal_key", "in", list(set(keyed.mapped("reversal_key")))),
            ]
        ):  # one search for every key, not one per key
            grouped.setdefault((deduction.account_id, deduction.reversal_key), self.browse())
            grouped[(deduction.account_id, deduction.reversal_key)] |= deduction
        for account, key in {(d.account_id, d.reversal_key) for d in keyed}:
            peers = grouped[(account, key)].move_line_id.filtered(
                lambda ln: not ln.reconciled and ln.parent_state == "posted"
            )
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
