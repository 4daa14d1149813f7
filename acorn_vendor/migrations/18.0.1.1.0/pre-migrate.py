"""18.0.1.1.0: Acorn's own fields on invoices trade ``amz_`` (kept for Amazon's identifiers)
for ``acorn_`` (README, Naming). Renamed in place, as openupgradelib's ``rename_fields``
does, so an existing database keeps every invoice's Amazon state, errors and overrides."""

from odoo.tools import SQL

RENAMED_FIELDS = [
    ("account.move", "amz_state", "acorn_invoice_state"),
    ("account.move", "amz_errors", "acorn_invoice_errors"),
    ("account.move", "amz_credit_reason", "acorn_credit_reason"),
    ("account.move", "amz_overridden_keys", "acorn_overridden_keys"),
]


def rename_field(cr, model, old, new):
    table = model.replace(".", "_")
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
        (table, old),
    )
    if not cr.fetchone():
        return
    cr.execute(
        SQL(
            "ALTER TABLE %s RENAME COLUMN %s TO %s",
            SQL.identifier(table),
            SQL.identifier(old),
            SQL.identifier(new),
        )
    )
    cr.execute(
        SQL(
            "ALTER INDEX IF EXISTS %s RENAME TO %s",
            SQL.identifier(f"{table}__{old}_index"),
            SQL.identifier(f"{table}__{new}_index"),
        )
    )
    # The field's row keeps its id, so its selection values and tracked changes follow it.
    cr.execute(
        "UPDATE ir_model_fields SET name = %s WHERE model = %s AND name = %s", (new, model, old)
    )
    for kind, old_xmlid, new_xmlid in (
        ("ir.model.fields", f"field_{table}__{old}", f"field_{table}__{new}"),
        (
            "ir.model.fields.selection",
            f"selection__{table}__{old}__",
            f"selection__{table}__{new}__",
        ),
    ):
        cr.execute(
            """UPDATE ir_model_data SET name = %s || substr(name, length(%s) + 1)
                WHERE module = 'acorn_vendor' AND model = %s AND left(name, length(%s)) = %s""",
            (new_xmlid, old_xmlid, kind, old_xmlid, old_xmlid),
        )
    # Saved filters and export lists name the field between quotes.
    quoted_old, quoted_new = f"(['\"]){old}(['\"])", f"\\1{new}\\2"
    cr.execute(
        """UPDATE ir_filters SET domain = regexp_replace(domain, %s, %s, 'g'),
                                 context = regexp_replace(context, %s, %s, 'g')
            WHERE model_id = %s""",
        (quoted_old, quoted_new, quoted_old, quoted_new, model),
    )
    cr.execute(
        """UPDATE ir_exports_line line SET name = %s FROM ir_exports export
            WHERE line.export_id = export.id AND export.resource = %s AND line.name = %s""",
        (new, model, old),
    )


def migrate(cr, version):
    for model, old, new in RENAMED_FIELDS:
        rename_field(cr, model, old, new)
