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


# The Many2one columns that have no per-row foreign key (see AcornVcReportLine).
ROW_REFERENCES = ("account_id", "document_id", "product_id", "create_uid", "write_uid")
# What a deleted record does to the rows: (its table, the function, the function's column).
ON_DELETE = (
    ("acorn_vc_report_document", "acorn_vc_report_rows_delete", "document_id"),
    ("product_product", "acorn_vc_report_rows_unlink", "product_id"),
    ("res_users", "acorn_vc_report_rows_unlink", "create_uid"),
    ("res_users", "acorn_vc_report_rows_unlink", "write_uid"),
)
# ON DELETE CASCADE and SET NULL for many rows at once: one statement per deleting statement.
CASCADE_FUNCTIONS = """
CREATE OR REPLACE FUNCTION acorn_vc_report_rows_delete() RETURNS trigger AS $$
BEGIN
    EXECUTE format('DELETE FROM %I WHERE %I IN (SELECT id FROM gone)', TG_ARGV[0], TG_ARGV[1]);
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION acorn_vc_report_rows_unlink() RETURNS trigger AS $$
BEGIN
    EXECUTE format('UPDATE %I SET %I = NULL WHERE %I IN (SELECT id FROM gone)',
                   TG_ARGV[0], TG_ARGV[1], TG_ARGV[1]);
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


class AcornVcReportLine(models.AbstractModel):
    _name = "acorn.vc.report.line"
    _description = "Vendor Central Report Row"
    _order = "period_start desc, asin"

    # What the loader needs to know about a concrete model.
    _acorn_report_type = None  # e.g. GET_VENDOR_SALES_REPORT
    _acorn_fields = {}  # Amazon's field name -> column name (the key columns are added)
    _acorn_replace_by = "period_start"  # the column whose range a new document replaces

    # Lean rows for the bulk load: the company is read through the account; the loader fills
    # create/write user and date itself (one value per document; the ORM never writes these
    # rows, so ``_log_access`` is off). Few indexes; ``init`` adds the one the replace (and
    # most reads) need.
    # No per-row foreign keys either: PostgreSQL checks each one row by row, with a query per
    # row and key (three quarters of a COPY's time, bench/RESULTS.md). The same integrity is
    # kept per document instead: the loader locks the account, the document and the linked
    # products once (FOR KEY SHARE, what each per-row check takes), and statement-level
    # triggers made by ``init`` do what ON DELETE did: a deleted document (or account, whose
    # documents cascade) takes its rows along, a deleted product leaves its rows unlinked.
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

    def _auto_init(self):
        result = super()._auto_init()
        if not self._abstract:  # queued after the Many2one fields' own foreign key requests
            self.pool.post_init(self._acorn_without_foreign_keys)
        return result

    def _acorn_without_foreign_keys(self):
        """Withdraw the per-row foreign keys Odoo would add for the Many2one fields, drop
        those earlier versions made, and add the triggers that replace their ON DELETE (see
        the class comment). Run after every model's table exists (the document's too)."""
        for name in ROW_REFERENCES:
            self.pool._foreign_keys.pop((self._table, name), None)
        cr = self.env.cr
        for name in ROW_REFERENCES:  # made by earlier versions
            cr.execute(
                SQL(
                    "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s",
                    SQL.identifier(self._table),
                    SQL.identifier(f"{self._table}_{name}_fkey"),
                )
            )
        cr.execute(CASCADE_FUNCTIONS)
        for parent, function, column in ON_DELETE:
            trigger = SQL.identifier(f"{self._table}_{column}_gone")
            cr.execute(SQL("DROP TRIGGER IF EXISTS %s ON %s", trigger, SQL.identifier(parent)))
            cr.execute(
                SQL(
                    """CREATE TRIGGER %s AFTER DELETE ON %s REFERENCING OLD TABLE AS gone
                       FOR EACH STATEMENT EXECUTE FUNCTION %s(%s, %s)""",
                    trigger,
                    SQL.identifier(parent),
                    SQL.identifier(function),
                    SQL.identifier(self._table),  # the arguments: table and column names
                    SQL.identifier(column),
                )
            )

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
