import logging
import os

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..core import marketplaces
from ..core.sandbox.config import SandboxConfig
from ..core.spapi import Credentials, SpApiClient, SpApiError

_logger = logging.getLogger(__name__)

CONNECTION_TIMEOUT = (5, 30)
# Where `./acorn demo` and docker-compose run the Acorn sandbox (docker sets the env var).
DEFAULT_SANDBOX_URL = "http://127.0.0.1:8071"


class AcornVcAccount(models.Model):
    """One Vendor Central account: a vendor group on one marketplace, reached over SP-API or EDI.

    Retail SP-API calls carry no marketplace: the region's host and the refresh token (the
    vendor group's authorisation) select the data, so an account is region + token.
    """

    _name = "acorn.vc.account"
    _description = "Vendor Central Account"
    _inherit = ["mail.thread"]
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    marketplace_code = fields.Selection(
        selection=[(code, f"{m.name} ({code})") for code, m in marketplaces.MARKETPLACES.items()],
        string="Marketplace",
        required=True,
        default="US",
        tracking=True,
    )
    marketplace_id = fields.Char(
        "Marketplace ID",
        compute="_compute_marketplace",
        store=True,
        help="Amazon's marketplace id, used by reports.",
    )
    region = fields.Selection(
        [("NA", "North America"), ("EU", "Europe"), ("FE", "Far East")],
        compute="_compute_marketplace",
        store=True,
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
        help="Currency of Amazon's purchase orders on this marketplace.",
    )
    channel = fields.Selection(
        [("spapi", "SP-API"), ("edi", "EDI")],
        required=True,
        default="spapi",
        tracking=True,
        help="How purchase orders, acknowledgements, ASNs and invoices travel.",
    )
    vendor_code_ids = fields.One2many("acorn.vc.vendor.code", "account_id", string="Vendor Codes")
    allowed_user_ids = fields.Many2many(
        "res.users",
        string="Restricted to",
        help="Vendor Central users who may see this account and its documents. "
        "Empty: every Vendor Central user of the company. Managers always see it.",
    )

    # Credentials: system administrators only; cleared by database neutralization.
    lwa_client_id = fields.Char("LWA Client ID", groups="base.group_system")
    lwa_client_secret = fields.Char("LWA Client Secret", groups="base.group_system", copy=False)
    lwa_refresh_token = fields.Char("LWA Refresh Token", groups="base.group_system", copy=False)
    lwa_secret_expiry_date = fields.Date(
        "Client Secret Expires",
        help="Amazon makes LWA client secrets expire every 180 days; rotate before this date.",
    )
    endpoint_override = fields.Char(
        "SP-API Endpoint Override",
        help="Base URL replacing the region's SP-API host, e.g. the local Acorn sandbox "
        "http://127.0.0.1:8071. Empty in production.",
    )
    token_url_override = fields.Char(
        "LWA Token URL Override",
        help="Replaces https://api.amazon.com/auth/o2/token, e.g. the Acorn sandbox's token URL.",
    )
    spapi_endpoint = fields.Char(
        "SP-API Endpoint", compute="_compute_spapi_endpoint", help="Where calls go."
    )

    connection_state = fields.Selection(
        [("untested", "Not tested"), ("ok", "Connected"), ("failed", "Failed")],
        default="untested",
        readonly=True,
        copy=False,
        tracking=True,
    )
    connection_message = fields.Text(readonly=True, copy=False)
    connection_checked_at = fields.Datetime(readonly=True, copy=False)

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "An account with this name already exists in this company.",
        ),
    ]

    @api.depends("marketplace_code")
    def _compute_marketplace(self):
        for account in self:
            market = marketplaces.MARKETPLACES.get(account.marketplace_code)
            account.marketplace_id = market.marketplace_id if market else False
            account.region = market.region if market else False

    @api.depends("region", "endpoint_override")
    def _compute_spapi_endpoint(self):
        for account in self:
            account.spapi_endpoint = account.endpoint_override or (
                marketplaces.REGION_HOSTS.get(account.region) or ""
            )

    @api.onchange("marketplace_code")
    def _onchange_marketplace_code(self):
        market = marketplaces.MARKETPLACES.get(self.marketplace_code)
        if market:
            currency = (
                self.env["res.currency"]
                .with_context(active_test=False)
                .search([("name", "=", market.currency)], limit=1)
            )
            if currency:
                self.currency_id = currency

    @api.constrains("endpoint_override", "token_url_override")
    def _check_override_urls(self):
        for account in self:
            for url in (account.endpoint_override, account.token_url_override):
                if url and not url.startswith(("http://", "https://")):
                    raise ValidationError(
                        self.env._(
                            "Account %(name)s: %(url)s is not an http(s) URL.",
                            name=account.name,
                            url=url,
                        )
                    )

    # ------------------------------------------------------------------ SP-API

    def _acorn_spapi_client(self):
        """The one place an SP-API client is built from an account's settings."""
        self.ensure_one()
        account = self.sudo()
        missing = [
            label
            for label, value in (
                (self.env._("LWA Client ID"), account.lwa_client_id),
                (self.env._("LWA Client Secret"), account.lwa_client_secret),
                (self.env._("LWA Refresh Token"), account.lwa_refresh_token),
            )
            if not value
        ]
        if missing:
            raise ValidationError(
                self.env._(
                    "Account %(name)s has no %(fields)s: a system administrator must enter the "
                    "credentials from Vendor Central (Integration > API Integration).",
                    name=self.name,
                    fields=", ".join(missing),
                )
            )
        return SpApiClient(
            Credentials(
                account.lwa_client_id, account.lwa_client_secret, account.lwa_refresh_token
            ),
            region=account.region,
            endpoint=account.endpoint_override or None,
            token_url=account.token_url_override or None,
            timeout=CONNECTION_TIMEOUT,
        )

    def action_test_connection(self):
        """Token exchange plus one cheap call; the outcome is stored and shown, never raised."""
        self.ensure_one()
        try:
            summary = self._acorn_spapi_client().check_connection()
        except (SpApiError, ValidationError) as exc:
            message = str(exc.args[0] if isinstance(exc, ValidationError) else exc)
            _logger.info("Vendor Central account %s: connection test failed: %s", self.id, message)
            self.write(
                {
                    "connection_state": "failed",
                    "connection_message": message,
                    "connection_checked_at": fields.Datetime.now(),
                }
            )
            return self._acorn_notify(self.env._("Connection failed"), message, "danger")
        self.write(
            {
                "connection_state": "ok",
                "connection_message": summary,
                "connection_checked_at": fields.Datetime.now(),
            }
        )
        return self._acorn_notify(self.env._("Connected to Vendor Central"), summary, "success")

    def _acorn_use_sandbox(self, url=None, seed=1):
        """Point the account at an Acorn sandbox with the credentials it derives from its seed.

        For the demo, training and tests: the sandbox stands in for Vendor Central.
        """
        url = (url or os.environ.get("ACORN_SANDBOX_URL") or DEFAULT_SANDBOX_URL).rstrip("/")
        config = SandboxConfig(seed=seed)
        self.sudo().write(
            {
                "endpoint_override": url,
                "token_url_override": f"{url}/auth/o2/token",
                "lwa_client_id": config.client_id,
                "lwa_client_secret": config.client_secret,
                "lwa_refresh_token": config.refresh_token,
                "connection_state": "untested",
                "connection_message": False,
            }
        )

    def action_use_sandbox(self):
        self.ensure_one()
        self._acorn_use_sandbox()
        return self.action_test_connection()

    def _acorn_notify(self, title, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": kind,
                "sticky": kind == "danger",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
