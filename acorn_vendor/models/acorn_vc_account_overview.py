"""The Overview: what waits for the team on each account, and across accounts in the company's
currency. Figures are computed on read with one grouped query per figure family, whatever
the number of accounts or documents."""

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .account_move import AMAZON_MOVE_TYPES
from .acorn_vc_purchase_order import ACK_WAITING_DOMAIN

# Deliveries whose ship window closes within this time count as due soon.
DUE_SOON = timedelta(days=2)
MONEY_FIGURES = (
    "open_po_value",
    "payment_due_amount",
    "payment_overdue_amount",
    "deduction_at_risk_amount",
)
# Figure -> the account's count field.
COUNTED_FIGURES = {
    "open_po": "open_po_count",
    "delivery_open": "delivery_open_count",
    "delivery_due_soon": "delivery_due_soon_count",
    "delivery_late": "delivery_late_count",
    "asn_to_send": "asn_to_send_count",
    "asn_rejected": "asn_rejected_count",
    "invoice_problem": "invoice_problem_count",
    "payment_due": "payment_due_count",
    "deduction_at_risk": "deduction_at_risk_count",
}


class AcornVcAccountOverview(models.Model):
    _inherit = "acorn.vc.account"

    overview_currency_id = fields.Many2one("res.currency", compute="_compute_overview")
    open_po_count = fields.Integer("Open POs", compute="_compute_overview")
    open_po_units = fields.Integer("Open Units", compute="_compute_overview")
    open_po_value = fields.Monetary(
        "Open Value", compute="_compute_overview", currency_field="overview_currency_id"
    )
    delivery_open_count = fields.Integer("Deliveries to Ship", compute="_compute_overview")
    delivery_due_soon_count = fields.Integer(
        "Ship Window Closing", compute="_compute_overview", help="Closes within two days."
    )
    delivery_late_count = fields.Integer("Ship Window Missed", compute="_compute_overview")
    asn_to_send_count = fields.Integer(
        "ASNs to Send", compute="_compute_overview", help="Shipped, Amazon not told yet."
    )
    asn_rejected_count = fields.Integer("ASNs Rejected", compute="_compute_overview")
    invoice_problem_count = fields.Integer(
        "Invoices with Problems",
        compute="_compute_overview",
        help="Blocked by Acorn's check or rejected by Amazon.",
    )
    payment_due_count = fields.Integer("Invoices Unpaid", compute="_compute_overview")
    payment_due_amount = fields.Monetary(
        "Payments Due", compute="_compute_overview", currency_field="overview_currency_id"
    )
    payment_overdue_amount = fields.Monetary(
        "Payments Overdue", compute="_compute_overview", currency_field="overview_currency_id"
    )
    deduction_at_risk_count = fields.Integer("Open Deductions", compute="_compute_overview")
    deduction_at_risk_amount = fields.Monetary(
        "Deductions at Risk",
        compute="_compute_overview",
        currency_field="overview_currency_id",
        help="What Amazon took off and has not given back or been reconciled yet.",
    )

    # ------------------------------------------------------------------ figure domains

    @api.model
    def _acorn_overview_figures(self):
        """Each figure: (model, field pointing at the account, domain, list title). The
        counts, the sums and the lists a figure opens all use these domains."""
        now = fields.Datetime.now()
        today = fields.Date.context_today(self)
        PO = self.env["acorn.vc.purchase.order"]
        delivery = [
            ("acorn_purchase_order_id", "!=", False),
            ("picking_type_code", "=", "outgoing"),
            ("state", "not in", ("done", "cancel")),
        ]
        window = "acorn_purchase_order_id.ship_window_end"
        due = [
            ("move_type", "in", AMAZON_MOVE_TYPES),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
        ]
        picking, move = "stock.picking", "account.move"
        po_account, picking_account = "account_id", "acorn_purchase_order_id.account_id"
        return {
            "open_po": (
                PO._name,
                po_account,
                [("amz_state", "!=", "closed")],
                self.env._("Open POs"),
            ),
            "po_to_ack": (PO._name, po_account, ACK_WAITING_DOMAIN, self.env._("To Acknowledge")),
            "po_overdue": (PO._name, po_account, PO._acorn_overdue_domain(), self.env._("Overdue")),
            "delivery_open": (picking, picking_account, delivery, self.env._("Deliveries to Ship")),
            "delivery_due_soon": (
                picking,
                picking_account,
                [*delivery, (window, ">=", now), (window, "<", now + DUE_SOON)],
                self.env._("Ship Window Closing"),
            ),
            "delivery_late": (
                picking,
                picking_account,
                [*delivery, (window, "<", now)],
                self.env._("Ship Window Missed"),
            ),
            "asn_to_send": (
                picking,
                picking_account,
                [("state", "=", "done"), ("acorn_asn_state", "=", "to_send")],
                self.env._("ASNs to Send"),
            ),
            "asn_rejected": (
                picking,
                picking_account,
                [("acorn_asn_state", "=", "rejected")],
                self.env._("ASNs Rejected"),
            ),
            "invoice_problem": (
                move,
                "acorn_account_id",
                [("state", "!=", "cancel"), ("acorn_invoice_state", "in", ("blocked", "rejected"))],
                self.env._("Invoices with Problems"),
            ),
            "payment_due": (move, "acorn_account_id", due, self.env._("Payments Due")),
            "payment_overdue": (
                move,
                "acorn_account_id",
                [*due, ("invoice_date_due", "<", today)],
                self.env._("Payments Overdue"),
            ),
            "deduction_at_risk": (
                "acorn.vc.deduction",
                "account_id",
                ["|", ("move_line_id", "=", False), ("move_line_id.reconciled", "=", False)],
                self.env._("Deductions at Risk"),
            ),
        }

    def _acorn_readable(self, figure):
        """Figures over documents the user may not read (deductions, for a user outside
        Finance) stay at zero instead of failing the whole Overview."""
        return self.env[self._acorn_overview_figures()[figure][0]].has_access("read")

    def _acorn_figure_domain(self, figure):
        model, account_field, domain, _title = self._acorn_overview_figures()[figure]
        return model, [(account_field, "in", self.ids), *domain]

    # ------------------------------------------------------------------ figures

    @api.depends_context("company", "uid")
    def _compute_overview(self):
        """One grouped query per figure for all accounts; money in the company's currency
        at today's rate (res.currency's own rates, one lookup per currency)."""
        target = self.env.company.currency_id
        convert = self._acorn_converter(target)
        money = {fname: defaultdict(float) for fname in MONEY_FIGURES}
        counts = {figure: self._acorn_count_by_account(figure) for figure in COUNTED_FIGURES}
        PO = self.env["acorn.vc.purchase.order"]
        _model, domain = self._acorn_figure_domain("open_po")
        po_groups = PO._read_group(
            domain, ["account_id", "currency_code"], ["ordered_units:sum", "amount_ordered:sum"]
        )
        currencies = {
            currency.name: currency
            for currency in self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "in", list({code for _a, code, _u, _v in po_groups if code}))])
        }
        units = defaultdict(int)
        for account, code, ordered_units, value in po_groups:
            units[account.id] += ordered_units
            currency = currencies.get(code) or account.currency_id
            money["open_po_value"][account.id] += convert(currency, value)
        for figure in ("payment_due", "payment_overdue"):
            _model, domain = self._acorn_figure_domain(figure)
            for account, currency, move_type, residual in self.env["account.move"]._read_group(
                domain, ["acorn_account_id", "currency_id", "move_type"], ["amount_residual:sum"]
            ):
                sign = -1 if move_type == "out_refund" else 1
                money[f"{figure}_amount"][account.id] += sign * convert(currency, residual)
        _model, domain = self._acorn_figure_domain("deduction_at_risk")
        deduction_groups = (
            self.env["acorn.vc.deduction"]._read_group(
                domain, ["account_id", "currency_id"], ["amount:sum"]
            )
            if self._acorn_readable("deduction_at_risk")
            else []
        )
        for account, currency, amount in deduction_groups:
            # Negative amounts were taken off; what Amazon gave back offsets them.
            money["deduction_at_risk_amount"][account.id] -= convert(currency, amount)
        for account in self:
            account.overview_currency_id = target
            account.open_po_units = units[account.id]
            for figure, fname in COUNTED_FIGURES.items():
                account[fname] = counts[figure].get(account.id, 0)
            for fname, values in money.items():
                account[fname] = target.round(values[account.id])
            account.deduction_at_risk_amount = max(account.deduction_at_risk_amount, 0)

    def _acorn_count_by_account(self, figure):
        """{account id: count}; deliveries are grouped by PO (one query), then by its account."""
        model, domain = self._acorn_figure_domain(figure)
        Model = self.env[model]
        if not self._acorn_readable(figure):
            return {}
        if model != "stock.picking":
            account_field = self._acorn_overview_figures()[figure][1]
            return {
                account.id: count
                for account, count in Model._read_group(domain, [account_field], ["__count"])
            }
        result = defaultdict(int)
        for po, count in Model._read_group(domain, ["acorn_purchase_order_id"], ["__count"]):
            result[po.account_id.id] += count
        return result

    def _acorn_converter(self, target):
        """amount in a currency -> amount in ``target``, one rate lookup per currency."""
        company = self.env.company
        today = fields.Date.context_today(self)
        rates = {}

        def convert(currency, amount):
            if not amount or not currency or currency == target:
                return amount or 0.0
            if currency not in rates:
                rates[currency] = currency._get_conversion_rate(currency, target, company, today)
            return amount * rates[currency]

        return convert

    # ------------------------------------------------------------------ lists and totals

    def action_open_overview_figure(self):
        """The list behind a figure (``figure`` in the context), for these accounts."""
        figure = self.env.context.get("figure")
        figures = self._acorn_overview_figures()
        if figure not in figures:
            raise UserError(self.env._("No overview figure named %r.", figure))
        model, domain = self._acorn_figure_domain(figure)
        views = "list,kanban,form" if model == "acorn.vc.purchase.order" else "list,form"
        return {
            "type": "ir.actions.act_window",
            "res_model": model,
            "name": figures[figure][3],
            "view_mode": views,
            "views": [(False, view) for view in views.split(",")],
            "domain": domain,
            "context": {"create": False},
        }

    @api.model
    def overview_totals(self, domain=None):
        """Every figure summed over the accounts the Overview shows (money already in the
        company's currency), for its header."""
        accounts = self.search(domain or [])
        fields_to_sum = [
            *COUNTED_FIGURES.values(),
            "open_po_units",
            "po_to_ack_count",
            "po_overdue_count",
            *MONEY_FIGURES,
        ]
        totals = {fname: sum(accounts.mapped(fname)) for fname in fields_to_sum}
        currency = self.env.company.currency_id
        for fname in MONEY_FIGURES:
            totals[fname] = currency.round(totals[fname])
        totals.update(
            account_ids=accounts.ids,
            readable=[
                figure for figure in self._acorn_overview_figures() if self._acorn_readable(figure)
            ],
            currency_id=currency.id,
            regions=sorted(set(filter(None, accounts.mapped("region")))),
        )
        return totals
