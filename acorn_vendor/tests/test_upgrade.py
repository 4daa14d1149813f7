import importlib.util
from pathlib import Path

from odoo.tests import tagged
from odoo.tests.common import TransactionCase
from odoo.tools import convert_file

MIGRATION = Path(__file__).parents[1] / "migrations" / "18.0.1.2.0" / "pre-migrate.py"
SECURITY = "security/acorn_vendor_security.xml"


def _load_migration():
    spec = importlib.util.spec_from_file_location("acorn_vendor_pre_migrate_1_2", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("-at_install", "post_install")
class TestUpgrade(TransactionCase):
    """What `-u acorn_vendor` does to a database installed with an older version."""

    def _update_security(self):
        convert_file(self.env, "acorn_vendor", SECURITY, {}, mode="update", kind="data")
        self.env.invalidate_all()

    def test_an_upgrade_brings_an_existing_database_the_sale_order_rules(self):
        migration = _load_migration()
        rule = self.env.ref("acorn_vendor.sale_order_rule_acorn_user")
        line_rule = self.env.ref("acorn_vendor.sale_order_line_rule_acorn_user")
        # As a database installed before 18.0.1.2.0 holds them: noupdate, users may write
        # Amazon's orders, and no rule lets Finance record payments on them.
        self.env["ir.model.data"].search(
            [("module", "=", "acorn_vendor"), ("name", "in", migration.SALE_ORDER_RULES)]
        ).noupdate = True
        (rule | line_rule).write({"perm_write": True, "perm_create": True, "perm_unlink": True})
        self.env.ref("acorn_vendor.sale_order_rule_acorn_finance").unlink()
        self.env.flush_all()

        self._update_security()
        self.assertTrue(rule.perm_write, "without the migration the update keeps the old rule")

        migration.migrate(self.env.cr, "18.0.1.1.0")
        self._update_security()
        for old in (rule, line_rule):
            self.assertEqual(
                (old.perm_read, old.perm_write, old.perm_create, old.perm_unlink),
                (True, False, False, False),
                old.name,
            )
        finance = self.env.ref("acorn_vendor.sale_order_rule_acorn_finance")
        self.assertEqual((finance.perm_write, finance.perm_unlink), (True, False))
        # Updatable from now on: the next upgrade rewrites them again.
        self.assertFalse(
            self.env["ir.model.data"]
            .search([("module", "=", "acorn_vendor"), ("name", "in", migration.SALE_ORDER_RULES)])
            .filtered("noupdate")
        )
