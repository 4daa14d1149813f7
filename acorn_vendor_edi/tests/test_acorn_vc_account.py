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

    def test_folders_default_under_the_data_dir(self):
        import os

        from odoo.tools import config

        self.account.write(
            {"channel": "edi", "edi_sender_id": "ACORNDEMO", "edi_receiver_id": "AMAZON"}
        )
        settings = self.account._acorn_edi_transport_settings()
        root = os.path.join(
            config["data_dir"], "acorn_edi", self.env.cr.dbname, str(self.account.id)
        )
        self.assertEqual(settings, {"root": root})
        transport = self.account._acorn_edi_transport()
        self.assertEqual(transport.dirs["in_dir"], os.path.join(root, "in"))
        self.account.edi_in_dir = "/srv/edi/amazon/in"
        self.assertEqual(self.account._acorn_edi_transport().dirs["in_dir"], "/srv/edi/amazon/in")
        self.assertEqual(
            self.account._acorn_edi_transport().dirs["out_dir"], os.path.join(root, "out")
        )

    def test_the_form_shows_the_folders_in_use(self):
        """Default folders are spelled out on the account, so whoever drops Amazon's files
        (a person, the demo walk) finds the inbox without reading the server's config."""
        import os

        from odoo.tools import config

        self.account.write(
            {"channel": "edi", "edi_sender_id": "ACORNDEMO", "edi_receiver_id": "AMAZON"}
        )
        root = os.path.join(
            config["data_dir"], "acorn_edi", self.env.cr.dbname, str(self.account.id)
        )
        self.assertEqual(self.account.edi_in_path, os.path.join(root, "in"))
        self.assertEqual(self.account.edi_error_path, os.path.join(root, "error"))
        self.account.edi_out_dir = "/srv/edi/amazon/out"
        self.assertEqual(self.account.edi_out_path, "/srv/edi/amazon/out")
        self.assertEqual(self.account.edi_archive_path, os.path.join(root, "archive"))
        self.account.edi_transport = "sftp"
        self.assertFalse(self.account.edi_in_path, "remote folders are not local paths")
