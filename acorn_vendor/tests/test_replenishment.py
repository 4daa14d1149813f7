import base64
import io
from datetime import date, datetime, timedelta

import openpyxl
from freezegun import freeze_time

from odoo.tests import tagged

from .common import AcornVendorCommon

TODAY = date(2026, 3, 4)  # a Wednesday: Amazon's forecast starts on Sunday 2026-03-08
FIRST_WEEK = date(2026, 3, 8)


def forecast_document(asin, weeks=26, mean=100.0, p80=122.0):
    """A GET_VENDOR_FORECASTING_REPORT document as Amazon sends it, generated TODAY."""
    rows = []
    for week in range(weeks):
        start = FIRST_WEEK + timedelta(weeks=week)
        rows.append(
            {
                "forecastGenerationDate": TODAY.isoformat(),
                "asin": asin,
                "startDate": start.isoformat(),
                "endDate": (start + timedelta(days=6)).isoformat(),
                "meanForecastUnits": mean,
                "p70ForecastUnits": mean * 1.12,
                "p80ForecastUnits": p80,
                "p90ForecastUnits": mean * 1.38,
            }
        )
    spec = {
        "reportType": "GET_VENDOR_FORECASTING_REPORT",
        "reportOptions": {"sellingProgram": "RETAIL"},
        "lastUpdatedDate": TODAY.isoformat(),
        "marketplaceIds": ["ATVPDKIKX0DER"],
    }
    return {"reportSpecification": spec, "forecastByAsin": rows}


def inventory_document(asin, on_hand, open_units, lead_days, unhealthy=None):
    """A one-week GET_VENDOR_INVENTORY_REPORT document: Amazon's stock of one ASIN."""
    window = {"startDate": "2026-02-22", "endDate": "2026-02-28"}
    options = {
        "distributorView": "MANUFACTURING",
        "reportPeriod": "WEEK",
        "sellingProgram": "RETAIL",
    }
    spec = {
        "reportType": "GET_VENDOR_INVENTORY_REPORT",
        "reportOptions": options,
        "lastUpdatedDate": TODAY.isoformat(),
        "dataStartTime": window["startDate"],
        "dataEndTime": window["endDate"],
        "marketplaceIds": ["ATVPDKIKX0DER"],
    }
    row = {
        **window,
        "asin": asin,
        "openPurchaseOrderUnits": open_units,
        "averageVendorLeadTimeDays": lead_days,
        "unfilledCustomerOrderedUnits": 0,
        "sellableOnHandInventoryUnits": on_hand,
        "sellableOnHandInventoryCost": {"amount": 0.0, "currencyCode": "USD"},
    }
    if unhealthy is not None:
        row["unhealthyInventoryUnits"] = unhealthy
    return {"reportSpecification": spec, "inventoryAggregate": [], "inventoryByAsin": [row]}


@tagged("-at_install", "post_install")
class TestReplenishment(AcornVendorCommon):
    """Amazon's forecast, imported as Amazon sends it, lands on Odoo's reordering rules, and
    Odoo's own Order button buys from the product's supplier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].create(
            {"name": "Acorn Replenishment WH", "code": "ACRW", "company_id": cls.company.id}
        )
        cls.account.warehouse_id = cls.warehouse
        cls.account.replenishment_service_level = "p80"
        cls.supplier = cls.env["res.partner"].create({"name": "Acorn Test Supplier"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Replenished kettle",
                "amz_asin": "B0REPL0001",
                "is_storable": True,
                "seller_ids": [
                    (
                        0,
                        0,
                        {
                            "partner_id": cls.supplier.id,
                            "delay": 21,
                            "min_qty": 100,
                            "acorn_order_multiple": 12,
                            "price": 4.5,
                        },
                    )
                ],
            }
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.warehouse.lot_stock_id, 130
        )
        cls._load(forecast_document("B0REPL0001"), "GET_VENDOR_FORECASTING_REPORT")
        # Amazon holds 200, has 100 on order from us and waits 7 days for goods.
        cls._load(inventory_document("B0REPL0001", 200, 100, 7.0), "GET_VENDOR_INVENTORY_REPORT")

    @classmethod
    def _load(cls, document, report_type):
        record = cls.env["acorn.vc.amazon.demand"]._acorn_load_report(cls.account, document)
        assert record.report_type == report_type and record.state == "done", record.error_details

    def _recompute(self):
        with freeze_time("2026-03-04 10:00:00"):
            return self.env["acorn.vc.amazon.demand"]._acorn_recompute(self.account, today=TODAY)

    def _rule(self):
        return self.env["stock.warehouse.orderpoint"].search(
            [
                ("product_id", "=", self.product.id),
                ("location_id", "=", self.warehouse.lot_stock_id.id),
            ]
        )

    def test_suggestion_lands_on_a_manual_reordering_rule_with_its_reason(self):
        counts = self._recompute()
        self.assertEqual(counts["rules_created"], 1)
        rule = self._rule()
        self.assertEqual(rule.trigger, "manual")
        self.assertEqual(rule.route_id, self.env.ref("purchase_stock.route_warehouse0_buy"))
        self.assertEqual(rule.supplier_id.partner_id, self.supplier)
        # Amazon covers 2 weeks (7 days lead + a review week): by week 4 it will have ordered
        # the P80 of weeks 1-5 (500 + 22·√5 = 549) less the 300 it holds or awaits: 249.
        # 249 - 130 on hand = 119 -> multiple of 12 -> 120 (above the minimum of 100).
        self.assertEqual(rule.qty_to_order, 120)
        self.assertEqual(rule.acorn_service_level, "p80")
        self.assertAlmostEqual(rule.acorn_amazon_orders, 249.19, places=2)
        self.assertEqual(
            rule.acorn_demand_note,
            "Amazon expected to order 249 in the next 4 weeks at P80; 130 on hand after open "
            "orders; supplier lead time 21 days (Acorn Test Supplier); order 120 (minimum 100, "
            "multiple 12) by 2026-03-04.",
        )
        lines = self.env["acorn.vc.amazon.demand"].search([("product_id", "=", self.product.id)])
        self.assertEqual(len(lines.filtered(lambda line: not line.is_past)), 26)
        first = lines.filtered(lambda line: line.week_start == FIRST_WEEK)
        self.assertEqual(first.forecast_p80, 122)
        self.assertAlmostEqual(first.projected_stock, 130)  # Amazon orders nothing in week 1

    def test_an_account_without_forecast_or_po_history_plans_nothing_and_does_not_fail(self):
        with freeze_time("2026-03-04 10:00:00"):
            counts = self.env["acorn.vc.amazon.demand"]._acorn_recompute(
                self.account_2, today=TODAY
            )
        self.assertEqual(counts, {"rules_updated": 0, "rules_created": 0, "lines": 0})

    def test_buyer_pack_says_whether_we_can_fill_amazons_expected_orders(self):
        Wizard = self.env["acorn.vc.buyer.pack.wizard"].with_user(self.user_ops)
        with freeze_time("2026-03-04 10:00:00"):
            raw = Wizard.acorn_buyer_pack(self.account.id, "2026-02-22", "2026-03-04")
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(raw)))
        self.assertIn("Can we fill", book.sheetnames)
        rows = list(book["Can we fill"].iter_rows(values_only=True))
        header, line = rows[0], dict(zip(rows[0], rows[1], strict=True))
        self.assertEqual(header[0], "ASIN")
        self.assertEqual(len(rows), 2)
        self.assertEqual(line["ASIN"], "B0REPL0001")
        self.assertEqual(line["Product"], "Replenished kettle")
        self.assertEqual(line["To order"], 120)  # the reordering rule's quantity
        self.assertEqual(line["Supplier lead time (days)"], 21)
        self.assertEqual(line["Amazon expected (horizon)"], 249)  # the rule's 249.19, in units

    def test_order_button_creates_the_rfq_to_the_supplier_and_a_recompute_does_not_reorder(self):
        self._recompute()
        rule = self._rule()
        with freeze_time("2026-03-04 10:00:00"):
            rule.action_replenish()
        line = self.env["purchase.order.line"].search([("product_id", "=", self.product.id)])
        self.assertEqual(len(line), 1)
        self.assertEqual(line.order_id.partner_id, self.supplier)
        self.assertEqual(line.order_id.state, "draft")
        self.assertEqual(line.product_qty, 120)
        self.assertEqual(line.date_planned.date(), TODAY + timedelta(days=21))
        # Odoo drops a manual rule once ordered; the RFQ in progress counts as incoming, so
        # the next recompute suggests nothing and brings no line back.
        self.assertFalse(self._rule())
        counts = self._recompute()
        self.assertEqual(counts["rules_created"], 0)
        self.assertFalse(self._rule())
        week = self.env["acorn.vc.amazon.demand"].search(
            [("product_id", "=", self.product.id), ("week_start", "=", FIRST_WEEK)]
        )
        self.assertEqual(week.projected_stock, 130 + 120)

    def test_amazons_excess_units_do_not_count_as_its_stock(self):
        # The same week's report again, now saying 80 of Amazon's 200 units are excess
        # (unhealthy): Amazon holds 120 usable + 100 on order, so it orders 549 - 220 = 329
        # by week 4; 329 - 130 = 199 -> 204 (multiple of 12).
        self._load(
            inventory_document("B0REPL0001", 200, 100, 7.0, unhealthy=80),
            "GET_VENDOR_INVENTORY_REPORT",
        )
        self._recompute()
        rule = self._rule()
        self.assertAlmostEqual(rule.acorn_amazon_orders, 329.19, places=2)
        self.assertEqual(rule.qty_to_order, 204)

    def test_a_product_service_level_overrides_the_accounts(self):
        self.product.product_tmpl_id.acorn_service_level = "mean"
        self._recompute()
        rule = self._rule()
        # At the mean: 500 - 300 = 200 expected; 200 - 130 = 70 -> raised to the minimum
        # 100 -> 108 (a multiple of 12).
        self.assertEqual(rule.acorn_service_level, "mean")
        self.assertAlmostEqual(rule.acorn_amazon_orders, 200)
        self.assertEqual(rule.qty_to_order, 108)


@tagged("-at_install", "post_install")
class TestReplenishmentDemo(AcornVendorCommon):
    """The demo's promise: Inventory → Replenishment holds Amazon-driven lines for the demo
    products, and Order makes RFQs to their suppliers."""

    def test_demo_products_have_amazon_driven_lines_that_order_from_their_supplier(self):
        account = self.env.ref("acorn_vendor.acorn_vc_account_demo", raise_if_not_found=False)
        if not account:
            self.skipTest("demo data not installed")
        rules = self.env["stock.warehouse.orderpoint"].search(
            [("acorn_account_id", "=", account.id), ("qty_to_order", ">", 0)]
        )
        self.assertGreaterEqual(len(rules), 5, "several demo products to order")
        for rule in rules:
            self.assertTrue(rule.acorn_demand_note.startswith("Amazon expected to order"))
            self.assertEqual(rule.trigger, "manual")
            self.assertIn(rule.supplier_id, rule.product_id.seller_ids)
        rule = rules[0]
        product, quantity = rule.product_id, rule.qty_to_order
        supplier = rule.supplier_id.partner_id
        rule.action_replenish()  # Odoo then drops the ordered manual rule
        line = self.env["purchase.order.line"].search(
            [("product_id", "=", product.id), ("order_id.state", "=", "draft")]
        )
        self.assertEqual(line.order_id.partner_id, supplier)
        self.assertEqual(line.product_qty, quantity)
        demand = self.env["acorn.vc.amazon.demand"].search(
            [("product_id", "=", product.id), ("is_past", "=", False)]
        )
        self.assertTrue(demand and all(demand.mapped("forecast_p80")))


@tagged("-at_install", "post_install")
class TestReplenishmentBacktest(AcornVendorCommon):
    """The demo's backtest on sandbox data: the forecasts the sandbox made each week and the
    POs it then sent, imported as Amazon sends them, give an error by weeks ahead."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.products = cls._catalogue_products()
        cls.sandbox = cls._start_sandbox(
            cls.account,
            seed=1,
            pos_per_day=10,
            history_days=45,
            start_time="2026-03-04T12:00:00Z",
            frozen_clock=True,
        )

    def test_sandbox_forecasts_and_pos_give_the_error_by_weeks_ahead(self):
        Demand = self.env["acorn.vc.amazon.demand"]
        with freeze_time("2026-03-04 12:00:00"):
            Demand._acorn_demo_load(self.account.id, weeks=6, today=TODAY)
        now = datetime(2026, 3, 4, 12, 0)
        steps = 0
        while Demand._acorn_demo_po_history_step(self.account, weeks=5, now=now):
            steps += 1
        # From Sunday 2026-01-25 (five weeks before yesterday, to a week start): six calls.
        self.assertEqual(steps, 5)
        self.assertFalse(Demand._acorn_demo_po_history_step(self.account, weeks=5, now=now))
        pos = self.env["acorn.vc.purchase.order"].search([("account_id", "=", self.account.id)])
        self.assertGreater(len(pos), 100)
        self.assertFalse(pos.sale_order_id, "history stays Acorn records, no quotations")
        self.assertEqual(self.account.sale_order_cutoff_days, 60)
        total = self.env["acorn.vc.forecast.backtest"].search(
            [("account_id", "=", self.account.id), ("product_id", "=", False)]
        )
        mean = {row.horizon: row for row in total if row.quantile == "mean"}
        self.assertTrue({1, 2, 3, 4}.issubset(mean), sorted(mean))
        # 30 products, five whole weeks from 2026-01-25 each forecast one week ahead.
        self.assertEqual(mean[1].weeks, 30 * 5)
        # Amazon orders around its forecast with noise: a real error, neither 0 nor absurd.
        self.assertTrue(0.1 < mean[1].mape < 0.6, mean[1].mape)
        lines = Demand.search(
            [("account_id", "=", self.account.id), ("is_past", "=", False), ("horizon", "=", 1)]
        )
        self.assertEqual(len(lines), 30)
        self.assertTrue(all(line.backtest_mape > 0 for line in lines))
        past = Demand.search([("account_id", "=", self.account.id), ("is_past", "=", True)])
        self.assertTrue(past and any(past.mapped("forecast_error")))
