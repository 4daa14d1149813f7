import tempfile
from pathlib import Path

from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user

from ..core.sandbox import catalogue, start_sandbox
from ..core.spapi.base import forget_pacing


class SandboxMixin:
    """A real Acorn sandbox on loopback for a test class; Odoo allows local requests."""

    @classmethod
    def _start_sandbox(cls, account=None, **config):
        tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(tmp.cleanup)
        config.setdefault("throttle", False)
        sandbox = start_sandbox(db_path=Path(tmp.name) / "sandbox.sqlite", **config)
        cls.addClassCleanup(sandbox.stop)
        if account:
            account._acorn_use_sandbox(sandbox.url, seed=config.get("seed", 1))
        return sandbox

    def setUp(self):
        super().setUp()
        # Each test starts with Amazon's full burst. The client paces per endpoint for the
        # whole process, so one test's createReports would make the next wait in real time
        # (a minute a report past the burst of 15).
        forget_pacing()

    @classmethod
    def _catalogue_products(cls):
        """The sandbox's products in Odoo (the demo data may already hold them)."""
        Product = cls.env["product.product"]
        products = Product
        for item in catalogue.default_catalogue():
            products |= Product.search([("amz_asin", "=", item.asin)], limit=1) or Product.create(
                {
                    "name": item.title,
                    "amz_asin": item.asin,
                    "default_code": item.sku,
                    "barcode": item.ean,
                    "is_storable": True,
                }
            )
        return products

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        """Odoo's test guard compares ``timeout`` with an int; the client sends (connect, read)."""
        timeout = kw.get("timeout")
        if isinstance(timeout, tuple):
            kw["timeout"] = max(t for t in timeout if t is not None)
        return super()._request_handler(s, r, **kw)


@tagged("-at_install", "post_install")
class AcornVendorCommon(SandboxMixin, TransactionCase):
    """Two companies, the four Vendor Central roles and one account per company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "Acorn Test EU GmbH"})
        cls.Account = cls.env["acorn.vc.account"]
        cls.account = cls.Account.create(
            {
                "name": "Test US",
                "marketplace_code": "US",
                "vendor_code_ids": [(0, 0, {"code": "TESTV", "name": "Test vendor"})],
            }
        )
        cls.account_2 = cls.Account.with_company(cls.company_2).create(
            {"name": "Test DE", "marketplace_code": "DE", "company_id": cls.company_2.id}
        )
        companies = cls.company | cls.company_2
        cls.user_ops = new_test_user(
            cls.env,
            "acorn_ops",
            groups="acorn_vendor.group_acorn_user",
            company_ids=[(6, 0, companies.ids)],
        )
        cls.user_logistics = new_test_user(
            cls.env, "acorn_logistics", groups="acorn_vendor.group_acorn_logistics"
        )
        cls.user_finance = new_test_user(
            cls.env, "acorn_finance", groups="acorn_vendor.group_acorn_finance"
        )
        cls.user_manager = new_test_user(
            cls.env,
            "acorn_manager",
            groups="acorn_vendor.group_acorn_manager",
            company_ids=[(6, 0, companies.ids)],
        )
