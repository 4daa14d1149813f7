from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import AcornVendorCommon


@tagged("-at_install", "post_install")
class TestProductAsin(AcornVendorCommon):
    def test_asin_on_single_variant_template(self):
        template = self.env["product.template"].create(
            {"name": "Trail Lantern", "amz_asin": "B0ACORN001", "default_code": "TL-100"}
        )
        self.assertEqual(template.product_variant_id.amz_asin, "B0ACORN001")
        template.amz_asin = "B0ACORN002"
        self.assertEqual(template.product_variant_id.amz_asin, "B0ACORN002")
        self.assertEqual(
            self.env["product.template"].search([("amz_asin", "=", "B0ACORN002")]), template
        )

    def test_asin_unique_per_visible_products(self):
        self.env["product.product"].create({"name": "A", "amz_asin": "B0ACORN003"})
        with self.assertRaisesRegex(ValidationError, "B0ACORN003"):
            self.env["product.product"].create({"name": "B", "amz_asin": "B0ACORN003"})
        # Two companies that each sell the same ASIN to Amazon keep their own products.
        own = {"name": "C", "amz_asin": "B0ACORN004"}
        self.env["product.product"].create({**own, "company_id": self.company.id})
        self.env["product.product"].create({**own, "company_id": self.company_2.id})
        with self.assertRaisesRegex(ValidationError, "B0ACORN004"):
            self.env["product.product"].create({"name": "D", "amz_asin": "B0ACORN004"})


@tagged("-at_install", "post_install")
class TestDemoCatalogue(AcornVendorCommon):
    def test_the_demo_sells_acorns_catalogue_alone(self):
        if not self.env.ref("acorn_vendor.acorn_vc_account_demo", raise_if_not_found=False):
            self.skipTest("a database without demo data has no demo catalogue")
        odoo_demo = self.env["product.template"].browse(
            self.env["ir.model.data"]
            .search([("model", "=", "product.template"), ("module", "!=", "acorn_vendor")])
            .mapped("res_id")
        )
        self.assertTrue(odoo_demo.with_context(active_test=False).exists())
        for_sale = odoo_demo.exists().filtered(lambda t: t.active and t.sale_ok) - self.env.ref(
            "sale.advance_product_0_product_template"
        )
        self.assertFalse(for_sale, "Odoo's demo furniture is archived")
        self.assertEqual(len(self.env["product.template"].search([("amz_asin", "!=", False)])), 30)
