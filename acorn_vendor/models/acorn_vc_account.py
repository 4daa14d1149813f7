import json
import logging
import os
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..core import marketplaces
from ..core.ack_rules import RuleSettings
from ..core.deductions.assessment import DEFAULT_RULES as ASSESSMENT_DEFAULTS
from ..core.deductions.assessment import rules_from_settings as assessment_rules
from ..core.deductions.deadlines import DEFAULT_RULES as DEADLINE_DEFAULTS
from ..core.deductions.deadlines import rules_from_settings as deadline_rules
from ..core.remittance.line_kinds import rules_from_settings
from ..core.reports.schedule import forecast_options, scheduled_reports
from ..core.sandbox.config import SandboxConfig
from ..core.spapi import Credentials, SpApiClient, SpApiError
from ..core.spapi.dates import covering_windows
from .acorn_vc_purchase_order import ACK_WAITING_DOMAIN
from .acorn_vc_sync_run import current_call_stats
from .jobs import RETRYABLE, delay, retry_later, run_or_retry_later
from .notification import notification

_logger = logging.getLogger(__name__)

CONNECTION_TIMEOUT = (5, 30)
# Where `./acorn demo` and docker-compose run the Acorn sandbox (docker sets the env var).
DEFAULT_SANDBOX_URL = "http://127.0.0.1:8071"
# Amazon refuses getPurchaseOrders ranges over 7 days; the backfill walks in such windows.
BACKFILL_WINDOW = timedelta(days=7)
IMPORT_BATCH = 200
# Which of Amazon's forecast quantiles replenishment plans on (core.replenishment).
REPLENISHMENT_LEVELS = [("mean", "Mean"), ("p70", "P70"), ("p80", "P80"), ("p90", "P90")]


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

    # How Amazon's POs become sale orders.
    partner_id = fields.Many2one(
        "res.partner",
        "Amazon Customer",
        check_company=True,
        help="The Amazon entity that buys and is invoiced. Created from the first PO's "
        "bill-to party when empty.",
    )
    warehouse_id = fields.Many2one("stock.warehouse", check_company=True)
    pricelist_id = fields.Many2one("product.pricelist", check_company=True)
    fiscal_position_id = fields.Many2one(
        "account.fiscal.position",
        check_company=True,
        help="Maps the products' taxes on Amazon's sale orders. Amazon buys for resale "
        "(US: with a resale certificate), so its invoices usually carry no sales tax: map "
        "your sales taxes to none here.",
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        "Payment Terms",
        check_company=True,
        default=lambda self: self.env.ref(
            "acorn_vendor.account_payment_term_60days", raise_if_not_found=False
        ),
        help="The terms agreed with Amazon in the vendor agreement, on every sale order.",
    )
    product_match_order = fields.Selection(
        [
            ("asin,sku,ean", "ASIN, then vendor SKU, then EAN/UPC"),
            ("sku,asin,ean", "Vendor SKU, then ASIN, then EAN/UPC"),
            ("ean,asin,sku", "EAN/UPC, then ASIN, then vendor SKU"),
        ],
        default="asin,sku,ean",
        required=True,
        help="Which product identifier wins when matching Amazon PO lines to products.",
    )
    acknowledged_quotation_policy = fields.Selection(
        [
            ("confirm", "Confirm the quotation"),
            ("draft", "Leave it a quotation"),
            ("cancel", "Cancel the quotation"),
        ],
        "POs Acknowledged Elsewhere",
        default="confirm",
        required=True,
        help="A PO Amazon already shows as acknowledged when Acorn first reads it (history, "
        "or answered in Vendor Central itself): Acorn reads Amazon's accepted quantities, "
        "then confirms its quotation for them (the goods still have to ship), leaves it for "
        "a person, or cancels it (it shipped before Odoo).",
    )
    sale_order_cutoff_days = fields.Integer(
        "Sale Orders for POs of the Last (days)",
        default=60,
        help="Open POs older than this (e.g. from a history backfill) stay Acorn records only: "
        "nobody wants thousands of old sale orders.",
    )

    # Acknowledgement rules (core/ack_rules.py decides; these are its settings).
    auto_acknowledge = fields.Boolean(
        help="Apply the rules to every new PO and send the acknowledgement without a person."
    )
    ack_check_stock = fields.Boolean(
        "Check Stock",
        default=True,
        help="Accept only what is on hand + incoming - reserved "
        "by the end of the ship window; backorder or reject the rest.",
    )
    ack_price_tolerance_pct = fields.Float(
        "Price Tolerance (%)",
        default=2.0,
        help="Reject lines whose net cost is further below "
        "the pricelist price than this. 0 switches the check off.",
    )
    ack_min_margin_pct = fields.Float(
        "Minimum Margin (%)", help="Reject lines under this margin over product cost. 0: off."
    )
    ack_max_units_per_line = fields.Integer(
        "Maximum Units per Line", help="Accept at most this many units per line. 0: no limit."
    )
    ack_backorder_shortfall = fields.Boolean(
        "Backorder Shortfalls",
        default=True,
        help="Backorder what stock cannot cover when "
        "Amazon allows backorders on the line; otherwise reject it.",
    )
    ack_alert_hours = fields.Integer(
        "Alert Before Deadline (h)",
        default=4,
        help="The responsible gets an activity and an "
        "e-mail this long before Amazon's 24-hour acknowledgement deadline.",
    )
    responsible_user_id = fields.Many2one(
        "res.users",
        "Responsible",
        default=lambda self: self._default_responsible(),
        help="Gets deadline alerts and Amazon's rejections, and is the salesperson of the "
        "account's sale orders.",
    )
    transaction_stuck_minutes = fields.Integer(
        "Transaction Stuck After (min)",
        default=60,
        help="A submission still Processing after "
        "this long is resolved from the PO's status at Amazon.",
    )

    # Message centre: notification rules, sync history, freshness (acorn_vc_sync_run.py).
    notification_rule_ids = fields.One2many(
        "acorn.vc.notification.rule", "account_id", string="Notification Rules"
    )
    freshness_state = fields.Selection(
        [("fresh", "Fresh"), ("late", "Late"), ("stale", "Stale")],
        "Data Freshness",
        compute="_compute_freshness",
        help="The worst of the account's data kinds: stale when one is older than its "
        "threshold (Settings > Vendor Central).",
    )
    freshness_warning = fields.Text(compute="_compute_freshness")
    freshness_summary = fields.Text("Data Age", compute="_compute_freshness")
    last_failed_run_id = fields.Many2one(
        "acorn.vc.sync.run",
        compute="_compute_freshness",
        help="The newest run of a kind whose last run failed.",
    )

    # Purchase-order sync: a cursor per account, so each run asks only for what changed.
    sync_active = fields.Boolean(
        "Sync Purchase Orders", default=True, help="The scheduled sync picks up this account."
    )
    sync_overlap_minutes = fields.Integer(
        default=15,
        help="Each incremental sync re-reads this many minutes before the last cursor, so an "
        "order Amazon timestamps late is never missed (re-reading changes nothing).",
    )
    sync_cursor = fields.Datetime(
        "Synced Up To",
        readonly=True,
        copy=False,
        help="Orders created or changed before this moment are in Acorn.",
    )
    po_status_cursor = fields.Datetime(
        "PO Status Read Up To",
        readonly=True,
        copy=False,
        help="Amazon's PO status changes (receipts, answers given in Vendor Central) before "
        "this moment are in Acorn.",
    )
    last_sync_at = fields.Datetime("Last Successful Sync", readonly=True, copy=False)
    last_sync_summary = fields.Char(readonly=True, copy=False)
    last_sync_error = fields.Text(readonly=True, copy=False)
    backfill_months = fields.Integer(
        default=24, help="How far back the history backfill reads (Amazon keeps 2 years)."
    )
    backfill_cursor = fields.Datetime(
        readonly=True, copy=False, help="Start of the next 7-day window the backfill reads."
    )
    backfill_end = fields.Datetime(readonly=True, copy=False)
    backfill_state = fields.Selection(
        [("none", "Not started"), ("running", "Running"), ("done", "Done")],
        default="none",
        readonly=True,
        copy=False,
    )
    purchase_order_count = fields.Integer(compute="_compute_purchase_order_count")
    po_to_ack_count = fields.Integer("To Acknowledge", compute="_compute_purchase_order_count")
    po_overdue_count = fields.Integer("Overdue", compute="_compute_purchase_order_count")

    connection_state = fields.Selection(
        [("untested", "Not tested"), ("ok", "Connected"), ("failed", "Failed")],
        default="untested",
        readonly=True,
        copy=False,
        tracking=True,
    )
    connection_message = fields.Text(readonly=True, copy=False)
    connection_checked_at = fields.Datetime(readonly=True, copy=False)

    # Shipping: SSCC labels and ASN defaults (core/asn_build.py builds, asn_check.py checks).
    gs1_company_prefix = fields.Char(
        "GS1 Company Prefix",
        help="Your GS1 company prefix (6 to 12 digits); every SSCC on your cartons and "
        "pallets starts with it.",
    )
    sscc_extension_digit = fields.Char(
        "SSCC Extension Digit", default="0", size=1, help="First digit of carton SSCCs (0-9)."
    )
    sscc_pallet_extension_digit = fields.Char(
        "Pallet Extension Digit", size=1, help="First digit of pallet SSCCs; empty: as cartons."
    )
    sscc_sequence_id = fields.Many2one(
        "ir.sequence",
        "SSCC Serial Sequence",
        copy=False,
        help="Serial references of SSCCs; created on first use. Never set it back: GS1 forbids "
        "reusing an SSCC within a year (Acorn refuses it).",
    )
    asn_shipment_type = fields.Selection(
        [
            ("TruckLoad", "Truck load"),
            ("LessThanTruckLoad", "Less than truck load"),
            ("SmallParcel", "Small parcel"),
        ],
        "Default Shipment Type",
        default="LessThanTruckLoad",
    )
    asn_carrier_scac = fields.Char(
        "Default Carrier SCAC", help="The carrier's 2-4 letter SCAC, e.g. ODFL."
    )
    asn_transit_days = fields.Integer(
        "Transit Days", default=2, help="Estimated delivery = shipped date + this many days."
    )
    # Invoicing (the invoice check and what Amazon's invoices carry).
    invoice_cost_tolerance = fields.Float(
        "Invoice Price Tolerance",
        digits=(16, 4),
        help="How far an invoiced unit price may differ from the PO's net cost before the "
        "invoice check refuses it. Amazon compares exactly: keep 0 unless Amazon agreed "
        "otherwise.",
    )
    invoice_remit_to_partner_id = fields.Many2one(
        "res.partner",
        "Remit To",
        check_company=True,
        help="Where Amazon sends the money (name and address on every invoice). Empty: "
        "the company.",
    )
    # Remittances: where an Amazon payment is booked (Finance only; empty = company default).
    remittance_journal_id = fields.Many2one(
        "account.journal",
        "Amazon Deposits Journal",
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        groups="acorn_vendor.group_acorn_finance",
        help="Bank journal of Amazon's deposits; its outstanding receipts account gets each "
        "payment. Empty: the company's first bank journal.",
    )
    remittance_shortage_account_id = fields.Many2one(
        "account.account",
        "Shortage Claims",
        check_company=True,
        groups="acorn_vendor.group_acorn_finance",
        help="Shortage claims, their reversals and revised claims. Empty: Amazon deductions "
        "pending.",
    )
    remittance_price_claim_account_id = fields.Many2one(
        "account.account",
        "Price Claims",
        check_company=True,
        groups="acorn_vendor.group_acorn_finance",
    )
    remittance_chargeback_account_id = fields.Many2one(
        "account.account",
        "Chargebacks",
        check_company=True,
        groups="acorn_vendor.group_acorn_finance",
    )
    remittance_return_account_id = fields.Many2one(
        "account.account", "Returns", check_company=True, groups="acorn_vendor.group_acorn_finance"
    )
    remittance_coop_account_id = fields.Many2one(
        "account.account",
        "Co-op Agreements",
        check_company=True,
        groups="acorn_vendor.group_acorn_finance",
        help="Empty: Amazon contra revenue.",
    )
    remittance_price_protection_account_id = fields.Many2one(
        "account.account",
        "Price Protection",
        check_company=True,
        groups="acorn_vendor.group_acorn_finance",
    )
    remittance_terms_discount_account_id = fields.Many2one(
        "account.account",
        "Terms Discounts",
        check_company=True,
        groups="acorn_vendor.group_acorn_finance",
    )
    remittance_provision_account_id = fields.Many2one(
        "account.account",
        "Provisions",
        check_company=True,
        groups="acorn_vendor.group_acorn_finance",
        help="Provisions and their reversals, which net to zero. Empty: Amazon holdback.",
    )
    remittance_line_rules = fields.Text(
        groups="acorn_vendor.group_acorn_finance",
        help="How this account's remittance lines are decoded, as JSON: a list of "
        '{"kind", "number", "description", "sign"} rules, first match wins (regular '
        "expressions on Amazon's Invoice Number and Description), tried before Acorn's defaults.",
    )
    # Deductions: Amazon's dispute rules (finance.md §3; defaults: core/deductions) and the
    # assessment's, per account since Amazon changes them (Finance only).
    deduction_shortage_opens_days = fields.Integer(
        "Shortage Disputes Open (days)",
        default=DEADLINE_DEFAULTS.shortage_opens_days,
        groups="acorn_vendor.group_acorn_finance",
        help="Days after the invoice due date before Amazon takes a shortage dispute (it "
        "keeps matching receipts until then).",
    )
    deduction_shortage_file_before_days = fields.Integer(
        "File Shortage Disputes By (day)",
        default=DEADLINE_DEFAULTS.shortage_file_before_days,
        groups="acorn_vendor.group_acorn_finance",
        help="Days after the due date after which shortage disputes rarely win.",
    )
    deduction_shortage_disputes = fields.Integer(
        "Shortage Disputes Allowed",
        default=DEADLINE_DEFAULTS.shortage_disputes,
        groups="acorn_vendor.group_acorn_finance",
        help="One dispute, then one re-dispute.",
    )
    deduction_shortage_redispute_bundle = fields.Integer(
        "Disputes per Re-dispute",
        default=DEADLINE_DEFAULTS.shortage_redispute_bundle,
        groups="acorn_vendor.group_acorn_finance",
    )
    deduction_shortage_limit_years = fields.Integer(
        "Shortage Limit (years)",
        default=DEADLINE_DEFAULTS.shortage_limit_years,
        groups="acorn_vendor.group_acorn_finance",
    )
    deduction_price_claim_days = fields.Integer(
        "Price Claim Window (days)",
        default=DEADLINE_DEFAULTS.price_claim_days,
        groups="acorn_vendor.group_acorn_finance",
        help="Days after the invoice due date.",
    )
    deduction_price_claim_disputes = fields.Integer(
        "Price Claim Disputes Allowed",
        default=DEADLINE_DEFAULTS.price_claim_disputes,
        groups="acorn_vendor.group_acorn_finance",
    )
    deduction_chargeback_days = fields.Integer(
        "Chargeback Window (days)",
        default=DEADLINE_DEFAULTS.chargeback_days,
        groups="acorn_vendor.group_acorn_finance",
        help="Days after Amazon raised the chargeback.",
    )
    deduction_chargeback_disputes = fields.Integer(
        "Chargeback Disputes Allowed",
        default=DEADLINE_DEFAULTS.chargeback_disputes,
        groups="acorn_vendor.group_acorn_finance",
    )
    deduction_chargeback_redispute_days = fields.Integer(
        "Chargeback Re-dispute Window (days)",
        default=DEADLINE_DEFAULTS.chargeback_redispute_days,
        groups="acorn_vendor.group_acorn_finance",
        help="Days after Amazon refused the first dispute.",
    )
    deduction_chargeback_limit_years = fields.Integer(
        "Chargeback Limit (years)",
        default=DEADLINE_DEFAULTS.chargeback_limit_years,
        groups="acorn_vendor.group_acorn_finance",
    )
    deduction_coop_limit_years = fields.Integer(
        "Co-op Limit (years)",
        default=DEADLINE_DEFAULTS.coop_limit_years,
        groups="acorn_vendor.group_acorn_finance",
    )
    deduction_closing_days = fields.Integer(
        "Closing Soon (days)",
        default=DEADLINE_DEFAULTS.closing_days,
        groups="acorn_vendor.group_acorn_finance",
        help="A window whose worthwhile part ends this many days from today, or sooner, is "
        "closing; the responsible gets an activity then.",
    )
    deduction_asn_due_hours = fields.Integer(
        "ASN Due (hours after shipping)",
        default=ASSESSMENT_DEFAULTS.asn_due_hours,
        groups="acorn_vendor.group_acorn_finance",
        help="An ASN sent later than this after the shipment left is late: its chargeback is "
        "accepted.",
    )
    deduction_ship_window_grace_days = fields.Integer(
        "Ship Window Grace (days)",
        default=ASSESSMENT_DEFAULTS.ship_window_grace_days,
        groups="acorn_vendor.group_acorn_finance",
    )
    dispute_writeoff_account_id = fields.Many2one(
        "account.account",
        "Write Lost Disputes Off To",
        check_company=True,
        groups="acorn_vendor.group_acorn_finance",
        help="Where a lost or expired dispute's deductions go. Empty: by kind, Amazon contra "
        "revenue for co-op and price protection, Amazon deductions written off (an expense) "
        "for the others.",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "An account with this name already exists in this company.",
        ),
    ]

    @api.model
    def _default_responsible(self):
        """The user creating the account; OdooBot (module data, scripts) hands over to the
        administrator, since nobody reads OdooBot's activities."""
        user = self.env.user
        if user == self.env.ref("base.user_root"):
            return self.env.ref("base.user_admin", raise_if_not_found=False) or user
        return user

    def _compute_purchase_order_count(self):
        """The overview's counters: all POs, those waiting for us, those past Amazon's 24 h."""
        PO = self.env["acorn.vc.purchase.order"]
        base = [("account_id", "in", self.ids)]
        counts = [
            dict(PO._read_group(base + domain, ["account_id"], ["__count"]))
            for domain in ([], ACK_WAITING_DOMAIN, PO._acorn_overdue_domain())
        ]
        for account in self:
            account.purchase_order_count = counts[0].get(account, 0)
            account.po_to_ack_count = counts[1].get(account, 0)
            account.po_overdue_count = counts[2].get(account, 0)

    def _acorn_po_action(self, domain, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "acorn.vc.purchase.order",
            "name": name,
            "view_mode": "list,kanban,form",
            "domain": [("account_id", "=", self.id), *domain],
        }

    def action_view_pos_to_acknowledge(self):
        return self._acorn_po_action([("ack_waiting", "=", True)], self.env._("To Acknowledge"))

    def action_view_pos_overdue(self):
        return self._acorn_po_action([("ack_overdue", "=", True)], self.env._("Overdue"))

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

    def _acorn_spapi_client(self, **options):
        """The one place an SP-API client is built from an account's settings; ``options``
        are SpApiClient keywords (e.g. fewer retries where a person waits)."""
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
            **{"stats": current_call_stats(), **options},
        )

    def action_test_connection(self):
        """Token exchange plus one cheap call; the outcome is stored and shown, never raised."""
        self.ensure_one()
        try:
            # A person is waiting: one retry, not the jobs' patient backoff.
            summary = self._acorn_spapi_client(max_retries=1).check_connection()
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
            return notification(self.env._("Connection failed"), message, "danger")
        self.write(
            {
                "connection_state": "ok",
                "connection_message": summary,
                "connection_checked_at": fields.Datetime.now(),
            }
        )
        return notification(self.env._("Connected to Vendor Central"), summary, "success")

    def _acorn_responsible(self):
        self.ensure_one()
        return self.responsible_user_id or self.env.ref("base.user_admin")

    def _acorn_deduction_rules(self):
        """(DeadlineRules, AssessmentRules) of the account's settings."""
        self.ensure_one()
        account = self.sudo()
        deadlines = deadline_rules(
            {name: account[f"deduction_{name}"] for name in DEADLINE_DEFAULTS.__dataclass_fields__}
        )
        assessment = assessment_rules(
            {
                "asn_due_hours": account.deduction_asn_due_hours,
                "ship_window_grace_days": account.deduction_ship_window_grace_days,
            }
        )
        return deadlines, assessment

    @api.constrains(
        *(f"deduction_{name}" for name in DEADLINE_DEFAULTS.__dataclass_fields__),
        "deduction_asn_due_hours",
        "deduction_ship_window_grace_days",
    )
    def _check_deduction_rules(self):
        for account in self:
            try:
                account._acorn_deduction_rules()
            except ValueError as exc:
                raise ValidationError(
                    self.env._("%(account)s: %(problem)s", account=account.name, problem=exc)
                ) from None

    def _acorn_rule_settings(self):
        self.ensure_one()
        return RuleSettings(
            check_stock=self.ack_check_stock,
            price_tolerance_pct=self.ack_price_tolerance_pct or None,
            min_margin_pct=self.ack_min_margin_pct or None,
            max_units_per_line=self.ack_max_units_per_line or None,
            backorder_shortfall=self.ack_backorder_shortfall,
        )

    def _compute_freshness(self):
        Run = self.env["acorn.vc.sync.run"].sudo()
        order = {"never": 0, "fresh": 0, "late": 1, "stale": 2}
        for account in self:
            found = Run._acorn_freshness(account) if account.id else []
            worst = max(found, key=lambda f: order[f.state], default=None)
            # Never loaded is a new account's normal state, told in the summary only.
            account.freshness_state = worst.state if worst and worst.state != "never" else "fresh"
            stale = [f.sentence() for f in found if f.state == "stale"]
            account.freshness_warning = "\n".join(stale) or False
            account.freshness_summary = "\n".join(f.sentence() for f in found) or False
            last_runs = Run.search(
                [("account_id", "=", account.id or 0)], order="started_at desc, id desc", limit=20
            )
            newest_by_kind = {}
            for run in last_runs:
                newest_by_kind.setdefault(run.kind, run)
            failed = [run for run in newest_by_kind.values() if run.state == "failed"]
            account.last_failed_run_id = failed[0] if failed else False

    def _acorn_notify(self, event, record, occurrence, subject, body, value=None):
        """An event occurred on this account: the account's rules tell whom they name,
        each occurrence once (see acorn.vc.notification.rule)."""
        self.ensure_one()
        return self.env["acorn.vc.notification.rule"]._acorn_dispatch(
            self, event, record, occurrence, subject, body, value=value
        )

    def action_view_sync_runs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "acorn_vendor.acorn_vc_sync_run_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"search_default_group_by_kind": 0}
        return action

    @api.constrains("gs1_company_prefix", "sscc_extension_digit", "sscc_pallet_extension_digit")
    def _check_gs1_settings(self):
        for account in self:
            prefix = account.gs1_company_prefix
            if prefix and not (prefix.isdigit() and 6 <= len(prefix) <= 12):
                raise ValidationError(
                    self.env._(
                        "Account %(name)s: the GS1 company prefix must be 6 to 12 digits, "
                        "not %(prefix)s.",
                        name=account.name,
                        prefix=prefix,
                    )
                )
            for digit in (account.sscc_extension_digit, account.sscc_pallet_extension_digit):
                if digit and not digit.isdigit():
                    raise ValidationError(
                        self.env._(
                            "Account %(name)s: an SSCC extension digit is one digit 0-9.",
                            name=account.name,
                        )
                    )

    def _acorn_sscc_peers(self):
        """Other accounts with the same GS1 company prefix: an SSCC is unique per prefix,
        so they must draw serials from one sequence (a vendor on SP-API and EDI has one)."""
        self.ensure_one()
        if not self.gs1_company_prefix:
            return self.browse()
        return (
            self.sudo()
            .with_context(active_test=False)
            .search([("id", "!=", self.id), ("gs1_company_prefix", "=", self.gs1_company_prefix)])
        )

    def _acorn_sscc_sequence(self):
        """The account's SSCC serial sequence, created on first use (no gaps needed), or the
        one other accounts with the same GS1 prefix already use."""
        self.ensure_one()
        if not self.sscc_sequence_id:
            shared = self._acorn_sscc_peers().sscc_sequence_id[:1]
            if shared:
                self.sscc_sequence_id = shared
                return shared
            self.sscc_sequence_id = self.env["ir.sequence"].create(
                {
                    "name": self.env._("SSCC serials of GS1 prefix %s", self.gs1_company_prefix),
                    "code": f"acorn.sscc.{self.id}",
                    "company_id": self.company_id.id,
                    "implementation": "standard",
                    "padding": 1,
                    "number_next": 1,
                }
            )
        return self.sscc_sequence_id

    def _acorn_customer(self, purchase_order):
        """The Amazon customer; on first use created from the PO's bill-to party.

        Runs as superuser: whoever triggers it (a sync job, a user mapping a product) may
        lack contact-creation rights, and the partner is Amazon's data, not theirs.
        """
        self.ensure_one()
        if not self.partner_id:
            payload = purchase_order.payload_ids[:1].content or {}
            bill_to = (payload.get("orderDetails") or {}).get("billToParty") or {}
            name = (bill_to.get("address") or {}).get("name") or self.env._(
                "Amazon %s", self.marketplace_code
            )
            self.sudo().partner_id = (
                self.env["res.partner"]
                .sudo()
                .create(
                    {
                        "name": name,
                        "is_company": True,
                        "company_id": self.company_id.id,
                        "ref": bill_to.get("partyId") or False,
                        **purchase_order._acorn_party_address("billToParty"),
                    }
                )
            )
        return self.partner_id

    # ------------------------------------------------------------------ PO sync

    @api.model
    def _cron_sync_purchase_orders(self):
        """Find work only: one queued job per account; the jobs call Amazon."""
        accounts = self.search([("sync_active", "=", True), ("channel", "=", "spapi")])
        for account in accounts:
            delay(
                account,
                f"acorn-po-sync-{account.id}",
                self.env._("Sync Amazon POs of %s", account.name),
            )._acorn_job_sync_purchase_orders()
            delay(
                account,
                f"acorn-po-status-{account.id}",
                self.env._("Read Amazon's PO status of %s", account.name),
            )._acorn_job_sync_po_status()
            if account.backfill_state == "running":
                account._acorn_enqueue_backfill_step()
        return len(accounts)

    def sync_purchase_orders(self):
        """Sync now, in this request; for XML-RPC scripts (public API).

        ``execute_kw(db, uid, pwd, 'acorn.vc.account', 'sync_purchase_orders', [[id]])``
        returns the counts ``{created, updated, unchanged, failed}``. Any Vendor Central
        user who can see the account may sync it; the import itself runs as superuser, as
        the scheduled job does, since nobody creates Amazon's documents by hand.
        """
        self.ensure_one()
        self.check_access("read")
        if not self.env.user.has_group("acorn_vendor.group_acorn_user"):
            raise AccessError(self.env._("Only Vendor Central users may sync purchase orders."))
        return self.sudo()._acorn_sync_purchase_orders()

    def action_sync_purchase_orders(self):
        """The Sync now button: same as sync_purchase_orders, told as a notification."""
        self.ensure_one()
        try:
            counts = self.sync_purchase_orders()
        except SpApiError as exc:
            return notification(self.env._("Sync failed"), str(exc), "danger")
        return notification(
            self.env._("Purchase orders synced"), self._acorn_counts_text(counts), "success"
        )

    def _acorn_job_sync_purchase_orders(self):
        """Queue job: incremental sync; throttling and outages are retried later."""
        self.ensure_one()
        return run_or_retry_later(self._acorn_sync_purchase_orders)

    def _acorn_sync_purchase_orders(self, now=None):
        """Read POs created or changed since the cursor (minus the overlap) and import them."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        since = (
            self.sync_cursor - timedelta(minutes=self.sync_overlap_minutes)
            if self.sync_cursor
            else now - timedelta(days=1)
        )
        with self.env["acorn.vc.sync.run"]._acorn_track(self, "purchase_orders") as run:
            try:
                counts = self._acorn_fetch_and_import(since, now, changed=bool(self.sync_cursor))
            except SpApiError as exc:
                self.last_sync_error = str(exc)
                raise
            run.add(counts)
        self.write(
            {
                "sync_cursor": now,
                "last_sync_at": fields.Datetime.now(),
                "last_sync_error": False,
                "last_sync_summary": self._acorn_counts_text(counts),
            }
        )
        return counts

    def _acorn_fetch_and_import(self, since, until, changed=True):
        """New orders by creation date, then (incremental runs) Amazon's changes to older ones."""
        client = self._acorn_spapi_client()
        PO = self.env["acorn.vc.purchase.order"]
        totals = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        seen = set()
        filters = [{"createdAfter": since, "createdBefore": until}]
        if changed:
            filters.append({"changedAfter": since, "changedBefore": until})
        for window in filters:
            batch = []
            for order in client.iter_purchase_orders(**window):
                if order.get("purchaseOrderNumber") in seen:
                    continue
                seen.add(order.get("purchaseOrderNumber"))
                batch.append(order)
                if len(batch) >= IMPORT_BATCH:
                    self._acorn_add_counts(totals, PO._acorn_import_orders(self, batch))
                    batch = []
            self._acorn_add_counts(totals, PO._acorn_import_orders(self, batch))
        self._acorn_read_amazon_acknowledgements(seen)
        return totals

    def _acorn_read_amazon_acknowledgements(self, numbers):
        """POs among ``numbers`` that Amazon shows as acknowledged but Acorn never answered
        carry no quantities in getPurchaseOrders: read them from getPurchaseOrdersStatus,
        as a PO status run of its own (Monitoring counts its calls apart)."""
        unanswered = self.env["acorn.vc.purchase.order"]._acorn_unanswered(self, numbers)
        if not unanswered:
            return 0
        statuses = []
        with self.env["acorn.vc.sync.run"]._acorn_track(self, "po_status") as run:
            client = self._acorn_spapi_client()
            # Only around these POs' creation dates: an incremental run's changed POs can be
            # months apart, and every 7-day window between them would be paged for nothing.
            for start, end in covering_windows(unanswered.mapped("po_date")):
                statuses += client.iter_purchase_orders_status(
                    createdAfter=start, createdBefore=end
                )
            run.add(unanswered._acorn_apply_status(statuses))
        return run.counts["updated"]

    def _acorn_job_sync_po_status(self):
        """Queue job: Amazon's PO status changes; throttling and outages retried later."""
        self.ensure_one()
        return run_or_retry_later(self._acorn_sync_po_status)

    def _acorn_sync_po_status(self, now=None):
        """Read the PO statuses Amazon updated since the cursor (minus the overlap): the
        eaches it received per line, and answers given outside Acorn. Its own run kind, so
        Monitoring shows this data's freshness apart from the orders'."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        cursor = self.po_status_cursor
        since = (
            cursor - timedelta(minutes=self.sync_overlap_minutes)
            if cursor
            else now - timedelta(days=1)
        )
        with self.env["acorn.vc.sync.run"]._acorn_track(self, "po_status") as run:
            client = self._acorn_spapi_client()
            statuses = list(
                client.iter_purchase_orders_status(updatedAfter=since, updatedBefore=now)
            )
            pos = self.env["acorn.vc.purchase.order"].search(
                [
                    ("account_id", "=", self.id),
                    ("name", "in", [s.get("purchaseOrderNumber") for s in statuses]),
                ]
            )
            run.add(pos._acorn_apply_status(statuses))
        self.po_status_cursor = now
        return run.counts

    @staticmethod
    def _acorn_add_counts(totals, counts):
        for key, value in counts.items():
            totals[key] += value

    def _acorn_counts_text(self, counts):
        return self.env._(
            "%(created)s new, %(updated)s updated, %(unchanged)s unchanged, %(failed)s failed",
            **counts,
        )

    def action_start_backfill(self):
        """Bring every historical PO into Acorn, 7 days at a time, resumable after a crash."""
        for account in self:
            end = account.sync_cursor or fields.Datetime.now()
            months = max(account.backfill_months, 1)
            account.write(
                {
                    "backfill_state": "running",
                    "backfill_end": end,
                    "backfill_cursor": end - timedelta(days=30 * months),
                }
            )
            account._acorn_enqueue_backfill_step()
        return True

    def _acorn_enqueue_backfill_step(self):
        self.ensure_one()
        delay(
            self, f"acorn-po-backfill-{self.id}", self.env._("Backfill Amazon POs of %s", self.name)
        )._acorn_job_backfill_step()

    def _acorn_job_backfill_step(self):
        """One window per job: the cursor moves only after the window is stored, so a crash
        repeats at most one window (and re-importing changes nothing)."""
        self.ensure_one()
        if self.backfill_state != "running":
            return False
        start = self.backfill_cursor
        stop = min(start + BACKFILL_WINDOW, self.backfill_end)
        try:
            with self.env["acorn.vc.sync.run"]._acorn_track(self, "po_backfill") as run:
                counts = self._acorn_fetch_and_import(start, stop, changed=False)
                run.add(counts)
        except RETRYABLE as exc:
            raise retry_later(exc) from exc
        done = stop >= self.backfill_end
        self.write(
            {
                "backfill_cursor": stop,
                "backfill_state": "done" if done else "running",
                "last_sync_summary": self._acorn_counts_text(counts),
            }
        )
        if not done:
            self._acorn_enqueue_backfill_step()
        return counts

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

    # ------------------------------------------------------------------ vendor reports

    report_sync_active = fields.Boolean(
        "Load vendor reports",
        default=True,
        help="Request Amazon's vendor reports (sales, inventory, traffic, net PPM, forecast) "
        "on a schedule and load them into Analytics. Needs the Brand Analytics role.",
    )
    report_history_days = fields.Integer(
        "Report history (days)",
        default=730,
        help="How far back the report backfill goes (Amazon keeps about two years).",
    )
    cross_check_activity_threshold = fields.Integer(
        "Cross-check activity from",
        default=1,
        help="The monthly cross-check gives the account's responsible an activity when it "
        "finds at least this many differences (each past its own check's tolerance); below, "
        "the run is kept and an earlier activity of the month is marked done. 0 or 1: any "
        "difference.",
    )
    report_business_program = fields.Boolean(
        "Business program",
        help="Also load the sales report of Amazon Business (Amazon has no Business "
        "inventory or forecast report).",
    )
    report_fresh_program = fields.Boolean(
        "Fresh program", help="Also load the sales, inventory and forecast of Amazon Fresh."
    )
    report_sourcing_view = fields.Boolean(
        "Sourcing view",
        help="Also load sales and inventory in the Sourcing view (the products Amazon sourced "
        "from you) besides the Manufacturing view (the products you make, whoever sold "
        "them to Amazon).",
    )

    def _acorn_report_scope(self):
        """The selling programs and distributor views this account loads reports for."""
        self.ensure_one()
        programs, views = ["RETAIL"], ["MANUFACTURING"]
        if self.report_business_program:
            programs.append("BUSINESS")
        if self.report_fresh_program:
            programs.append("FRESH")
        if self.report_sourcing_view:
            views.append("SOURCING")
        return {
            "scheduled": scheduled_reports(programs, views),
            "forecasts": forecast_options(programs),
        }

    # ------------------------------------------------------------------ remittances

    @api.constrains("remittance_line_rules")
    def _check_remittance_line_rules(self):
        """A rule table that would fail every later import is refused when it is saved."""
        for account in self:
            text = (account.sudo().remittance_line_rules or "").strip()
            if not text:
                continue
            try:
                rules_from_settings(json.loads(text))
            except ValueError as exc:
                raise ValidationError(
                    self.env._(
                        "Remittance line rules of %(account)s: %(error)s",
                        account=account.name,
                        error=exc,
                    )
                ) from None

    # ------------------------------------------------------------------ replenishment

    replenishment_service_level = fields.Selection(
        REPLENISHMENT_LEVELS,
        "Replenishment service level",
        default="p70",
        required=True,
        help="Amazon's forecast quantile that purchase suggestions plan on (Amazon is said to "
        "order on its P70). A product can override it; the Amazon Demand screen's backtest "
        "shows how often each quantile covered what Amazon then ordered.",
    )
