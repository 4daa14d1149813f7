from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import AcornVendorCommon


@tagged("-at_install", "post_install")
class TestSecurity(AcornVendorCommon):
    def test_manager_implies_every_role(self):
        for xmlid in ("group_acorn_user", "group_acorn_logistics", "group_acorn_finance"):
            self.assertTrue(self.user_manager.has_group(f"acorn_vendor.{xmlid}"), xmlid)
        self.assertFalse(self.user_logistics.has_group("acorn_vendor.group_acorn_finance"))
        self.assertTrue(self.user_finance.has_group("account.group_account_invoice"))

    def test_only_managers_configure_accounts(self):
        with self.assertRaises(AccessError):
            self.Account.with_user(self.user_ops).create({"name": "Nope"})
        with self.assertRaises(AccessError):
            self.account.with_user(self.user_finance).write({"name": "Renamed"})
        created = self.Account.with_user(self.user_manager).create(
            {"name": "Amazon CA", "marketplace_code": "CA"}
        )
        self.assertEqual(created.region, "NA")

    def test_multi_company_rule(self):
        ops = self.Account.with_user(self.user_ops)
        # Only the companies selected in the switcher count.
        first_only = ops.with_context(allowed_company_ids=[self.company.id]).search([])
        self.assertIn(self.account, first_only)
        self.assertNotIn(self.account_2, first_only)
        both = ops.with_context(allowed_company_ids=[self.company.id, self.company_2.id])
        self.assertIn(self.account_2, both.search([]))
        # A user who does not belong to the second company never sees its accounts.
        self.assertNotIn(self.account_2, self.Account.with_user(self.user_finance).search([]))

    def test_per_account_restriction(self):
        self.account.allowed_user_ids = self.user_manager
        self.assertNotIn(self.account, self.Account.with_user(self.user_ops).search([]))
        self.assertNotIn(
            self.account.vendor_code_ids,
            self.env["acorn.vc.vendor.code"].with_user(self.user_ops).search([]),
        )
        self.assertIn(self.account, self.Account.with_user(self.user_manager).search([]))
        self.account.allowed_user_ids |= self.user_ops
        self.assertIn(self.account, self.Account.with_user(self.user_ops).search([]))

    def test_secrets_only_for_system_admins(self):
        self.account.sudo().write(
            {"lwa_client_secret": "amzn1.oa2-cs.v1.secret", "lwa_refresh_token": "Atzr|x"}
        )
        for user in (self.user_ops, self.user_manager):
            with self.assertRaises(AccessError, msg=user.login):
                self.account.with_user(user).read(["lwa_client_secret"])
            self.assertNotIn("lwa_refresh_token", self.account.with_user(user).fields_get())
        self.assertEqual(
            self.account.with_user(self.env.ref("base.user_admin")).lwa_refresh_token, "Atzr|x"
        )

    def test_neutralize_blanks_credentials(self):
        self.account.sudo().write(
            {"lwa_client_secret": "secret", "lwa_refresh_token": "Atzr|x", "connection_state": "ok"}
        )
        self.account.flush_recordset()
        queries = list(get_neutralization_queries(["acorn_vendor"]))
        self.assertTrue(queries, "acorn_vendor ships data/neutralize.sql")
        for query in queries:
            self.env.cr.execute(query)
        self.account.invalidate_recordset()
        self.assertFalse(self.account.sudo().lwa_client_secret)
        self.assertFalse(self.account.sudo().lwa_refresh_token)
        self.assertEqual(self.account.connection_state, "untested")

    @mute_logger("odoo.sql_db")
    def test_vendor_code_unique_per_account(self):
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["acorn.vc.vendor.code"].create(
                {"account_id": self.account.id, "code": "TESTV"}
            )
        # The same code on another account is fine.
        self.env["acorn.vc.vendor.code"].create({"account_id": self.account_2.id, "code": "TESTV"})
