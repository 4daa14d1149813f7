import os
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.acorn_vendor.core.sandbox import testing

from ..core import exchange, x12
from .common import EdiCommon


@tagged("-at_install", "post_install")
class TestEdiInbound(EdiCommon):
    """Files dropped in the inbox: stored, processed once, answered with a 997."""

    def test_850_in_the_inbox_becomes_po_sale_order_and_997(self):
        self.drop_850(self.purchase_order("EDIPO1"))
        self.poll()
        self.assertEqual(self.folder("in"), [], "the file left the inbox")
        self.assertEqual(self.folder("archive"), ["850_7001.edi"])
        doc = self.Document.search([("account_id", "=", self.account.id), ("direction", "=", "in")])
        self.assertEqual(len(doc), 1)
        self.assertEqual(
            (doc.state, doc.doc_type, doc.control_number, doc.sender_id),
            ("acknowledged", "850", "000007001", "AMAZONTEST"),
        )
        po = doc.purchase_order_ids
        self.assertEqual(po.name, "EDIPO1")
        self.assertEqual(po.line_count, 3)
        self.assertTrue(po.sale_order_id, "the quotation follows, as over SP-API")
        self.assertEqual(po.sale_order_id.order_line.mapped("product_uom_qty"), [5.0, 10.0, 15.0])
        (ack_name,) = self.outbox("997_")
        ack = self.read_file("out", ack_name)
        self.assertIn(b"AK1*PO*7001~", ack)
        self.assertIn(b"AK9*A*1*1*1~", ack)
        self.assertIn(b"*ZZ*ACORNTEST      *ZZ*AMAZONTEST     *", ack)
        self.assertValidX12(ack)
        self.assertEqual(doc.ack_document_id.state, "sent")
        self.assertEqual(doc.ack_document_id.name, ack_name)

    def test_users_read_the_file_in_odoo_and_never_see_the_server_path(self):
        self.drop_850(self.purchase_order("EDIREAD"))
        self.poll()
        doc = self.Document.search([("account_id", "=", self.account.id), ("direction", "=", "in")])
        self.assertIn("/", doc.transport_ref, "a folder transport's reference is a path")
        self.assertEqual(doc.raw_text.encode(), doc._acorn_raw_bytes())
        self.assertIn("EDIREAD", doc.raw_text)
        self.assertTrue(doc.raw_text.startswith("ISA*"))
        for user, sees_path in (
            (self.user_manager, False),
            (self.env.ref("base.user_admin"), True),
        ):
            arch = self.Document.with_user(user).get_view(view_type="form")["arch"]
            self.assertIn('name="raw_text"', arch)
            self.assertEqual('name="transport_ref"' in arch, sees_path, user.login)

    def test_several_850s_in_one_file_import_as_one_batch(self):
        self.drop_850(*(self.purchase_order(f"BATCH{n}") for n in range(3)), control=7400)
        self.poll()
        doc = self.Document.search([("name", "=", "850_7400.edi")])
        self.assertEqual((doc.state, doc.processed_count), ("acknowledged", 3))
        self.assertEqual(
            sorted(doc.purchase_order_ids.mapped("name")), ["BATCH0", "BATCH1", "BATCH2"]
        )
        self.assertEqual(len(doc.purchase_order_ids.sale_order_id), 3)
        self.assertIn("3 POs: 3 created", doc.notes)
        self.assertIn(b"AK9*A*3*3*3~", self.read_file("out", self.outbox("997_")[0]))

    def test_the_same_interchange_is_never_processed_twice(self):
        data = self.drop_850(self.purchase_order("EDIPO2"))
        self.poll()
        self.drop("resent.edi", data)
        self.poll()
        first, second = self.Document.search(
            [("account_id", "=", self.account.id), ("direction", "=", "in")], order="id"
        )
        self.assertEqual(first.state, "acknowledged")
        self.assertEqual((second.state, second.original_id), ("duplicate", first))
        self.assertEqual(len(self.outbox("997_")), 1, "no second 997")
        pos = self.env["acorn.vc.purchase.order"].search([("name", "=", "EDIPO2")])
        self.assertEqual(len(pos.payload_ids), 1)

    @mute_logger("odoo.addons.acorn_vendor_edi.core.x12.reader")
    def test_a_bad_set_among_good_ones_and_garbage(self):
        data = exchange.as_partner(
            self.profile(), [self.purchase_order("GOOD1"), self.purchase_order("BAD2")], 7100
        ).replace(b"BEG*00*NE*BAD2*", b"BEG*00*NE**")
        self.drop("mixed.edi", data)
        self.drop("garbage.bin", b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
        self.poll()
        mixed = self.Document.search([("name", "=", "mixed.edi")])
        garbage = self.Document.search([("name", "=", "garbage.bin")])
        self.assertEqual(mixed.state, "error")
        self.assertIn("BEG03", mixed.errors)
        self.assertEqual(mixed.purchase_order_ids.mapped("name"), ["GOOD1"])
        self.assertEqual(mixed._acorn_raw_bytes(), data, "the raw file is kept")
        (ack_name,) = self.outbox("997_")
        ack = self.read_file("out", ack_name)
        self.assertIn(b"AK2*850*0002~", ack)
        self.assertIn(b"AK5*R", ack)
        self.assertIn(b"AK9*P*2*2*1~", ack)
        self.assertValidX12(ack)
        self.assertEqual(garbage.state, "error")
        self.assertIn("neither X12", garbage.errors)
        self.assertFalse(garbage.ack_document_id, "nothing to acknowledge in garbage")
        self.assertEqual(garbage._acorn_raw_bytes(), b"\x89PNG\r\n\x1a\n\x00\xff\xfe")

    def test_an_interchange_for_someone_else_is_not_processed(self):
        profile = self.profile()
        profile.sender_id = "OTHERVENDOR"
        self.drop("misrouted.edi", exchange.as_partner(profile, [self.purchase_order("NOTME")], 1))
        self.poll()
        doc = self.Document.search([("name", "=", "misrouted.edi")])
        self.assertEqual(doc.state, "error")
        self.assertIn("addressed to OTHERVENDOR", doc.errors)
        self.assertFalse(doc.purchase_order_ids)
        self.assertEqual(self.outbox("997_"), [])

    def test_reprocess_after_a_fix(self):
        self.drop_850(self.purchase_order("EDIPO3"))
        self.account.sync_active = False  # not polled: the cron skips it
        self.assertEqual(self.account._cron_poll_transports(), 0)
        self.assertEqual(self.folder("in"), ["850_7001.edi"])
        self.account.sync_active = True
        self.account.action_edi_poll_now()  # the button queues the same job
        self.run_jobs()
        doc = self.Document.search([("name", "=", "850_7001.edi")])
        doc.state = "error"
        doc.action_reprocess()
        self.run_jobs()
        # Sets already processed are skipped; the file gets its 997 again.
        self.assertEqual(doc.state, "acknowledged")
        self.assertIn("already processed, skipped", doc.notes)
        self.assertEqual(len(doc.purchase_order_ids.payload_ids), 1)
        action = doc.action_download()
        self.assertIn(f"/web/content/acorn.edi.document/{doc.id}/raw/", action["url"])

    def test_860_changes_the_po_like_an_sp_api_change(self):
        from ..core._vendor import domain

        po = self.purchase_order("EDIPO4")
        self.drop_850(po)
        self.poll()
        change = domain.PurchaseOrderChange(
            "EDIPO4",
            "Change",
            po.date + timedelta(minutes=30),
            items=[domain.PurchaseOrderChangeItem("1", "QI", po.items[0].ids, quantity_change=7)],
        )
        self.drop("860.edi", exchange.as_partner(self.profile(), [change], 7200))
        self.poll()
        doc = self.Document.search([("name", "=", "860.edi")])
        self.assertEqual(doc.state, "acknowledged", doc.errors)
        record = doc.purchase_order_ids
        line = record.line_ids.filtered(lambda ln: ln.sequence_number == "1")
        self.assertEqual(line.ordered_qty, 12)
        self.assertEqual(len(record.payload_ids), 2, "a new version, archived")
        sol = record.sale_order_id.order_line.filtered(lambda s: s.acorn_po_line_id == line)
        self.assertEqual(sol.product_uom_qty, 12)


@tagged("-at_install", "post_install")
class TestEdiOutbound(EdiCommon):
    """Acknowledgements, ASNs and invoices of an EDI account leave as 855, 856, 810."""

    def setUp(self):
        super().setUp()
        self.drop_850(self.purchase_order(f"OUT{self.id()[-6:]}"))
        self.poll()
        self.po = self.Document.search(
            [("account_id", "=", self.account.id), ("doc_type", "=", "850")]
        ).purchase_order_ids
        self.assertTrue(self.po)

    def _transaction(self, kind, body):
        tx = self.env["acorn.vc.transaction"].create(
            {
                "account_id": self.account.id,
                "kind": kind,
                "purchase_order_id": self.po.id,
                "payload": body,
            }
        )
        tx._acorn_enqueue_submit()
        self.run_jobs()
        return tx

    def _amazon_answers(self, doc, mangle=None):
        """Amazon's 997 for our file, dropped in the inbox and polled."""
        text = doc._acorn_raw_bytes().decode()
        if mangle:
            text = mangle(text)
        answer, _ = x12.acknowledge(text)
        self.drop(f"amazon_997_{doc.control_number}.edi", answer.encode())
        self.poll()

    def test_acknowledgement_goes_out_as_855_and_997_confirms_the_sale_order(self):
        self.po.action_accept_all()
        self.po.action_send_acknowledgement()
        self.run_jobs()
        tx = self.po.transaction_ids
        self.assertEqual(tx.state, "processing")
        doc = tx.edi_document_ids
        self.assertEqual((doc.state, doc.doc_type), ("sent", "855"))
        (name,) = self.outbox("855_")
        data = self.read_file("out", name)
        self.assertIn(f"BAK*00*AD*{self.po.name}*".encode(), data)
        self.assertValidX12(data)
        self.assertFalse(tx.next_check_at, "no getTransaction polling on EDI")
        self._amazon_answers(doc)
        self.assertEqual(doc.state, "acknowledged")
        self.assertEqual((tx.state, tx.resolved_by), ("success", "edi_ack"))
        self.assertEqual(self.po.ack_status, "done")
        self.assertEqual(self.po.sale_order_id.state, "sale")

    def test_rejecting_997_fails_the_transaction(self):
        self.po.action_accept_all()
        self.po.action_send_acknowledgement()
        self.run_jobs()
        tx = self.po.transaction_ids
        doc = tx.edi_document_ids
        self._amazon_answers(doc, lambda t: t.replace("BAK*00*AD*", "BAK*00*QQ*"))
        self.assertEqual(doc.state, "error")
        self.assertEqual(tx.state, "failure")
        self.assertIn("855 0001 rejected", tx.errors)
        self.assertEqual(self.po.ack_status, "failed")

    def test_asn_and_invoice_go_out_as_856_and_810(self):
        order = self.po.payload_ids[:1].content
        when = fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        asn = self._transaction(
            "shipment_confirmation", testing.asn_for(order, f"ASN{self.po.id}", when)
        )
        inv = self._transaction("invoice", testing.invoice_for(order, f"INV{self.po.id}", when))
        for tx, prefix in ((asn, "856_"), (inv, "810_")):
            self.assertEqual(tx.state, "processing", tx.errors)
            (name,) = self.outbox(prefix)
            self.assertEqual(tx.edi_document_ids.name, name)
            self.assertEqual(tx.edi_document_ids.purchase_order_ids, self.po)
            self.assertValidX12(self.read_file("out", name))

    def test_a_file_that_cannot_be_sent_stays_queued_and_is_retried(self):
        blocker = os.path.join(self.root, "blocker")
        with open(blocker, "wb"):  # a file where the outbox's parent folder should be
            pass
        self.account.edi_out_dir = os.path.join(blocker, "out")
        self.po.action_accept_all()
        self.po.action_send_acknowledgement()
        self.run_jobs()
        doc = self.po.transaction_ids.edi_document_ids
        self.assertEqual(doc.state, "queued")
        self.assertIn("cannot create folder", doc.errors)
        self.assertTrue(doc.next_try_at)
        self.account.edi_out_dir = os.path.join(self.root, "out2")
        self.Document._cron_edi_housekeeping()
        self.assertFalse(self.env["queue.job"].search([("state", "=", "pending")]), "not yet due")
        doc.next_try_at = fields.Datetime.now() - timedelta(seconds=1)
        self.Document._cron_edi_housekeeping()
        self.run_jobs()
        self.assertEqual((doc.state, doc.attempts, doc.errors), ("sent", 2, False))
        self.assertEqual(self.folder("out2"), [doc.name])

    def test_missing_997_is_flagged(self):
        self.po.action_accept_all()
        self.po.action_send_acknowledgement()
        self.run_jobs()
        doc = self.po.transaction_ids.edi_document_ids
        self.Document._cron_edi_housekeeping()
        self.assertFalse(doc.ack_late)
        doc.ack_due_at = fields.Datetime.now() - timedelta(minutes=1)
        self.Document._cron_edi_housekeeping()
        self.assertTrue(doc.ack_late)
        activity = self.po.activity_ids.filtered(lambda a: "No 997" in (a.summary or ""))
        self.assertEqual(activity.user_id, self.user_manager)
        # The 997 arriving late still settles it.
        self._amazon_answers(doc)
        self.assertFalse(doc.ack_late)
        self.assertEqual(doc.state, "acknowledged")
