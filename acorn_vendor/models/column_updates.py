"""A different value per record, written in one UPDATE per thousand records.

The ORM writes one UPDATE per distinct set of values, so linking 20,000 remittance lines to
their 20,000 journal items is 20,000 queries; this is one per page, with the ORM told what
changed (cache invalidated, stored fields that depend on these recomputed as a write would).
"""

from psycopg2.extras import execute_values


def update_columns(model, columns, rows):
    """Write ``rows`` (``(id, value, ...)`` in ``columns``' order) on ``model``'s table.

    Only plain stored columns (no translations, no x2many); no write() override runs, so use
    it where the model has none for these fields."""
    if not rows:
        return
    records = model.browse([row[0] for row in rows])
    records.flush_recordset(list(columns))
    casts = ", ".join(
        f'"{name}" = new."{name}"::{model._fields[name].column_type[1]}' for name in columns
    )
    names = ", ".join(f'"{name}"' for name in columns)
    query = (  # noqa: S608 - table and field names come from the model
        f'UPDATE "{model._table}" AS target SET {casts}, write_uid = {int(model.env.uid)}, '
        f"write_date = (now() at time zone 'UTC') "
        f"FROM (VALUES %s) AS new (id, {names}) WHERE target.id = new.id"
    )
    execute_values(model.env.cr._obj, query, rows, page_size=1000)
    records.invalidate_recordset([*columns, "write_uid", "write_date"])
    records.modified(list(columns))
