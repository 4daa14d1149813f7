"""Finance screens on Odoo's own pivot and list views: unpaid Amazon invoices by age bucket
and account, and a remittance's lines by kind, each drilling down to its invoice or
deduction."""

from odoo.tests import tagged

from .common import AcornVendorCommon
from .test_remittance_booking import RemittanceSetup, payments_csv


@tagged("-at_install", "post_install")
class TestReceivableAging(RemittanceSetup, AcornVendorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_remittances(cls.account)
        # Due dates far from any test day: long overdue, and not due for decades.
        cls.old, cls.paid, cls.future = cls._invoices(
            cls.account,
            [
                ("OLD-1", "2020-01-06", 300, "2020-03-06"),
                ("PAID-1", "2020-01-07", 100, "2020-03-07"),
                ("NEW-1", "2099-01-05", 80, "2099-03-05"),
            ],
        )
        cls.env.flush_all()

    def test_open_invoices_by_age_bucket_and_account(self):
        self._import(
            payments_csv(
                [
                    (
                        "A-1",
                        "02/03/2026",
                        "190.00",
                        [
                            ("OLD-1", "01/06/2020", "", "300.00", "0", "100.00"),
                            ("PAID-1", "01/07/2020", "", "100.00", "0", "100.00"),
                            ("OLD-1SC", "01/06/2020", "Shortage claim", "-10.00", "0", "-10.00"),
                        ],
                    )
                ]
            )
        )
        Aging = self.env["acorn.vc.receivable.aging"].with_user(self.user_finance)
        rows = Aging.search([("account_id", "=", self.account.id)])
        self.assertEqual(rows.move_id, self.old | self.future, "the paid invoice is not aging")
        by_bucket = dict(
            Aging._read_group(
                [("account_id", "=", self.account.id)], ["age_bucket"], ["amount_residual:sum"]
            )
        )
        self.assertEqual(
            by_bucket,
            {"over_90": 200.0, "current": 80.0},
            [(r.move_id.name, r.invoice_date_due, r.days_overdue, r.age_bucket) for r in rows],
        )
        old = rows.filtered(lambda row: row.move_id == self.old)
        self.assertGreater(old.days_overdue, 2000)
        self.assertEqual(old.action_open_invoice()["res_id"], self.old.id)
        # The remittance's lines by kind, each opening its invoice or its deduction.
        remittance = self._remittance("A-1").with_user(self.user_finance)
        action = remittance.action_view_lines()
        lines = (
            self.env["acorn.vc.remittance.line"]
            .with_user(self.user_finance)
            .search(action["domain"])
        )
        self.assertEqual(len(lines), 3)
        self.assertEqual(action["context"], "{'search_default_group_kind': 1}")
        by_number = {line.invoice_number: line for line in lines}
        self.assertEqual(by_number["OLD-1"].action_open_source()["res_id"], self.old.id)
        claim = by_number["OLD-1SC"].action_open_source()
        self.assertEqual(claim["res_model"], "acorn.vc.deduction")
        deduction = self.env["acorn.vc.deduction"].browse(claim["res_id"])
        self.assertEqual((deduction.kind, deduction.invoice_id), ("shortage_claim", self.old))
