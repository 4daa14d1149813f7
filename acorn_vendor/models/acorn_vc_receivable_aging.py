"""Amazon's unpaid invoices and credit notes by age bucket and Vendor Central account.

A read-only SQL view over posted customer invoices, so Odoo's own pivot and list views give
the aging (rows: account, columns: bucket) and drill down to each invoice. An invoice
entered by hand to an account's Amazon customer counts for that account. Buckets are
counted from the due date to today; Community has no aged-receivables report to reuse.
"""

from odoo import fields, models, tools

AGE_BUCKETS = [
    ("current", "Not Due"),
    ("1_30", "1-30 Days"),
    ("31_60", "31-60 Days"),
    ("61_90", "61-90 Days"),
    ("over_90", "Over 90 Days"),
]


class AcornVcReceivableAging(models.Model):
    """One open Amazon invoice or credit note, its residual and how late it is."""

    _name = "acorn.vc.receivable.aging"
    _description = "Amazon Receivables Aging"
    _auto = False
    # Searching the view flushes these first (amounts Odoo recomputes lazily).
    _depends = {
        "account.move": [
            "acorn_account_id",
            "amount_residual",
            "amount_residual_signed",
            "commercial_partner_id",
            "company_id",
            "date",
            "invoice_date",
            "invoice_date_due",
            "move_type",
            "state",
            "amz_invoice_number",
        ],
        "acorn.vc.account": ["partner_id", "company_id"],
    }
    _order = "days_overdue desc, move_id"

    move_id = fields.Many2one("account.move", "Invoice", readonly=True)
    account_id = fields.Many2one("acorn.vc.account", "Vendor Central Account", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    currency_id = fields.Many2one("res.currency", "Company Currency", readonly=True)
    move_type = fields.Selection(
        [("out_invoice", "Invoice"), ("out_refund", "Credit Note")], readonly=True
    )
    amz_invoice_number = fields.Char("Amazon Invoice Number", readonly=True)
    invoice_date = fields.Date(readonly=True)
    invoice_date_due = fields.Date("Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    age_bucket = fields.Selection(AGE_BUCKETS, "Age", readonly=True)
    amount_residual = fields.Monetary("Open Amount", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                SELECT DISTINCT ON (move.id)
                       move.id AS id,
                       move.id AS move_id,
                       COALESCE(move.acorn_account_id, vc.id) AS account_id,
                       move.company_id,
                       move.commercial_partner_id AS partner_id,
                       company.currency_id,
                       move.move_type,
                       move.amz_invoice_number,
                       move.invoice_date,
                       move.invoice_date_due,
                       GREATEST(CURRENT_DATE - COALESCE(move.invoice_date_due, move.date), 0)
                           AS days_overdue,
                       CASE
                           WHEN CURRENT_DATE <= COALESCE(move.invoice_date_due, move.date)
                               THEN 'current'
                           WHEN CURRENT_DATE - COALESCE(move.invoice_date_due, move.date) <= 30
                               THEN '1_30'
                           WHEN CURRENT_DATE - COALESCE(move.invoice_date_due, move.date) <= 60
                               THEN '31_60'
                           WHEN CURRENT_DATE - COALESCE(move.invoice_date_due, move.date) <= 90
                               THEN '61_90'
                           ELSE 'over_90'
                       END AS age_bucket,
                       move.amount_residual_signed AS amount_residual
                  FROM account_move move
                  JOIN res_company company ON company.id = move.company_id
                  -- Invoices entered by hand to an account's Amazon customer count too.
                  LEFT JOIN acorn_vc_account vc
                         ON move.acorn_account_id IS NULL
                        AND vc.partner_id = move.commercial_partner_id
                        AND vc.company_id = move.company_id
                 WHERE move.state = 'posted'
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND COALESCE(move.acorn_account_id, vc.id) IS NOT NULL
                   AND move.amount_residual != 0
                 ORDER BY move.id, vc.id
            )
            """
        )

    def action_open_invoice(self):
        self.ensure_one()
        return self.move_id._get_records_action()
