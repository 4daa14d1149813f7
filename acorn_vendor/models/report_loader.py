"""Bulk load of a report document's rows into its storage table with PostgreSQL COPY.

Why not the ORM: two years of DAY sales, inventory and traffic for 5,000 ASINs are about 11
million rows; ``create(vals_list)`` builds a record, runs defaults and computes and sends
batched INSERTs, tens of times slower than COPY, which streams one CSV buffer built by pandas
from the core's typed ``frame()``. The rows have no computed fields, constraints or
tracking, so nothing the ORM would do is skipped. After COPY the model's cache is
invalidated so later reads see the new rows.

Re-import replaces, never duplicates: the rows of the same account, selling program,
distributor view and report period inside the document's range are deleted first, in the
same transaction as the COPY (the job's), so a failure leaves the old rows in place.
"""

import io

import pandas as pd
from psycopg2 import sql

from odoo.tools import SQL

KEY_FIELDS = ("selling_program", "distributor_view", "report_period")
# Filled by replace_rows, in this order, after the columns of table_frames.
ADDED_COLUMNS = ("account_id", "document_id", "product_id")


def _dates(series, fmt="%Y-%m-%d"):
    """datetime64 -> 'YYYY-MM-DD' text (or ``fmt``), missing stays missing."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.strftime(fmt).astype("object").where(series.notna(), None)
    return series


def _utc_hours(series):
    """Aware or naive UTC datetime64 -> 'YYYY-MM-DD HH:MM:SS' UTC text for a Datetime column."""
    if getattr(series.dt, "tz", None) is not None:
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    return _dates(series, "%Y-%m-%d %H:%M:%S")


def table_frames(model, document, frame, aggregate):
    """The frames to COPY (per-ASIN rows, then Amazon's aggregate rows): the key columns
    Acorn adds, then the model's columns by name, the same columns in the same order."""
    parts = []
    for section, is_aggregate in ((frame, False), (aggregate, True)):
        if section is None or not len(section):
            continue
        out = pd.DataFrame(
            {
                "selling_program": section["selling_program"].astype("object"),
                "distributor_view": section["distributor_view"].astype("object"),
                "report_period": section["report_period"].astype("object"),
                "period_start": _dates(section["period_start"]),
                "period_end": _dates(section["period_end"]),
                "asin": section["asin"].astype("object") if not is_aggregate else None,
                "is_aggregate": is_aggregate,
            }
        )
        if "start_time" in model._fields:  # real-time reports: the hour, not only its day
            out["start_time"] = _utc_hours(section["period_start"]).array
            out["end_time"] = _utc_hours(section["period_end"]).array
        for amazon, column in model._acorn_fields.items():
            if amazon in section.columns:
                out[column] = _dates(section[amazon]).array
            else:
                out[column] = None  # a field only the other section has (aggregate rates)
        for column in KEY_FIELDS:
            value = getattr(document, column) or None
            out[column] = out[column].where(out[column].notna(), value)
        parts.append(out)
    return parts


def _product_ids(env, company, asins):
    products = (
        env["product.product"]
        .sudo()
        .with_context(active_test=False)
        .search_read(
            [("amz_asin", "in", list(asins)), ("company_id", "in", [False, company.id])],
            ["amz_asin"],
        )
    )
    return {p["amz_asin"]: p["id"] for p in products}


def _delete_range(model, document, parts):
    """Delete the rows of the document's key inside the range its rows (or its window)
    cover: days for the daily reports, hours for the real-time ones."""
    column = model._acorn_replace_by
    hourly = model._fields[column].type == "datetime"
    low, high = (None, None) if hourly else (document.period_start, document.period_end)
    for rows in parts:
        if column in rows and rows[column].notna().any():
            values = pd.to_datetime(rows[column].dropna())
            first, last = values.min(), values.max()
            first, last = (
                (first.to_pydatetime(), last.to_pydatetime())
                if hourly
                else (first.date(), last.date())
            )
            low = min(low, first) if low else first
            high = max(high, last) if high else last
    if low and high:
        model.env.cr.execute(
            SQL(
                """DELETE FROM %s
                    WHERE account_id = %s
                      AND selling_program IS NOT DISTINCT FROM %s
                      AND distributor_view IS NOT DISTINCT FROM %s
                      AND report_period IS NOT DISTINCT FROM %s
                      AND %s BETWEEN %s AND %s""",
                SQL.identifier(model._table),
                document.account_id.id,
                document.selling_program or None,
                document.distributor_view or None,
                document.report_period or None,
                SQL.identifier(column),
                low,
                high,
            )
        )


def replace_rows(model, document, parts):
    """Delete the document's period range for its key, then COPY ``parts``; returns the
    count of rows copied."""
    env = model.env
    env.flush_all()  # the document row must exist before rows point at it
    cr = env.cr
    table = model._table
    ids_column = getattr(model, "_acorn_replace_ids", None)
    if ids_column:  # promotions, coupons: the ones the document holds are replaced
        ids = sorted(set().union(*(rows[ids_column].dropna().unique() for rows in parts)))
        cr.execute(
            SQL(
                "DELETE FROM %s WHERE account_id = %s AND %s = ANY(%s)",
                SQL.identifier(table),
                document.account_id.id,
                SQL.identifier(ids_column),
                ids,
            )
        )
    else:
        _delete_range(model, document, parts)
    account = document.account_id
    asins = set().union(*(rows["asin"].dropna().unique() for rows in parts))
    products = _product_ids(env, account.company_id, asins) if asins else {}
    buffer = io.StringIO()
    count = 0
    for rows in parts:
        rows.assign(
            account_id=account.id,
            document_id=document.id,
            product_id=rows["asin"].map(products).astype("Int64"),
        ).to_csv(buffer, header=False, index=False, na_rep="\\N")
        count += len(rows)
    if count:
        columns = [*parts[0].columns, *ADDED_COLUMNS]
        buffer.seek(0)
        copy = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv, NULL '\\N')").format(
            sql.Identifier(model._table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        cr.copy_expert(copy, buffer)
    model.invalidate_model()
    return count
