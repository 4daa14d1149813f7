import base64
import gzip
import json
from datetime import datetime, timedelta

import requests

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..core.spapi.apis.reports import create_report_body
from .common import AcornVendorCommon

INVENTORY = "GET_VENDOR_INVENTORY_REPORT"
HISTORICAL = {"distributorView": "MANUFACTURING", "reportPeriod": "DAY", "sellingProgram": "RETAIL"}


@tagged("-at_install", "post_install")
class TestVendorReportUpload(AcornVendorCommon):
    """Report documents uploaded by hand: loaded like the jobs' ones, each file on its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = cls._start_sandbox(cls.account, seed=23, history_days=20, frozen_clock=True)
        cls._catalogue_products()
        cls.Document = cls.env["acorn.vc.report.document"]
        last = cls.sandbox.now().replace(tzinfo=None) - timedelta(days=4)
        start = datetime.combine(last.date() - timedelta(days=6), datetime.min.time())
        end = datetime.combine(last.date(), datetime.max.time().replace(microsecond=0))
        body = create_report_body(
            INVENTORY, [cls.account.marketplace_id], start, end, dict(HISTORICAL)
        )
        url = cls.account.endpoint_override.rstrip("/")
        response = requests.post(f"{url}/_sandbox/reports/document", json=body, timeout=600)
        response.raise_for_status()
        raw = response.content  # the sandbox answers as Amazon does: gzip'd JSON
        cls.raw = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        cls.first, cls.last = start.date(), last.date()

    def _upload(self, *files):
        wizard = self.env["acorn.vc.report.upload.wizard"].create(
            {
                "account_id": self.account.id,
                "attachment_ids": [
                    (0, 0, {"name": name, "datas": base64.b64encode(raw)}) for name, raw in files
                ],
            }
        )
        wizard.action_upload()
        return wizard

    def _rows(self):
        return self.env["acorn.vc.report.inventory"].search_count(
            [("account_id", "=", self.account.id)]
        )

    def test_good_files_load_and_bad_ones_are_named_without_stopping_them(self):
        other = json.loads(self.raw)
        other["reportSpecification"]["marketplaceIds"] = ["A1F83G8C2ARO7P"]
        wizard = self._upload(
            ("not-a-report.json", b"<html>Vendor Central login</html>"),
            ("inventory.json.gz", gzip.compress(self.raw)),
            ("uk.json", json.dumps(other).encode()),
            ("Retail Analytics.csv", b"ASIN,Shipped Units\nB07K2QX9M1,3\n"),
        )
        doc = wizard.document_ids
        self.assertEqual(len(doc), 1)
        self.assertEqual(
            (doc.report_type, doc.reason, doc.state, doc.period_start, doc.period_end),
            (INVENTORY, "upload", "done", self.first, self.last),
        )
        self.assertEqual(doc.selling_program, "RETAIL")
        self.assertEqual(doc.attachment_id.mimetype, "application/gzip", "archived as uploaded")
        rows = self._rows()
        self.assertEqual(rows, doc.row_count + doc.aggregate_count)
        result = str(wizard.result)
        self.assertIn("not-a-report.json cannot be read", result)
        self.assertIn(f"inventory.json.gz: {doc.row_count} rows loaded", result)
        self.assertIn("uk.json cannot be read", result)
        self.assertIn("Nothing was loaded from it", result)
        self.assertIn("not the CSV or Excel downloads", result)
        self.assertIn("the document is for A1F83G8C2ARO7P", result)
        self.assertFalse(wizard.attachment_ids, "the uploads are archived on their documents")

        # The same file again changes nothing; another reading of the period replaces it.
        again = self._upload(("inventory again.json.gz", gzip.compress(self.raw)))
        self.assertEqual(again.document_ids, doc)
        self.assertIn("already loaded", str(again.result))
        plain = self._upload(("inventory.json", self.raw))
        self.assertNotEqual(plain.document_ids, doc)
        self.assertEqual(self._rows(), rows, "a period uploaded twice is replaced, not doubled")

    def test_only_managers_upload(self):
        ops = new_test_user(self.env, "upload_ops", groups="acorn_vendor.group_acorn_user")
        boss = new_test_user(self.env, "upload_boss", groups="acorn_vendor.group_acorn_manager")
        Wizard = self.env["acorn.vc.report.upload.wizard"]
        with self.assertRaises(AccessError):
            Wizard.with_user(ops).check_access("create")
        Wizard.with_user(boss).check_access("create")
