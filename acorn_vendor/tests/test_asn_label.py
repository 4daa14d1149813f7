import base64
import io
import re
import struct
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from ..core.asn_labels import FNC1
from .test_asn import AsnCommon


@tagged("-at_install", "post_install")
class TestAsnLabel(AsnCommon, HttpCase):
    """The 4x6 in GS1-128 carton and pallet labels: rendered by wkhtmltopdf, one page per
    label, each with its SSCC barcode (FNC1 + AI 00) and text.

    An HttpCase: wkhtmltopdf fetches the report's CSS over HTTP, which must see this test's
    transaction (a plain TransactionCase deadlocks on the asset bundle it creates)."""

    def test_labels_render_as_pdf_with_the_sscc_barcode(self):
        picking = self._delivery()
        cartons = self._pack(picking)
        pallet = cartons.acorn_pallet_id
        action = picking.action_acorn_print_labels()
        self.assertEqual(action["report_name"], "acorn_vendor.report_acorn_sscc_label")
        packages = cartons | pallet
        self.assertTrue(all(packages.mapped("acorn_sscc")), "printing issued the SSCCs")
        Report = self.env["ir.actions.report"]
        report = "acorn_vendor.action_report_acorn_sscc_label"

        # Each label's barcode is drawn by Odoo's reportlab helper from FNC1 + "00" + SSCC:
        # GS1-128 (tests/test_asn_build.py shows reportlab encodes it as Start C, FNC1, AI 00).
        drawn = []
        original = type(Report).barcode

        def spy(model, barcode_type, value, **kwargs):
            drawn.append((barcode_type, value))
            return original(model, barcode_type, value, **kwargs)

        with patch.object(type(Report), "barcode", spy):
            html = Report._render_qweb_html(report, picking.ids)[0].decode()
        self.assertEqual(
            sorted(drawn),
            sorted(("Code128", FNC1 + "00" + sscc) for sscc in packages.mapped("acorn_sscc")),
        )
        images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
        self.assertEqual(len(images), len(packages))
        for image in images:
            png = base64.b64decode(image)
            self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
            self.assertEqual(struct.unpack(">II", png[16:24]), (1200, 300))
        self.assertIn("1 of 1", html)
        self.assertIn(f"1 of {len(cartons)}", html)
        self.assertIn(picking.acorn_purchase_order_id.name, html)
        self.assertRegex(
            html, rf"Amazon\s*<span>{picking.acorn_purchase_order_id.ship_to_code}</span>"
        )

        pdf, kind = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report, picking.ids
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        from PyPDF2 import PdfReader

        reader = PdfReader(io.BytesIO(pdf))
        self.assertEqual(len(reader.pages), len(packages))
        page = reader.pages[0]
        width_in = float(page.mediabox.width) / 72
        height_in = float(page.mediabox.height) / 72
        self.assertAlmostEqual(width_in, 4.0, delta=0.05)
        self.assertAlmostEqual(height_in, 6.0, delta=0.05)
        for index, page in enumerate(reader.pages):
            xobjects = page["/Resources"]["/XObject"].get_object()
            kinds = {xobjects[name].get_object()["/Subtype"] for name in xobjects}
            self.assertIn("/Image", kinds, f"page {index + 1} has the barcode image")
        text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
        for sscc in packages.mapped("acorn_sscc"):
            self.assertIn(f"(00) {sscc}", text)
