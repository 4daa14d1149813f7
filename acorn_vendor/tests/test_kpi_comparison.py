from datetime import date, datetime, timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.base.controllers.rpc import dumps as xmlrpc_dumps

from .common import AcornVendorCommon
from .test_invoice import InvoiceFlow

START = "2026-03-04T12:00:00Z"
# Whole Amazon weeks of the sandbox's history whose reports are out (the 72 h lag).
DATE_FROM, DATE_TO = date(2026, 2, 8), date(2026, 2, 28)


@tagged("-at_install", "post_install")
class TestKpiComparison(AcornVendorCommon):
    """KPIs, both sides, on the sandbox: its reports follow from its own POs, so Acorn's
    figures from the synced PO lines and Amazon's from the loaded reports agree where their
    definitions do, and the row says why where they do not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = cls._start_sandbox(
            cls.account, seed=31, history_days=35, pos_per_day=3, lines_max=4,
            start_time=START, frozen_clock=True,
        )  # fmt: skip
        products = cls._catalogue_products()
        for index, product in enumerate(products):  # two brands, alternating
            product.acorn_brand = "Oak" if index % 2 else "Elm"
        cls.account.report_history_days = 30
        now = cls.sandbox.now().replace(tzinfo=None)
        Document = cls.env["acorn.vc.report.document"]
        Document._acorn_load_sandbox_history(cls.account, now=now)
        # Amazon's history POs come with its acknowledgements and receipts (PO status).
        cls.account._acorn_fetch_and_import(now - timedelta(days=36), now, changed=False)
        cls.orders = cls.env["acorn.vc.purchase.order"].search(
            [("account_id", "=", cls.account.id)]
        )
        cls.Comparison = cls.env["acorn.vc.kpi.comparison"]

    def _compare(self, group_by="asin", freq="week", **values):
        run = self.Comparison._acorn_mine()
        run.write(
            {
                "account_ids": [(6, 0, self.account.ids)],
                "date_from": DATE_FROM,
                "date_to": DATE_TO,
                "freq": freq,
                "group_by": group_by,
                **values,
            }
        )
        run.action_compute()
        return run

    def _week_lines(self, week_start, **groups):
        lines = self.orders.line_ids.filtered(
            lambda line: (
                line.order_id.amz_state != "new"
                and week_start <= line.order_id.po_date.date() < week_start + timedelta(days=7)
            )
        )
        for name, value in groups.items():
            lines = lines.filtered(lambda line, n=name, v=value: (line[n] or "") == v)
        return lines

    def test_both_sides_agree_on_confirmation_rate_where_definitions_agree(self):
        self.assertTrue(self.orders.line_ids.filtered("received_date"), "receipts synced")
        # Day by day, Amazon's rate is the accepted share of the units ordered that day.
        days = self.env["acorn.vc.report.inventory"].search(
            [
                ("account_id", "=", self.account.id),
                ("report_period", "=", "DAY"),
                ("is_aggregate", "=", False),
                ("vendor_confirmation_rate", "!=", False),
            ]
        )
        self.assertTrue(days)
        for day in days:
            lines = self.orders.line_ids.filtered(
                lambda line, day=day: (
                    line.asin == day.asin and line.order_id.po_date.date() == day.period_start
                )
            )
            accepted = sum(lines.mapped("accepted_qty")) / sum(lines.mapped("ordered_units"))
            self.assertAlmostEqual(accepted, day.vendor_confirmation_rate, 3, day.asin)
        run = self._compare()
        rows = run.line_ids.filtered(lambda r: r.kpi == "confirmation_rate")
        both = rows.filtered(lambda r: r.has_acorn and r.has_amazon)
        self.assertTrue(both, "both sides have a confirmation rate")
        # Amazon's figure from a single DAY row is its own rate of that day's POs; Acorn's
        # week holds the same POs when the ASIN was ordered that one day only.
        single = both.filtered(lambda r: "combined" not in (r.amazon_note or ""))
        self.assertTrue(single)
        for row in single:
            self.assertAlmostEqual(row.acorn_value, row.amazon_value, places=3, msg=row.asin)
            self.assertFalse(row.reason, "equal figures need no reason")
        # Acorn's own figure is accepted / ordered units of the week's acknowledged lines.
        row = both[0]
        lines = self._week_lines(row.period_start, asin=row.asin)
        self.assertAlmostEqual(
            row.acorn_value,
            sum(lines.mapped("accepted_qty")) / sum(lines.mapped("ordered_units")),
        )
        self.assertEqual(row.acorn_display, f"{row.acorn_value * 100:.1f} %")
        # Beyond Amazon's 4 decimals (weeks where Amazon weights its days by received units)
        # the reason is stated; within them there is none.
        differing = both.filtered(lambda r: abs(r.difference) > 0.5e-4)
        self.assertTrue(differing, "the sandbox orders an ASIN on several days of some weeks")
        for row in differing:
            self.assertIn("procurable", row.reason)
        self.assertFalse((both - differing).filtered("reason"))
        amazon_only = run.line_ids.filtered(lambda r: r.kpi == "shipped_units")
        self.assertTrue(amazon_only)
        self.assertEqual(set(amazon_only.mapped("reason")), {"only Amazon reports this"})

    def test_units_received_by_amazon_agree_by_receipt_week(self):
        run = self._compare(group_by="account")
        rows = run.line_ids.filtered(
            lambda r: r.kpi == "net_received_units" and r.has_acorn and r.has_amazon
        )
        self.assertTrue(rows)
        for row in rows:  # the sandbox has no returns to vendor: received is received
            self.assertEqual(row.acorn_value, row.amazon_value, row.period_start)
        self.assertEqual(rows.mapped("account_id"), self.account)

    def test_grouping_by_brand_and_vendor_code(self):
        run = self._compare(group_by="brand", freq="month")
        rows = run.line_ids.filtered(lambda r: r.kpi == "confirmation_rate" and r.has_acorn)
        self.assertEqual(set(rows.mapped("brand")), {"Oak", "Elm"})
        row = rows.filtered(lambda r: r.brand == "Oak")[:1]
        lines = self.orders.line_ids.filtered(
            lambda line: (
                line.order_id.amz_state != "new"
                and line.product_id.acorn_brand == "Oak"
                and line.order_id.po_date.date().replace(day=1) == row.period_start
            )
        )
        self.assertAlmostEqual(
            row.acorn_value, sum(lines.mapped("accepted_qty")) / sum(lines.mapped("ordered_units"))
        )
        shipped = run.line_ids.filtered(lambda r: r.kpi == "shipped_units")
        self.assertEqual(set(shipped.mapped("brand")), {"Oak", "Elm"}, "Amazon's side by brand")

        run = self._compare(group_by="vendor_code")
        codes = set(self.orders.mapped("vendor_code"))
        found = run.line_ids.filtered(lambda r: r.kpi == "confirmation_rate" and r.has_acorn)
        self.assertEqual(set(found.mapped("vendor_code")), codes)
        self.assertTrue(all(found.mapped("account_id")))

    def test_defect_rate_names_its_parts_and_return_rate_stays_apart(self):
        run = self._compare(group_by="account")
        defect = run.defect_line_ids.filtered(lambda r: r.kpi == "defect_rate")
        self.assertTrue(defect)
        week = defect[0].period_start
        parts = run.defect_line_ids.filtered(lambda r: r.period_start == week)
        self.assertEqual(
            set(parts.mapped("kpi")),
            {"defect_rate", "defect_customer_returns", "defect_unsellable_on_hand",
             "defect_shortages", "defect_chargebacks"},
        )  # fmt: skip
        total = sum(parts.filtered(lambda r: r.kpi != "defect_rate").mapped("acorn_value"))
        self.assertAlmostEqual(defect[0].acorn_value, total)
        self.assertIn("no vendor defect metric", defect[0].reason)
        returns = run.line_ids.filtered(
            lambda r: r.kpi == "return_rate" and r.period_start == week and r.has_amazon
        )
        self.assertEqual(len(returns), 1, "return rate is a row of its own")

    def test_drill_down_opens_the_po_lines_and_report_rows_behind_a_figure(self):
        run = self._compare()
        row = run.line_ids.filtered(
            lambda r: r.kpi == "confirmation_rate" and r.has_acorn and r.has_amazon
        )[0]
        action = row.action_open_acorn_records()
        self.assertEqual(action["res_model"], "acorn.vc.purchase.order.line")
        opened = self.env[action["res_model"]].search(action["domain"])
        expected = self.orders.line_ids.filtered(
            lambda line: (
                line.asin == row.asin
                and row.period_start <= line.order_id.po_date.date() <= row.period_end
            )
        )
        self.assertEqual(opened, expected)
        action = row.action_open_amazon_rows()
        self.assertEqual(action["res_model"], "acorn.vc.report.inventory")
        report_rows = self.env[action["res_model"]].search(action["domain"])
        self.assertTrue(report_rows)
        self.assertEqual(set(report_rows.mapped("asin")), {row.asin})
        days = report_rows.mapped("period_start")
        self.assertTrue(row.period_start <= min(days) and max(days) <= row.period_end)
        self.assertEqual(len(set(days)), len(report_rows), "one program and view")

    def test_a_rerun_replaces_the_rows_and_xmlrpc_returns_them(self):
        run = self._compare(group_by="account")
        first = run.line_ids
        self.assertTrue(first)
        run.action_compute()
        self.assertFalse(first.exists(), "the previous rows are gone")
        self.assertEqual(len(run.line_ids), len(first))
        rows = self.Comparison.compare_kpis(
            self.account.ids, str(DATE_FROM), str(DATE_TO), "week", "account"
        )
        self.assertEqual(self.Comparison._acorn_mine(), run, "the same comparison")
        self.assertEqual(len(rows), len(first))
        shipped = next(r for r in rows if r["kpi"] == "shipped_units")
        self.assertIs(shipped["acorn_value"], False, "no figure is False, never 0")
        # Stored as NULL, not 0: the pivot's averages leave a side without a figure out.
        self.env.cr.execute(
            "SELECT COUNT(*), COUNT(acorn_value), COUNT(amazon_value) "
            "FROM acorn_vc_kpi_comparison_line WHERE comparison_id = %s AND kpi = %s",
            [run.id, "shipped_units"],
        )
        count, acorn_figures, amazon_figures = self.env.cr.fetchone()
        self.assertEqual((acorn_figures, amazon_figures), (0, count))
        self.assertIs(shipped["difference"], False)
        self.assertIsInstance(shipped["amazon_value"], float)
        xmlrpc_dumps((rows,))  # what an XML-RPC caller gets is serialisable
        self.assertEqual(shipped["reason"], "only Amazon reports this")

    def test_a_period_ending_before_it_starts_is_refused(self):
        run = self.Comparison._acorn_mine()
        run.write({"account_ids": [(6, 0, self.account.ids)], "date_from": DATE_TO})
        run.date_to = DATE_FROM
        with self.assertRaisesRegex(UserError, "after its end"):
            run.action_compute()

    def test_the_menu_opens_the_users_own_comparison(self):
        mine = self.Comparison.with_user(self.user_ops)
        action = mine.action_open_mine()
        again = mine.action_open_mine()
        self.assertEqual(action["res_id"], again["res_id"])
        self.assertEqual(self.Comparison.browse(action["res_id"]).user_id, self.user_ops)
        theirs = self.Comparison._acorn_mine()  # the administrator's own run
        self.assertNotEqual(theirs.user_id, self.user_ops)
        self.assertNotIn(theirs, mine.search([]), "another user's run stays theirs")


@tagged("-at_install", "post_install")
class TestKpiComparisonRecords(InvoiceFlow, AcornVendorCommon):
    """Acorn's side beyond PO lines, from Odoo's own records: a PO delivered with its ASN,
    invoiced, partly returned and charged back, each dated by hand in February 2026."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_invoice_flow(cls.account, seed=67)

    def _at(self, day, hour=10):
        return datetime(2026, 2, day, hour)

    def _transaction(self, kind, when, state="success", **links):
        return (
            self.env["acorn.vc.transaction"]
            .sudo()
            .create(
                {
                    "account_id": self.account.id,
                    "kind": kind,
                    "payload": {"hand_built": True},
                    "state": state,
                    "submitted_at": when,
                    **links,
                }
            )
        )

    def _rows(self):
        run = self.env["acorn.vc.kpi.comparison"]._acorn_mine()
        run.write(
            {
                "account_ids": [(6, 0, self.account.ids)],
                "date_from": date(2026, 2, 1),
                "date_to": date(2026, 2, 28),
                "freq": "month",
                "group_by": "account",
            }
        )
        run.action_compute()
        return {row.kpi: row for row in run.line_ids if row.has_acorn}

    def test_asns_invoices_returns_and_deductions_feed_acorns_side(self):
        po = self._po()
        sale = self._acknowledge_and_ship(po)
        picking = sale.picking_ids
        picking.acorn_asn_state = "accepted"
        self._transaction("shipment_confirmation", self._at(17), picking_id=picking.id)
        delivered = {sol.acorn_po_line_id: int(sol.qty_delivered) for sol in sale.order_line}
        for line, units in delivered.items():  # what Amazon's PO status would say
            line.write({"received_qty": units, "received_date": self._at(18)})
        received = sum(delivered.values())

        move = self._invoice(sale)
        move.invoice_date = date(2026, 2, 18)
        move.action_post()
        self._transaction("invoice", self._at(18, 12), move_id=move.id)
        refund = move._reverse_moves([{"acorn_credit_reason": "return"}])
        refund.invoice_line_ids[1:].unlink()
        refund.invoice_line_ids.quantity = 1
        refund.invoice_date = date(2026, 2, 20)
        refund.action_post()
        self.env["acorn.vc.deduction"].create(
            {
                "account_id": self.account.id,
                "currency_id": self.company.currency_id.id,
                "date": date(2026, 2, 20),
                "name": "CB-1",
                "kind": "chargeback",
                "amount": -30.0,
                "amz_quantity": 2,
                "purchase_order_id": po.id,
            }
        )
        rows = self._rows()
        self.assertEqual(rows["asn_timeliness"].acorn_value, 1.0, "sent the day before")
        self.assertEqual(rows["asn_accuracy"].acorn_value, 1.0)
        self.assertEqual(rows["first_pass_invoice_acceptance"].acorn_value, 1.0)
        self.assertAlmostEqual(rows["return_rate"].acorn_value, 1 / received)
        self.assertAlmostEqual(rows["deduction_share"].acorn_value, 30.0 / move.amount_untaxed)
        self.assertEqual(rows["chargeback_units"].acorn_value, 2)
        self.assertEqual(rows["net_received_units"].acorn_value, received)
        self.assertEqual(rows["deduction_share"].reason, "Amazon's reports do not give this")
        action = rows["asn_accuracy"].action_open_acorn_records()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), picking)
        action = rows["deduction_share"].action_open_acorn_records()
        self.assertEqual(len(self.env[action["res_model"]].search(action["domain"])), 1)

        # Amazon received one less than the ASN said; the first answer was a refusal.
        first = po.line_ids.filtered("received_qty")[:1]
        first.received_qty -= 1
        move.acorn_transaction_ids.state = "failure"
        self._transaction("invoice", self._at(19), move_id=move.id)
        rows = self._rows()
        self.assertEqual(rows["asn_accuracy"].acorn_value, 0.0)
        self.assertEqual(rows["first_pass_invoice_acceptance"].acorn_value, 0.0)
