import os
import shutil

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..core.transports import TransportError, make_transport
from ..core.transports.testing import self_signed_identity
from .common import EdiCommon


@tagged("-at_install", "post_install")
class TestAs2Endpoint(EdiCommon, HttpCase):
    """Amazon, played by a real AS2 partner, pushes an 850 to Odoo's endpoint over HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ours, cls.amazons, cls.stranger = (
            self_signed_identity(n) for n in ("ACORNTEST", "AMAZONTEST", "MALLORY")
        )
        cls.account.write(
            {
                "edi_transport": "as2",
                "edi_as2_from": "ACORNTEST",
                "edi_as2_to": "AMAZONTEST",
                "edi_as2_url": "http://127.0.0.1:9/unused",
                "edi_as2_private_key": cls.ours[0],
                "edi_as2_certificate": cls.ours[1],
                "edi_as2_partner_certificate": cls.amazons[1],
            }
        )

    def setUp(self):
        super().setUp()
        spool = os.path.join(self.account._acorn_edi_default_root(), "as2")
        self.addCleanup(shutil.rmtree, spool, ignore_errors=True)

    def amazon(self, key_pair=None):
        """Amazon's side of the agreement, sending to our endpoint."""
        key, cert = key_pair or self.amazons
        return make_transport(
            "as2",
            {
                "as2_from": "AMAZONTEST",
                "as2_to": "ACORNTEST",
                "url": f"{self.base_url()}/acorn/edi/as2/{self.account.id}",
                "private_key": key,
                "certificate": cert,
                "partner_certificate": self.ours[1],
                "timeout": 30,
            },
        )

    def test_pushed_850_gets_a_signed_mdn_then_becomes_a_po(self):
        self.assertIn(f"/acorn/edi/as2/{self.account.id}", self.account.edi_as2_endpoint)
        data = self.drop_850_bytes("AS2PO0001")
        with self.amazon() as amazon:
            ref = amazon.send("850_as2.edi", data)  # raises unless the MDN is positive and signed
        self.assertTrue(ref)
        # The endpoint queued the poll; the jobs store, process and answer with a 997.
        self.run_jobs()
        document = self.Document.search(
            [("account_id", "=", self.account.id), ("direction", "=", "in")]
        )
        self.assertEqual(len(document), 1)
        # pyas2lib sends application/EDI-X12 as 7bit MIME, whose canonical line end is CRLF;
        # segment terminators and every byte between them arrive unchanged.
        self.assertEqual(document._acorn_raw_bytes().replace(b"\r\n", b"\n"), data)
        self.assertEqual(document.state, "processed")
        po = self.env["acorn.vc.purchase.order"].search(
            [("account_id", "=", self.account.id), ("name", "=", "AS2PO0001")]
        )
        self.assertTrue(po, "the 850 pushed over AS2 became an Amazon PO")
        self.assertTrue(po.sale_order_id)

    @mute_logger("pyas2lib", "odoo.addons.acorn_vendor_edi.core.transports.as2")
    def test_a_message_signed_by_someone_else_is_refused_and_not_stored(self):
        data = self.drop_850_bytes("AS2PO0002")
        with self.amazon(self.stranger) as mallory, self.assertRaises(TransportError):
            mallory.send("850_forged.edi", data)
        self.run_jobs()
        self.assertFalse(self.env["acorn.vc.purchase.order"].search([("name", "=", "AS2PO0002")]))

    def test_an_account_without_as2_has_no_endpoint(self):
        self.account.edi_transport = "folder"
        response = self.url_open(f"/acorn/edi/as2/{self.account.id}", data=b"x")
        self.assertEqual(response.status_code, 404)

    def drop_850_bytes(self, number):
        from ..core import exchange

        return exchange.as_partner(self.profile(), [self.purchase_order(number)], 7100)
