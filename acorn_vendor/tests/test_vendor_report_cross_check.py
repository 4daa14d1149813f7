from datetime import date, datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from ..core.reports.cross_check import RECEIPT_GRACE_DAYS
from .common import AcornVendorCommon, SandboxMixin
from .test_asn import AsnCommon
from .test_remittance_booking import RemittanceSetup, payments_csv
from .test_vendor_report_kpi import ReportRowsMixin, inventory_row


@tagged("-at_install", "post_install")
class TestVendorReportCrossCheck(ReportRowsMixin, AcornVendorCommon):
    """The monthly cross-check job: Amazon's received units against Odoo's own figures."""

    def _activities(self):
        return self.env["mail.activity"].search(
            [("res_model", "=", "acorn.vc.account"), ("res_id", "=", self.account.id)]
        )

    def test_a_month_amazon_received_that_odoo_never_shipped_gives_one_activity(self):
        # Amazon's inventory report says it received 40 units of an ASIN in February; no PO
        # line in Acorn shows Amazon receiving them (a PO missing in Acorn).
        self._load(
            "GET_VENDOR_INVENTORY_REPORT",
            [inventory_row("2026-02-15", "B0XCHK0001", 1.0, 40)],
        )
        product = self.env["product.product"].create(
            {"name": "Cross-check kettle", "amz_asin": "B0XCHK0001"}
        )
        before = self._activities()
        Check = self.env["acorn.vc.report.cross.check"]
        run, diffs = Check._acorn_cross_check_run(self.account, date(2026, 2, 10))
        self.assertEqual(set(diffs["key"]), {"B0XCHK0001"})
        units_checks = ["receipts_vs_report"]
        self.assertEqual(sorted(diffs["check"]), units_checks)
        # Stored: one run for the account and month, a line per difference linked to the
        # product behind the ASIN.
        self.assertEqual((run.account_id, run.month), (self.account, date(2026, 2, 1)))
        self.assertEqual((run.state, run.difference_count), ("differences", 1))
        self.assertEqual(sorted(run.line_ids.mapped("check_type")), units_checks)
        self.assertEqual(run.line_ids.product_id, product)
        self.assertEqual(run.line_ids.mapped("amazon_value"), [40.0])
        opened = run.line_ids[0].action_open_record()
        self.assertEqual((opened["res_model"], opened["res_id"]), ("product.product", product.id))
        activity = self._activities() - before
        self.assertEqual(len(activity), 1)
        self.assertIn("2026-02", activity.summary)
        self.assertIn("B0XCHK0001", str(activity.note))
        self.assertIn(f"acorn_vc_cross_check_action/{run.id}", str(activity.note))
        self.assertEqual(activity.user_id, self.account._acorn_responsible())
        # Idempotent: the cron again, the same month, the same run, lines and one activity.
        old_lines = run.line_ids
        Check._cron_monthly_cross_check(month=date(2026, 2, 1))
        self.assertEqual(self._activities() - before, activity)
        runs = self.env["acorn.vc.cross.check"].search([("account_id", "=", self.account.id)])
        self.assertEqual(runs, run)
        self.assertEqual(len(run.line_ids), 1)
        self.assertFalse(old_lines.exists(), "a re-run replaces the month's lines")
        # A clean month (nothing received, nothing shipped) schedules nothing; its run says
        # 0 differences and why the inventory report check did not run.
        clean, diffs = Check._acorn_cross_check_run(self.account, date(2026, 1, 5))
        self.assertTrue(diffs.empty)
        self.assertEqual((clean.difference_count, clean.line_ids.ids), (0, []))
        self.assertIn("no inventory report of the month is loaded", clean.check_summary)
        self.assertEqual(self._activities() - before, activity)

    def test_differences_under_the_accounts_threshold_give_no_activity_and_close_the_months(self):
        self._load(
            "GET_VENDOR_INVENTORY_REPORT",
            [inventory_row("2026-02-15", "B0XCHK0001", 1.0, 40)],
        )
        Check = self.env["acorn.vc.report.cross.check"]
        before = self._activities()
        self.account.cross_check_activity_threshold = 2
        run, diffs = Check._acorn_cross_check_run(self.account, date(2026, 2, 10))
        self.assertEqual((len(diffs), run.difference_count), (1, 1), "the run keeps it")
        self.assertFalse(self._activities() - before)
        self.account.cross_check_activity_threshold = 1
        Check._acorn_cross_check_run(self.account, date(2026, 2, 10))
        activity = self._activities() - before
        self.assertEqual(len(activity), 1)
        self.assertEqual(run.activity_id, activity, "the run keeps its activity")
        # Raised again, a re-run marks the month's activity done and says why on the account.
        self.account.cross_check_activity_threshold = 5
        Check._acorn_cross_check_run(self.account, date(2026, 2, 10))
        self.assertFalse(activity.exists() and activity.active)
        self.assertFalse(self._activities() - before)
        message = self.account.message_ids[:1]
        self.assertIn("under the account's threshold of 5", str(message.body))
        # Lowered once more: a new activity, not the one marked done.
        self.account.cross_check_activity_threshold = 1
        Check._acorn_cross_check_run(self.account, date(2026, 2, 10))
        again = self._activities() - before
        self.assertEqual(len(again), 1)
        self.assertEqual(run.activity_id, again)

    def test_wizard_runs_last_month_and_opens_the_run(self):
        wizard = (
            self.env["acorn.vc.cross.check.wizard"]
            .with_user(self.user_ops)
            .with_context(allowed_company_ids=[self.company.id])
            .create({"account_id": self.account.id})
        )
        today = fields.Date.context_today(wizard)
        last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        self.assertEqual(wizard.month, last_month)
        wizard.month = date(2026, 1, 20)
        action = wizard.action_run()
        run = self.env["acorn.vc.cross.check"].browse(action["res_id"])
        self.assertEqual(
            (action["res_model"], run.month), ("acorn.vc.cross.check", date(2026, 1, 1))
        )
        self.assertEqual(run.account_id, self.account)
        # A Sales Ops user reads the run but cannot edit it.
        self.assertEqual(run.with_user(self.user_ops).read(["state"])[0]["state"], run.state)
        with self.assertRaises(AccessError):
            run.with_user(self.user_ops).write({"error_count": 3})

    def test_an_edi_account_says_the_amazon_checks_need_sp_api(self):
        values = {"channel": "edi"}
        if "edi_sender_id" in self.account._fields:  # acorn_vendor_edi installed
            values.update(edi_sender_id="ACORNTEST", edi_receiver_id="AMAZON")
        self.account.write(values)
        run, _diffs = self.env["acorn.vc.report.cross.check"]._acorn_cross_check_run(
            self.account, date(2026, 2, 1)
        )
        self.assertEqual(run.skipped_count, 5)
        self.assertEqual(run.check_summary.count("over SP-API"), 3)


@tagged("-at_install", "post_install")
class TestVendorReportCrossCheckPaid(RemittanceSetup, AcornVendorCommon):
    """Invoiced vs paid: the invoices due in the month against Amazon's remittances."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_remittances(cls.account)
        cls._invoices(
            cls.account,
            [
                ("XPAID-1", "2026-01-05", 100, "2026-02-04"),
                ("XPAID-2", "2026-01-06", 200, "2026-02-05"),
                ("XPAID-3", "2026-01-07", 50, "2026-02-06"),
                ("XPAID-4", "2026-02-07", 70, "2026-03-09"),  # due next month
            ],
        )

    def test_short_paid_and_unpaid_invoices_due_in_the_month_are_named(self):
        Check = self.env["acorn.vc.report.cross.check"]
        # No remittance imported yet: nothing to compare (the check waits for the first).
        run, diffs = Check._acorn_cross_check_run(self.account, date(2026, 2, 1))
        self.assertFalse(len(diffs[diffs["check"] == "invoiced_vs_paid"]))
        self.assertIn("no remittance of this account is imported yet", run.check_summary)
        self._import(
            payments_csv(
                [
                    (
                        "XP-1",
                        "02/10/2026",
                        "250.00",
                        [
                            ("XPAID-1", "01/05/2026", "", "100.00", "0", "100.00"),
                            ("XPAID-2", "01/06/2026", "", "200.00", "0", "150.00"),
                        ],
                    )
                ]
            )
        )
        run, diffs = Check._acorn_cross_check_run(self.account, date(2026, 2, 20))
        paid = diffs[diffs["check"] == "invoiced_vs_paid"]
        self.assertEqual(list(paid["key"]), ["XPAID-2", "XPAID-3"])
        self.assertEqual(list(paid["amazon"]), [150.0, 0])
        self.assertEqual(list(paid["difference"]), [50.0, 50.0])
        lines = run.line_ids.filtered(lambda line: line.check_type == "invoiced_vs_paid")
        self.assertEqual(lines.invoice_id.mapped("amz_invoice_number"), ["XPAID-2", "XPAID-3"])


@tagged("-at_install", "post_install")
class TestVendorReportCrossCheckPurchaseOrders(AcornVendorCommon):
    """PO numbers and accepted units: what Amazon dated and recorded in the month
    (getPurchaseOrders, getPurchaseOrdersStatus) against Acorn's POs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = cls._start_sandbox(
            cls.account,
            seed=23,
            pos_per_day=4,
            history_days=20,
            frozen_clock=True,
            start_time="2026-03-24T12:00:00Z",
        )
        cls._catalogue_products()  # PO lines link to products: a difference opens one
        cls.now = cls.sandbox.now().replace(tzinfo=None)
        cls.start = cls.now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        cls.account._acorn_fetch_and_import(cls.start - timedelta(days=1), cls.now, changed=False)
        cls.month_pos = cls.env["acorn.vc.purchase.order"].search(
            [("account_id", "=", cls.account.id), ("po_date", ">=", cls.start)]
        )

    def _run(self):
        return self.env["acorn.vc.report.cross.check"]._acorn_cross_check_run(
            self.account, self.now.date(), now=self.now
        )

    def test_a_clean_month_then_a_po_deleted_in_odoo_is_named(self):
        self.assertTrue(self.month_pos, "the sandbox made POs this month")
        run, diffs = self._run()
        self.assertFalse(len(diffs), diffs.to_string())
        self.assertEqual((run.state, run.difference_count, run.error_count), ("clean", 0, 0))
        self.assertIn("POs compared", run.check_summary)

        deleted = self.month_pos[0]
        number = deleted.name
        deleted.unlink()
        again, diffs = self._run()
        self.assertEqual(again, run)
        rows = diffs[diffs["check"] == "purchase_orders"]
        self.assertEqual(list(rows["key"]), [number])
        self.assertEqual(list(rows["message"]), ["at Amazon, missing in Acorn"])
        # Its line names the PO; nothing in Odoo is left to open.
        line = run.line_ids.filtered(lambda ln: ln.check_type == "purchase_orders")
        self.assertEqual((line.key, line.amazon_value, line.acorn_value), (number, 1.0, 0.0))
        self.assertFalse(line.has_link)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "acorn.vc.account"), ("res_id", "=", self.account.id)]
        )
        self.assertIn(number, str(activity.note))

    def test_an_accepted_quantity_changed_in_odoo_is_named_per_asin(self):
        line = self.month_pos.line_ids.filtered(lambda ln: ln.accepted_qty > 0 and ln.product_id)[
            :1
        ]
        self.assertTrue(line, "the sandbox's history POs of the month are acknowledged")
        asin_total = sum(
            self.month_pos.line_ids.filtered(lambda ln: ln.asin == line.asin).mapped("accepted_qty")
        )
        line.accepted_qty -= 2
        run, diffs = self._run()
        rows = diffs[diffs["check"] == "accepted_units"]
        self.assertEqual(list(rows["key"]), [line.asin])
        self.assertEqual(list(rows["acorn"]), [asin_total - 2])
        self.assertEqual(list(rows["amazon"]), [asin_total])
        stored = run.line_ids.filtered(lambda ln: ln.check_type == "accepted_units")
        self.assertEqual(stored.difference, -2)
        opened = stored.action_open_record()
        self.assertEqual(
            (opened["res_model"], opened["res_id"]), ("product.product", line.product_id.id)
        )

    def test_an_account_without_credentials_skips_the_amazon_checks_only(self):
        run, _diffs = self.env["acorn.vc.report.cross.check"]._acorn_cross_check_run(
            self.account_2, date(2026, 2, 1)
        )
        self.assertEqual(run.error_count, 0)
        self.assertEqual(run.check_summary.count("skipped"), 5)

    def test_an_amazon_error_is_kept_on_the_run_and_the_other_checks_run(self):
        # Amazon refuses getPurchaseOrdersStatus only: the accepted-units check fails with
        # Amazon's words, the PO numbers are still compared.
        self.sandbox.set_faults("missing_role:getPurchaseOrdersStatus")
        self.addCleanup(self.sandbox.clear_faults)
        run, _diffs = self._run()
        self.assertEqual((run.error_count, run.state), (1, "incomplete"), run.check_summary)
        self.assertIn("Amazon error", run.check_summary)
        self.assertIn("dated in the month at Amazon", run.check_summary)
        self.assertIn("no inventory report of the month is loaded", run.check_summary)


@tagged("-at_install", "post_install")
class TestVendorReportCrossCheckReceived(AsnCommon):
    """Units per ASN: a delivery shipped through Acorn, its ASN accepted by the sandbox,
    against what the sandbox received."""

    @classmethod
    def _start_sandbox(cls, account=None, **config):
        config["start_time"] = "2026-03-10T12:00:00Z"  # the month checked is March
        # March 2026 is older than the default cut-off for making sale orders from POs.
        account.sale_order_cutoff_days = 36500
        return super()._start_sandbox(account, **config)

    def _shipped(self, shortage_rate):
        """A delivery shipped now (the sandbox's time), its ASN accepted; Amazon will be
        short on it when ``shortage_rate`` is 1."""
        self.sandbox.cfg.shortage_rate = shortage_rate
        picking = self._delivery()
        self._ship(picking)
        now = self.sandbox.now().replace(tzinfo=None)
        picking.write({"acorn_shipped_date": now, "acorn_bill_of_lading": f"BOL-{picking.id}"})
        transaction = picking._acorn_send_asn(now=now)
        self.assertTrue(transaction, picking.acorn_asn_errors)
        self.assertEqual(self._run(transaction), "success")
        return picking

    def _check(self):
        """The month's cross-check, the sync being current: every PO Amazon made in March,
        history included, is imported first so the PO numbers agree as well."""
        now = self.sandbox.now().replace(tzinfo=None)
        self.account._acorn_fetch_and_import(datetime(2026, 3, 1), now, changed=False)
        return self.env["acorn.vc.report.cross.check"]._acorn_cross_check_run(
            self.account, now.date(), now=now
        )

    def test_a_received_asn_is_clean_a_short_one_is_named_with_its_delivery(self):
        full = self._shipped(0)
        # Not received yet: no difference, the run says it waits.
        run, diffs = self._check()
        self.assertFalse(len(diffs), diffs.to_string())
        self.assertIn(full._acorn_shipment_id(), run.check_summary)
        self.assertIn(f"within {RECEIPT_GRACE_DAYS} days", run.check_summary)
        self.sandbox.advance(3 * 86400)  # the sandbox receives two days after shipping
        run, diffs = self._check()
        self.assertFalse(len(diffs), diffs.to_string())
        self.assertEqual((run.state, run.line_ids.ids), ("clean", []))

        short = self._shipped(1.0)
        self.sandbox.advance(3 * 86400)
        again, diffs = self._check()
        self.assertEqual(again, run, "a re-run of the month replaces its lines")
        line = run.line_ids
        self.assertEqual(len(line), 1, diffs.to_string())
        shipped = sum(short.move_ids.mapped("quantity"))
        self.assertEqual(
            (line.check_type, line.key), ("received_units", short._acorn_shipment_id())
        )
        self.assertEqual(line.acorn_value, shipped)
        self.assertGreater(line.difference, 0)
        self.assertEqual(line.amazon_value, shipped - line.difference)
        self.assertEqual(line.picking_id, short)
        opened = line.action_open_record()
        self.assertEqual((opened["res_model"], opened["res_id"]), ("stock.picking", short.id))
        self.sandbox.cfg.shortage_rate = 0


@tagged("-at_install", "post_install")
class TestVendorReportCrossCheckXmlRpc(SandboxMixin, HttpCase):
    """A vendor's script runs a month's cross-check over XML-RPC and reads its differences."""

    def test_run_a_month_over_xmlrpc(self):
        account = self.env["acorn.vc.account"].create({"name": "RPC XC", "marketplace_code": "US"})
        new_test_user(
            self.env, "acorn_xc", password="acorn_xc_pw1", groups="acorn_vendor.group_acorn_user"
        )
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, "acorn_xc", "acorn_xc_pw1", {})

        def call(model, method, *args, **kwargs):
            return self.xmlrpc_object.execute_kw(
                db, uid, "acorn_xc_pw1", model, method, list(args), kwargs
            )

        run_id = call("acorn.vc.cross.check", "acorn_run", account.id, "2026-02-14")
        [run] = call("acorn.vc.cross.check", "read", [run_id], fields=["month", "state"])
        self.assertEqual((run["month"], run["state"]), ("2026-02-01", "clean"))
        lines = call("acorn.vc.cross.check.line", "search_count", [("run_id", "=", run_id)])
        self.assertEqual(lines, 0)
