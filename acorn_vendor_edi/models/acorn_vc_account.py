import json
import logging
import os
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from odoo.addons.acorn_vendor.core.odoo_values import to_decimal, to_utc
from odoo.addons.acorn_vendor.models.jobs import delay
from odoo.addons.queue_job.exception import RetryableJobError

from ..core import exchange, partner
from ..core._vendor import domain
from ..core.sandbox_remittances import remittances_from_sandbox
from ..core.transports import TransportError, make_transport

_logger = logging.getLogger(__name__)
# The account's transport selection -> the transports package's kind.
TRANSPORT_KINDS = {"folder": "folder", "sftp": "sftp", "as2": "as2", "van": "soap"}

X12_QUALIFIERS = [
    ("01", "01 - DUNS"),
    ("08", "08 - UCC EDI Communications ID"),
    ("12", "12 - Phone number"),
    ("14", "14 - DUNS plus suffix"),
    ("ZZ", "ZZ - Mutually defined"),
]


class AcornVcAccount(models.Model):
    """Trading-partner profile: who Amazon and the vendor are on the EDI envelope."""

    _inherit = "acorn.vc.account"

    edi_standard = fields.Selection(
        [("x12", "ANSI X12"), ("edifact", "EDIFACT D96A")], default="x12", string="EDI Standard"
    )
    edi_x12_version = fields.Selection(
        [("004010", "4010"), ("005010", "5010")],
        default="004010",
        string="X12 Version",
        help="Amazon's retail 856 guides are 5010; most other documents are 4010.",
    )
    edi_sender_qualifier = fields.Selection(X12_QUALIFIERS, default="ZZ", string="Our ID Qualifier")
    edi_sender_id = fields.Char("Our Interchange ID", help="ISA06 / UNB sender identification.")
    edi_receiver_qualifier = fields.Selection(
        X12_QUALIFIERS, default="ZZ", string="Amazon ID Qualifier"
    )
    edi_receiver_id = fields.Char(
        "Amazon Interchange ID", help="ISA08 / UNB recipient identification, from Amazon's guide."
    )
    edi_test_indicator = fields.Boolean(
        "Test Interchanges", default=True, help="ISA15 = T / UNB test indicator 1 while onboarding."
    )
    edi_transport = fields.Selection(
        [("folder", "Local folders"), ("sftp", "SFTP"), ("as2", "AS2"), ("van", "VAN web service")],
        default="folder",
        string="Transport",
    )

    # Where files go: local folders for "folder", remote folders for SFTP.
    edi_in_dir = fields.Char(
        "Inbox Folder",
        help="Inbound files. Empty (local folders): <data dir>/acorn_edi/<db>/<id>/in",
    )
    edi_out_dir = fields.Char("Outbox Folder", help="Where Acorn puts outbound files.")
    edi_archive_dir = fields.Char("Archive Folder", help="Inbound files once stored in Acorn.")
    edi_error_dir = fields.Char("Error Folder", help="Inbound files Acorn could not store.")
    # Local folders: where files really go once the defaults are filled in, so the person
    # (or script) dropping Amazon's files knows the inbox without reading the server config.
    edi_in_path = fields.Char("Inbox in Use", compute="_compute_edi_paths")
    edi_out_path = fields.Char("Outbox in Use", compute="_compute_edi_paths")
    edi_archive_path = fields.Char("Archive in Use", compute="_compute_edi_paths")
    edi_error_path = fields.Char("Error Folder in Use", compute="_compute_edi_paths")
    edi_sftp_host = fields.Char("SFTP Host")
    edi_sftp_port = fields.Integer("SFTP Port", default=22)
    edi_sftp_username = fields.Char("SFTP User")
    edi_sftp_password = fields.Char("SFTP Password", groups="base.group_system", copy=False)
    edi_sftp_private_key = fields.Text(
        "SFTP Private Key", groups="base.group_system", copy=False, help="PEM text."
    )
    edi_sftp_host_key = fields.Char(
        "SFTP Host Key", help="The server's public key line (as in known_hosts)."
    )
    edi_as2_from = fields.Char("AS2 From (our AS2 ID)")
    edi_as2_to = fields.Char("AS2 To (Amazon's AS2 ID)")
    edi_as2_url = fields.Char("AS2 Partner URL")
    edi_as2_endpoint = fields.Char(
        "Our AS2 URL",
        compute="_compute_edi_as2_endpoint",
        help="Give Amazon this address: it posts AS2 messages here and gets the MDN back.",
    )
    edi_as2_private_key = fields.Text(
        "AS2 Private Key", groups="base.group_system", copy=False, help="Ours, PEM."
    )
    edi_as2_certificate = fields.Text("AS2 Certificate", help="Ours, PEM.")
    edi_as2_partner_certificate = fields.Text("AS2 Partner Certificate", help="Amazon's, PEM.")
    edi_as2_sign = fields.Boolean("AS2 Sign", default=True)
    edi_as2_encrypt = fields.Boolean("AS2 Encrypt", default=True)
    edi_soap_wsdl = fields.Char("VAN WSDL URL")
    edi_soap_username = fields.Char("VAN User")
    edi_soap_password = fields.Char("VAN Password", groups="base.group_system", copy=False)
    edi_soap_mailbox = fields.Char("VAN Mailbox")
    edi_demo_partner = fields.Boolean(
        "Simulated Amazon (demo)",
        help="Demo and tests only: a local program plays Amazon on this account's folders and "
        "answers every file Acorn sends with a 997 / CONTRL. Must be off in production, where "
        "the real Amazon answers.",
    )
    edi_transport_timeout = fields.Integer("Transport Timeout (s)", default=60)
    edi_ack_hours = fields.Integer(
        "997/CONTRL Expected Within (h)",
        default=24,
        help="Outbound documents whose functional acknowledgement has not arrived after this "
        "long are flagged.",
    )
    edi_control_number = fields.Integer(
        "Last Control Number",
        readonly=True,
        copy=False,
        help="ISA13 / UNB reference of the last interchange Acorn sent on this account.",
    )
    edi_document_count = fields.Integer("EDI Documents", compute="_compute_edi_document_count")

    def _compute_edi_as2_endpoint(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for account in self:
            account.edi_as2_endpoint = f"{base}/acorn/edi/as2/{account.id}" if account.id else False

    @api.depends("edi_transport", "edi_in_dir", "edi_out_dir", "edi_archive_dir", "edi_error_dir")
    def _compute_edi_paths(self):
        for account in self:
            dirs = {}
            if account.id and (account.edi_transport or "folder") == "folder":
                dirs = make_transport("folder", account._acorn_edi_transport_settings()).dirs
            account.edi_in_path = dirs.get("in_dir", False)
            account.edi_out_path = dirs.get("out_dir", False)
            account.edi_archive_path = dirs.get("archive_dir", False)
            account.edi_error_path = dirs.get("error_dir", False)

    def _compute_edi_document_count(self):
        counts = dict(
            self.env["acorn.edi.document"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.edi_document_count = counts.get(account, 0)

    def action_view_edi_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "acorn_vendor_edi.acorn_edi_document_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    # ------------------------------------------------------------------ EDI plumbing

    def _acorn_edi_default_root(self):
        """<data dir>/acorn_edi/<database>/<account id>: local folders when none are set."""
        self.ensure_one()
        return os.path.join(tools.config["data_dir"], "acorn_edi", self.env.cr.dbname, str(self.id))

    def _acorn_edi_transport_settings(self):
        """The transport's settings as a plain dict; reads secrets, so only for the job."""
        self.ensure_one()
        account = self.sudo()
        folders = {
            "in_dir": account.edi_in_dir,
            "out_dir": account.edi_out_dir,
            "archive_dir": account.edi_archive_dir,
            "error_dir": account.edi_error_dir,
        }
        timeout = account.edi_transport_timeout or 60
        kind = account.edi_transport or "folder"
        if kind == "folder":
            settings = {k: v for k, v in folders.items() if v}
            settings["root"] = account._acorn_edi_default_root()
            return settings
        if kind == "sftp":
            return {
                **{k: v for k, v in folders.items() if v},
                "host": account.edi_sftp_host,
                "port": account.edi_sftp_port or 22,
                "username": account.edi_sftp_username,
                "password": account.edi_sftp_password,
                "private_key": account.edi_sftp_private_key,
                "host_key": account.edi_sftp_host_key,
                "timeout": timeout,
            }
        if kind == "as2":
            return {
                "as2_from": account.edi_as2_from,
                "as2_to": account.edi_as2_to,
                "url": account.edi_as2_url,
                "private_key": account.edi_as2_private_key,
                "certificate": account.edi_as2_certificate,
                "partner_certificate": account.edi_as2_partner_certificate,
                "sign": account.edi_as2_sign,
                "encrypt": account.edi_as2_encrypt,
                "mdn": "sync",
                "timeout": timeout,
                # Amazon pushes AS2: /acorn/edi/as2/<id> stores there, the poll job reads it.
                "spool_dir": os.path.join(account._acorn_edi_default_root(), "as2"),
            }
        return {
            "wsdl": account.edi_soap_wsdl,
            "username": account.edi_soap_username,
            "password": account.edi_soap_password,
            "mailbox": account.edi_soap_mailbox,
            "timeout": timeout,
        }

    def _acorn_edi_transport(self):
        self.ensure_one()
        kind = TRANSPORT_KINDS[self.edi_transport or "folder"]
        try:
            return make_transport(kind, self._acorn_edi_transport_settings())
        except ImportError as exc:  # a transport whose library is not installed
            raise TransportError(
                self.env._("The %(kind)s transport cannot load: %(error)s", kind=kind, error=exc),
                retryable=False,
            ) from exc

    def _acorn_edi_profile(self):
        self.ensure_one()
        return exchange.Profile(
            standard=self.edi_standard or "x12",
            version="5010" if self.edi_x12_version == "005010" else "4010",
            sender_id=self.edi_sender_id or "",
            sender_qualifier=self.edi_sender_qualifier
            if self.edi_standard == "x12"
            else (self.edi_sender_qualifier if self.edi_sender_qualifier != "ZZ" else "14"),
            receiver_id=self.edi_receiver_id or "",
            receiver_qualifier=self.edi_receiver_qualifier
            if self.edi_standard == "x12"
            else (self.edi_receiver_qualifier if self.edi_receiver_qualifier != "ZZ" else "14"),
            test=self.edi_test_indicator,
        )

    def _acorn_edi_next_control(self):
        """Reserve the next interchange control number (row lock: two jobs never share one)."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT edi_control_number FROM acorn_vc_account WHERE id = %s FOR UPDATE", [self.id]
        )
        last = self.env.cr.fetchone()[0]
        number = exchange.next_control(last, self.edi_standard or "x12")
        self.sudo().edi_control_number = number
        return number

    @api.model
    def _cron_poll_transports(self):
        """Find work only: one job per EDI account polls its transport."""
        accounts = self.search([("channel", "=", "edi"), ("sync_active", "=", True)])
        for account in accounts:
            delay(
                account,
                f"acorn-edi-poll-{account.id}",
                self.env._("Poll the EDI transport of %s", account.name),
            )._acorn_job_edi_poll()
        return len(accounts)

    def action_edi_poll_now(self):
        """The Poll now button: queue the poll job at once instead of waiting for the cron."""
        for account in self.filtered(lambda a: a.channel == "edi"):
            delay(
                account,
                f"acorn-edi-poll-{account.id}",
                self.env._("Poll the EDI transport of %s", account.name),
            )._acorn_job_edi_poll()
        return True

    def _acorn_job_edi_poll(self):
        """Store each waiting file as a document, then (after commit) archive it; each
        stored document gets its own processing job. A transport that is down is retried;
        one that is misconfigured says so on the account."""
        self.ensure_one()
        with self.env["acorn.vc.sync.run"]._acorn_track(self, "edi") as run:
            try:
                count = self.env["acorn.edi.document"]._acorn_receive(self)
            except TransportError as exc:
                if exc.retryable:
                    raise RetryableJobError(str(exc), seconds=120) from exc
                run.fail(exc)
                self.last_sync_error = str(exc)
                return 0
            run.add({"created": count})
        self.write(
            {
                "last_sync_at": fields.Datetime.now(),
                "last_sync_error": False,
                "last_sync_summary": self.env._("%s EDI file(s) received", count),
            }
        )
        return count

    def _acorn_edi_drop_inbound(self, name, data):
        """Put a file in the account's inbox as a partner would (folder transport only):
        written atomically under a free name, never replacing one."""
        self.ensure_one()
        settings = self._acorn_edi_transport_settings()
        transport = make_transport("folder", settings)
        inbox = make_transport("folder", {**settings, "out_dir": transport.dirs["in_dir"]})
        return inbox.send(name, data)

    def _acorn_edi_demo_inbox(self, lines=3):
        """Demo: an 850 (or ORDERS) from 'Amazon' for the first products with an ASIN, dropped
        in the inbox; the scheduled poll brings it in. Labelled DEMO in its PO number."""
        self.ensure_one()
        products = self.env["product.product"].search(
            [("amz_asin", "!=", False), ("company_id", "in", (False, self.company_id.id))],
            order="default_code",
            limit=lines,
        )
        now = to_utc(fields.Datetime.now().replace(microsecond=0))
        currency = self.currency_id.name or "USD"
        po = domain.PurchaseOrder(
            number=f"DEMO{self.id}{now:%m%d%H%M}",
            date=now,
            items=[
                domain.PurchaseOrderItem(
                    str(n),
                    domain.ProductIds(asin=p.amz_asin, vendor_product_id=p.default_code or None),
                    domain.Quantity(12 * n),
                    back_order_allowed=True,
                    net_cost=domain.Money(to_decimal(p.lst_price), currency),
                )
                for n, p in enumerate(products, 1)
            ],
            selling_party=domain.Party(self.vendor_code_ids[:1].code or "ACRN1"),
            ship_to_party=domain.Party("ABE2"),
            ship_window=(now + timedelta(days=2), now + timedelta(days=5)),
            delivery_window=(now + timedelta(days=4), now + timedelta(days=9)),
            currency=currency,
        )
        data = exchange.as_partner(
            self._acorn_edi_profile(), [po], int(now.timestamp()) % 1_000_000_000
        )
        return self._acorn_edi_drop_inbound(f"850_{po.number}.edi", data)

    @api.model
    def _cron_edi_demo_partner(self):
        """Demo only (the scheduled action exists in demo databases): find the accounts whose
        Amazon is simulated and queue one job each to answer what they sent."""
        accounts = self.search(
            [("channel", "=", "edi"), ("edi_demo_partner", "=", True), ("sync_active", "=", True)]
        )
        for account in accounts:
            delay(
                account,
                f"acorn-edi-demo-partner-{account.id}",
                self.env._("Simulated Amazon answers %s", account.name),
            )._acorn_job_edi_demo_partner()
        return len(accounts)

    def _acorn_job_edi_demo_partner(self):
        """Play Amazon once over the account's folders (core/partner.py): a 997 / CONTRL in
        the inbox for each new file of the outbox; the next poll brings them in."""
        self.ensure_one()
        if not self.edi_demo_partner or self.channel != "edi":
            return []
        if (self.edi_transport or "folder") != "folder":
            return []
        dirs = make_transport("folder", self._acorn_edi_transport_settings()).dirs
        # Its state (the 997s' control numbers) stays with the account, not the folders:
        # folders pointed elsewhere would restart at 1, and Acorn rightly refuses a second
        # interchange 000000001 from AMAZON as a duplicate.
        amazon = partner.Partner(
            dirs["out_dir"],
            dirs["in_dir"],
            self._acorn_edi_profile(),
            state_dir=os.path.join(self._acorn_edi_default_root(), "partner"),
        )
        answers = amazon.run_once()
        for answer in answers:
            _logger.info("simulated Amazon, account %s: %s", self.id, answer.line())
        return [answer.line() for answer in answers] + self._acorn_edi_demo_remittances()

    def _acorn_edi_demo_remittances(self):
        """Demo: the simulated Amazon pays by 820, one per payment of the sandbox (where
        ``./acorn demo`` started one: ACORN_SANDBOX_URL) that the account has not imported
        and that was not sent before; the next poll imports them like a Payments export."""
        self.ensure_one()
        payload = self.env["acorn.vc.remittance"]._acorn_sandbox_payments(self)
        if payload is None:
            return []
        sent_file = os.path.join(self._acorn_edi_default_root(), "partner", "820_sent.json")
        sent = set()
        if os.path.exists(sent_file):
            with open(sent_file, encoding="utf-8") as handle:
                sent = set(json.load(handle))
        imported = set(
            self.env["acorn.vc.remittance"].search([("account_id", "=", self.id)]).mapped("name")
        )
        new = [
            remittance
            for remittance in remittances_from_sandbox(payload)
            if remittance.payment_reference not in sent | imported
        ]
        if not new:
            return []
        control = int(fields.Datetime.now().timestamp()) % 1_000_000_000
        name = f"820_{control}.edi"
        self._acorn_edi_drop_inbound(
            name, exchange.as_partner(self._acorn_edi_profile(), new, control)
        )
        os.makedirs(os.path.dirname(sent_file), exist_ok=True)
        with open(sent_file, "w", encoding="utf-8") as handle:
            json.dump(sorted(sent | {r.payment_reference for r in new}), handle)
        line = f"820 {name}: {len(new)} payments"
        _logger.info("simulated Amazon, account %s: %s", self.id, line)
        return [line]

    @api.constrains("channel", "edi_sender_id", "edi_receiver_id", "edi_standard")
    def _check_edi_ids(self):
        for account in self.filtered(lambda a: a.channel == "edi"):
            limit = 15 if account.edi_standard == "x12" else 35
            for label, value in (
                (self.env._("Our Interchange ID"), account.edi_sender_id),
                (self.env._("Amazon Interchange ID"), account.edi_receiver_id),
            ):
                if not value:
                    raise ValidationError(
                        self.env._(
                            "Account %(name)s uses EDI: %(field)s is required.",
                            name=account.name,
                            field=label,
                        )
                    )
                if len(value) > limit:
                    raise ValidationError(
                        self.env._(
                            "Account %(name)s: %(field)s %(value)s is longer than "
                            "%(limit)s characters.",
                            name=account.name,
                            field=label,
                            value=value,
                            limit=limit,
                        )
                    )
