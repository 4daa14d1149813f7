from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase


@tagged("-at_install", "post_install")
class TestEdiProfile(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["acorn.vc.account"].create(
            {"name": "Amazon EU EDI", "marketplace_code": "DE"}
        )

    def test_edi_channel_needs_interchange_ids(self):
        with self.assertRaisesRegex(ValidationError, "Our Interchange ID"):
            self.account.channel = "edi"

    def test_x12_ids_fit_the_isa(self):
        with self.assertRaisesRegex(ValidationError, "longer than 15"):
            self.account.write(
                {"channel": "edi", "edi_sender_id": "ACORN" * 4, "edi_receiver_id": "AMAZON"}
            )
        self.account.write(
            {"channel": "edi", "edi_sender_id": "ACORNDEMO", "edi_receiver_id": "AMAZON"}
        )
        self.assertEqual(self.account.edi_x12_version, "004010")

    def test_edifact_allows_longer_ids(self):
        self.account.write(
            {
                "channel": "edi",
                "edi_standard": "edifact",
                "edi_sender_id": "5412345000013ACORNDEMO",
                "edi_receiver_id": "5450534000024",
            }
        )
        self.assertEqual(self.account.channel, "edi")
