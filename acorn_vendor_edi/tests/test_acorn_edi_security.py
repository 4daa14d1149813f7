from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from ..core import exchange
from ..core._vendor import domain
from .common import EdiCommon


@tagged("-at_install", "post_install")
class TestEdiSecurityAndEdifact(EdiCommon):
    """Who sees the log, who sees transport secrets; EDIFACT end to end; no file lost."""

    def test_restricted_account_hides_its_documents(self):
        self.drop_850(self.purchase_order("SECPO1"))
        self.poll()
        ops = new_test_user(self.env, "edi_ops", groups="acorn_vendor.group_acorn_user")
        other = new_test_user(self.env, "edi_other", groups="acorn_vendor.group_acorn_user")
        Doc = self.Document.with_user(ops)
        self.assertEqual(Doc.search_count([("account_id", "=", self.account.id)]), 2)
        self.account.allowed_user_ids = other
        self.assertEqual(Doc.search_count([("account_id", "=", self.account.id)]), 0)
        manager = self.Document.with_user(self.user_manager)
        self.assertEqual(manager.search_count([("account_id", "=", self.account.id)]), 2)
        with self.assertRaises(AccessError):
            Doc.browse(manager.search([], limit=1).ids).read(["name"])

    def test_other_company_documents_are_invisible(self):
        company_2 = self.env["res.company"].create({"name": "EDI Test GmbH"})
        account_2 = (
            self.env["acorn.vc.account"]
            .with_company(company_2)
            .create(
                {
                    "name": "Amazon DE EDI",
                    "marketplace_code": "DE",
                    "company_id": company_2.id,
                    "channel": "edi",
                    "edi_sender_id": "ACORNDE",
                    "edi_receiver_id": "AMAZONDE",
                }
            )
        )
        doc = self.Document.create(
            {"name": "x.edi", "account_id": account_2.id, "direction": "in", "state": "received"}
        )
        ops = new_test_user(self.env, "edi_ops2", groups="acorn_vendor.group_acorn_user")
        self.assertFalse(self.Document.with_user(ops).search([("id", "=", doc.id)]))

    def test_transport_secrets_are_for_system_administrators(self):
        self.account.sudo().edi_sftp_password = "s3cret"
        ops = new_test_user(self.env, "edi_ops3", groups="acorn_vendor.group_acorn_manager")
        with self.assertRaises(AccessError):
            self.account.with_user(ops).read(["edi_sftp_password"])
        # The job reads them as superuser; nothing else needs them.
        self.account.edi_transport = "sftp"
        settings = self.account.with_user(ops)._acorn_edi_transport_settings()
        self.assertEqual(settings["password"], "s3cret")

    def test_edifact_orders_become_a_po_and_get_a_contrl(self):
        self.account.write(
            {
                "edi_standard": "edifact",
                "edi_sender_id": "4012345000009",
                "edi_receiver_id": "5450534000000",
            }
        )
        po = self.purchase_order("EUPO1")
        po.buying_party = domain.Party("5450534000000")  # Amazon's rules want NAD+BY
        data = exchange.as_partner(self.profile(), [po], 88)
        self.drop("orders.edi", data)
        self.poll()
        doc = self.Document.search([("name", "=", "orders.edi")])
        self.assertEqual(
            (doc.state, doc.standard, doc.doc_type), ("acknowledged", "edifact", "ORDERS")
        )
        self.assertEqual(doc.purchase_order_ids.name, "EUPO1")
        self.assertTrue(doc.purchase_order_ids.sale_order_id)
        (name,) = self.outbox("CONTRL_")
        self.assertValidEdifact(self.read_file("out", name))
        contrl = exchange.read_file(self.read_file("out", name))
        self.assertTrue(contrl.ok, contrl.all_errors())
        (outcome,) = exchange.ack_outcomes(contrl.messages[0])
        self.assertEqual((outcome.interchange_control, outcome.accepted), ("88", True))
        # The acknowledgement goes out as ORDRSP.
        record = doc.purchase_order_ids
        record.action_accept_all()
        record.action_send_acknowledgement()
        self.run_jobs()
        (ordrsp,) = self.outbox("ORDRSP_")
        self.assertValidEdifact(self.read_file("out", ordrsp))
        back = exchange.read_file(self.read_file("out", ordrsp))
        self.assertTrue(back.ok, back.all_errors())
        self.assertEqual(back.messages[0].document.purchase_order_number, "EUPO1")

    def test_a_file_stored_but_not_archived_is_archived_by_the_next_poll(self):
        self.drop_850(self.purchase_order("SECPO2"))
        self.account._cron_poll_transports()
        self.run_jobs_without_commit_hooks()
        self.assertEqual(self.folder("in"), ["850_7001.edi"], "not archived: no commit")
        self.poll()
        self.assertEqual(self.folder("in"), [])
        self.assertEqual(self.folder("archive"), ["850_7001.edi"])
        self.assertEqual(self.Document.search_count([("name", "=", "850_7001.edi")]), 1)

    def run_jobs_without_commit_hooks(self):
        """As if the commit happened but archiving failed (the hooks never ran)."""
        self.run_jobs_hooks = False
        try:
            return self.run_jobs()
        finally:
            self.run_jobs_hooks = True
