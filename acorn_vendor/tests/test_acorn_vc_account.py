from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import AcornVendorCommon


@tagged("-at_install", "post_install")
class TestAccount(AcornVendorCommon):
    def test_marketplace_sets_region_and_id(self):
        self.assertEqual(
            (self.account.region, self.account.marketplace_id), ("NA", "ATVPDKIKX0DER")
        )
        self.assertEqual(
            (self.account_2.region, self.account_2.marketplace_id), ("EU", "A1PA6795UKMFR9")
        )
        self.account.marketplace_code = "JP"
        self.assertEqual(
            (self.account.region, self.account.marketplace_id), ("FE", "A1VC38T7YXB528")
        )
        self.assertEqual(self.account.spapi_endpoint, "https://sellingpartnerapi-fe.amazon.com")

    def test_the_responsible_is_who_creates_the_account_never_odoobot(self):
        # The common accounts were created as OdooBot (like module data): the admin takes over.
        self.assertEqual(self.account.responsible_user_id, self.env.ref("base.user_admin"))
        account = self.Account.with_user(self.user_manager).create({"name": "By a manager"})
        self.assertEqual(account.responsible_user_id, self.user_manager)

    def test_endpoint_override(self):
        self.account.endpoint_override = "http://127.0.0.1:8071"
        self.assertEqual(self.account.spapi_endpoint, "http://127.0.0.1:8071")
        with self.assertRaisesRegex(ValidationError, "not an http"):
            self.account.endpoint_override = "ftp://example.com"

    def test_connection_without_credentials_names_what_is_missing(self):
        self.account.action_test_connection()
        self.assertEqual(self.account.connection_state, "failed")
        self.assertIn("LWA Client Secret", self.account.connection_message)
        self.assertIn("LWA Refresh Token", self.account.connection_message)


@tagged("-at_install", "post_install")
class TestAccountConnection(AcornVendorCommon):
    """Test connection against the Acorn sandbox, a real HTTP server on loopback."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = cls._start_sandbox(seed=7, pos_per_day=5, history_days=2)
        creds = cls.sandbox.credentials
        cls.account.sudo().write(
            {
                "endpoint_override": cls.sandbox.url,
                "token_url_override": cls.sandbox.token_url,
                "lwa_client_id": creds["client_id"],
                "lwa_client_secret": creds["client_secret"],
                "lwa_refresh_token": creds["refresh_token"],
            }
        )

    def test_connection_succeeds(self):
        action = self.account.action_test_connection()
        self.assertEqual(self.account.connection_state, "ok", self.account.connection_message)
        self.assertEqual(action["params"]["type"], "success")
        self.assertTrue(self.account.connection_checked_at)

    def test_connection_names_a_bad_refresh_token(self):
        self.account.sudo().lwa_refresh_token = "Atzr|not-a-token-this-sandbox-issued"
        action = self.account.action_test_connection()
        self.assertEqual(self.account.connection_state, "failed")
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("refresh token", self.account.connection_message.lower())

    def test_connection_names_a_missing_role(self):
        self.sandbox.set_faults("missing_role")
        self.addCleanup(self.sandbox.clear_faults)
        self.account.action_test_connection()
        self.assertEqual(self.account.connection_state, "failed")
        self.assertIn("role", self.account.connection_message.lower())

    def test_connection_names_an_expired_client_secret(self):
        self.sandbox.set_faults("expire_client_secret")
        self.addCleanup(self.sandbox.clear_faults)
        self.account.action_test_connection()
        self.assertEqual(self.account.connection_state, "failed")
        self.assertIn("secret", self.account.connection_message.lower())

    def test_connection_names_throttling(self):
        self.sandbox.set_faults("429:getPurchaseOrders:50")
        self.addCleanup(self.sandbox.clear_faults)
        self.account.action_test_connection()
        self.assertEqual(self.account.connection_state, "failed")
        self.assertIn("throttl", self.account.connection_message.lower())

    def test_use_sandbox_sets_endpoint_and_credentials(self):
        account = self.account_2
        account._acorn_use_sandbox(self.sandbox.url, seed=7)
        self.assertEqual(account.spapi_endpoint, self.sandbox.url)
        self.assertEqual(
            account.sudo().lwa_refresh_token, self.sandbox.credentials["refresh_token"]
        )
        account.action_test_connection()
        self.assertEqual(account.connection_state, "ok", account.connection_message)

    def test_connection_names_an_unreachable_endpoint(self):
        self.account.endpoint_override = "http://127.0.0.1:9"  # discard port: nothing listens
        self.account.action_test_connection()
        self.assertEqual(self.account.connection_state, "failed")
        self.assertIn("127.0.0.1:9", self.account.connection_message)
