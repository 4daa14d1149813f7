"""Bulk load of a report document's rows into its storage table with PostgreSQL COPY.

Why not the ORM: two years of DAY sales, inventory and traffic for 5,000 ASINs are about 11
million rows; ``create(vals_list)`` builds a record, runs defaults and computes and sends
batched INSERTs, tens of times slower than COPY (bench/bench_reports.py measures both). The
rows have no computed fields, constraints or tracking, so nothing the ORM would do is
skipped; the loader fills the create/write user and date as the ORM would. The reader's
checked columns are turned into COPY text by the core (``copy_text``), streamed a chunk at a
time so PostgreSQL parses one chunk while Python builds the next. Products are linked by
ASIN with one query for the document. After COPY the model's cache is invalidated so later
reads see the new rows.

Re-import replaces, never duplicates: the rows of the same account, selling program,
distributor view and report period inside the range the document's rows cover are deleted
first, in the same transaction as the COPY (the job's), so a failure leaves the old rows in
place and a document is loaded whole or not at all.
"""

from psycopg2 import sql

from odoo.tools import SQL

from ..core.reports.copy_text import (
    DATE,
    DATETIME,
    NULL,
    TEXT,
    CopyStream,
    escape,
    section_columns,
    section_count,
)
from ..core.reports.report_types import REPORT_TYPES

KEY_FIELDS = ("selling_program", "distributor_view", "report_period")
STAMPS = ["create_uid", "create_date", "write_uid", "write_date"]
OPTION_NAMES = {
    "selling_program": "sellingProgram",
    "distributor_view": "distributorView",
    "report_period": "reportPeriod",
}
_TARGETS = {"date": DATE, "datetime": DATETIME}


def _layout(model, section):
    """(table columns, [(source, target)]) of one section, in COPY order."""
    columns = ["period_start", "period_end"]
    wanted = [("period_start", DATE), ("period_end", DATE)]
    if section == "rows":
        columns.append("asin")
        wanted.append(("asin", TEXT))
    if "start_time" in model._fields:  # real-time reports: the hour, not only its day
        columns += ["start_time", "end_time"]
        wanted += [("period_start", DATETIME), ("period_end", DATETIME)]
    for amazon, column in model._acorn_fields.items():
        columns.append(column)
        wanted.append((amazon, _TARGETS.get(model._fields[column].type, TEXT)))
    return columns, wanted


def _product_ids(env, company, asins):
    """ASIN -> product id (as COPY text) of the account's company, in one query that also
    locks them as a foreign key check would (the rows have none, see acorn.vc.report.line)."""
    env.cr.execute(
        SQL(
            """SELECT p.amz_asin, p.id
                 FROM product_product p
                 JOIN product_template t ON t.id = p.product_tmpl_id
                WHERE p.amz_asin = ANY(%s) AND (t.company_id IS NULL OR t.company_id = %s)
                ORDER BY p.active, p.id DESC
                  FOR KEY SHARE OF p""",
            list(asins),
            company.id,
        )
    )
    return {asin: str(product) for asin, product in env.cr.fetchall()}  # active, oldest wins


def _replace(model, document, doc, sections):
    """Delete what the document replaces: the promotions or coupons it holds, or the rows of
    its key inside the days (hours for real-time reports) its rows cover."""
    cr = model.env.cr
    ids_column = getattr(model, "_acorn_replace_ids", None)
    if ids_column:
        amazon = next(a for a, c in model._acorn_fields.items() if c == ids_column)
        ids = {v for part in doc.columns.values() for v in part.get(amazon, ()) if v is not None}
        cr.execute(
            SQL(
                "DELETE FROM %s WHERE account_id = %s AND %s = ANY(%s)",
                SQL.identifier(model._table),
                document.account_id.id,
                SQL.identifier(ids_column),
                sorted(ids),
            )
        )
        return None
    column = model._acorn_replace_by
    values = {value for columns, texts in sections for value in texts[columns.index(column)] or ()}
    values.discard(NULL)
    if column == "period_start" and document.period_start:  # the window asked, at least
        values.update((str(document.period_start), str(document.period_end)))
    if not values:
        return None
    low, high = min(values), max(values)  # ISO text sorts as time does
    cr.execute(
        SQL(
            """DELETE FROM %s
                WHERE account_id = %s
                  AND selling_program IS NOT DISTINCT FROM %s
                  AND distributor_view IS NOT DISTINCT FROM %s
                  AND report_period IS NOT DISTINCT FROM %s
                  AND %s BETWEEN %s AND %s""",
            SQL.identifier(model._table),
            document.account_id.id,
            *(_key(document, doc, name) for name in KEY_FIELDS),
            SQL.identifier(column),
            low,
            high,
        )
    )
    return low[:10], high[:10]


def _key(document, doc, name):
    return doc.options.get(OPTION_NAMES[name]) or document[name] or None


def load_rows(model, document, doc):
    """Replace the document's range with its rows (``doc``: the core's ReportDocument) by
    COPY; returns (rows copied, (first day, last day) replaced or None)."""
    env = model.env
    env.flush_all()  # the document row must exist before rows point at it
    sections = []
    rtype = REPORT_TYPES[model._acorn_report_type]
    for section in ("rows", "aggregate") if rtype.aggregate else ("rows",):
        columns, wanted = _layout(model, section)
        if section_count(doc, section):
            sections.append((columns, section_columns(doc, section, wanted)))
    days = _replace(model, document, doc, sections)
    account = document.account_id
    # What the per-row foreign key checks did, once: the account, the document and the user
    # cannot be deleted until this transaction ends (_product_ids locks the products).
    env.cr.execute(
        """SELECT now() AT TIME ZONE 'UTC'
             FROM acorn_vc_account a, acorn_vc_report_document d, res_users u
            WHERE a.id = %s AND d.id = %s AND u.id = %s
              FOR KEY SHARE""",
        [account.id, document.id, env.uid],
    )
    now = str(env.cr.fetchone()[0])
    stamps = [str(env.uid), now, str(env.uid), now]  # who loaded the rows, and when
    asins = {a for columns, texts in sections if "asin" in columns for a in texts[2] or ()}
    asins.discard(NULL)
    products = _product_ids(env, account.company_id, asins) if asins else {}
    count = 0
    for columns, texts in sections:
        aggregate = "asin" not in columns
        linked = None if aggregate or not texts[2] else [products.get(a, NULL) for a in texts[2]]
        constants = [
            *(escape(_key(document, doc, name)) for name in KEY_FIELDS),
            "t" if aggregate else "f",
            str(account.id),
            str(document.id),
            *stamps,
        ]
        stream = CopyStream([*texts, linked], constants)
        names = [*columns, "product_id", *KEY_FIELDS, "is_aggregate", "account_id", "document_id"]
        names += STAMPS
        env.cr.copy_expert(
            sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(model._table), sql.SQL(", ").join(map(sql.Identifier, names))
            ),
            stream,
            size=1 << 20,
        )
        count += stream.count
    model.invalidate_model()
    return count, days
