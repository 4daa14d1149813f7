"""18.0.1.2.0: the record rules on Odoo's sale orders left the module's noupdate data (they
are Acorn's access policy: Vendor Central users read Amazon's orders, Finance may write on
them, managers work them all). A database installed before keeps each rule's external id
marked noupdate, which `-u` would respect and so keep the old rules (users writing Amazon's
orders, no Finance rule): lift the mark so the update rewrites them, as openupgradelib's
``set_xml_ids_noupdate_value`` does."""

SALE_ORDER_RULES = (
    "sale_order_rule_acorn_user",
    "sale_order_line_rule_acorn_user",
    "sale_order_rule_acorn_finance",
    "sale_order_rule_acorn_manager",
    "sale_order_line_rule_acorn_manager",
)


def migrate(cr, version):
    cr.execute(
        """UPDATE ir_model_data SET noupdate = FALSE
            WHERE module = 'acorn_vendor' AND model = 'ir.rule' AND name IN %s""",
        [SALE_ORDER_RULES],
    )
