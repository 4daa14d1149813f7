"""What every stored report row shares: its account, document, program, view, period, ASIN.

The rows are written by the bulk loader (``report_loader``), never by the ORM, so these
models are read-only in the interface; a null from Amazon stays NULL (never 0).
"""

from odoo import fields, models
from odoo.tools import SQL

SELLING_PROGRAMS = [("RETAIL", "Retail"), ("BUSINESS", "Business"), ("FRESH", "Fresh")]
DISTRIBUTOR_VIEWS = [("MANUFACTURING", "Manufacturing"), ("SOURCING", "Sourcing")]
REPORT_PERIODS = [
    ("DAY", "Day"),
    ("WEEK", "Week"),
    ("MONTH", "Month"),
    ("QUARTER", "Quarter"),
    ("YEAR", "Year"),
]


class AcornVcReportLine(models.AbstractModel):
    _name = "acorn.vc.report.line"
    _description = "Vendor Central Report Row"
    _order = "period_start desc, asin"

    # What the loader needs to know about a concrete model.
    _acorn_report_type = None  # e.g. GET_VENDOR_SALES_REPORT
    _acorn_fields = {}  # Amazon's field name -> column name (the key columns are added)
    _acorn_replace_by = "period_start"  # the column whose range a new document replaces

    # Lean rows for the bulk load: PostgreSQL checks every foreign key row by row (about 70%
    # of the COPY with the six Many2one columns Odoo used to put here), so the rows carry no
    # create/write user and date (``_log_access``: the document says who loaded them and
    # when) and take their company from the account. Few indexes, for the same reason;
    # ``init`` adds the one the replace (and most reads) need.
    _log_access = False

    account_id = fields.Many2one("acorn.vc.account", required=True, readonly=True)
    company_id = fields.Many2one(related="account_id.company_id", readonly=True)
    document_id = fields.Many2one(
        "acorn.vc.report.document", required=True, index=True, ondelete="cascade", readonly=True
    )
    selling_program = fields.Selection(SELLING_PROGRAMS, readonly=True)
    distributor_view = fields.Selection(DISTRIBUTOR_VIEWS, readonly=True)
    report_period = fields.Selection(REPORT_PERIODS, readonly=True)
    period_start = fields.Date(readonly=True)
    period_end = fields.Date(readonly=True)
    asin = fields.Char("ASIN", readonly=True)
    is_aggregate = fields.Boolean(
        readonly=True, help="Amazon's total over all ASINs for the period (no ASIN)."
    )
    product_id = fields.Many2one("product.product", readonly=True)

    def init(self):
        if self._abstract:
            return
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON %s (account_id, report_period, %s)",
                SQL.identifier(f"{self._table}_replace_key_index"),
                SQL.identifier(self._table),
                SQL.identifier(self._acorn_replace_by),
            )
        )
