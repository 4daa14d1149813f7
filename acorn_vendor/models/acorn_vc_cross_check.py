"""One monthly cross-check of one account: which checks ran, were skipped or failed (and
why), and its differences (``acorn.vc.cross.check.line``). The job behind it is
``acorn.vc.report.cross.check``; a re-run of the same account and month replaces the lines."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

RESULTS = ("ran", "skipped", "error")


class AcornVcCrossCheck(models.Model):
    _name = "acorn.vc.cross.check"
    _description = "Vendor Central Cross-check Run"
    _order = "month desc, account_id"

    name = fields.Char(compute="_compute_name", store=True)
    account_id = fields.Many2one(
        "acorn.vc.account", "Vendor Central Account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    month = fields.Date("Month Start", required=True, help="The first day of the month checked.")
    month_label = fields.Char("Month", compute="_compute_name", store=True)
    run_at = fields.Datetime("Last Run", readonly=True)
    line_ids = fields.One2many("acorn.vc.cross.check.line", "run_id", "Difference Lines")
    difference_count = fields.Integer("Differences", compute="_compute_state", store=True)
    error_count = fields.Integer(
        "Failed", readonly=True, help="Checks Amazon's errors stopped on this run."
    )
    skipped_count = fields.Integer(
        "Skipped", readonly=True, help="Checks that could not run for this account or month."
    )
    state = fields.Selection(
        [("clean", "Clean"), ("differences", "Differences"), ("incomplete", "Incomplete")],
        compute="_compute_state",
        store=True,
        help="Incomplete: no difference found, but a check failed.",
    )
    check_summary = fields.Html("Checks", readonly=True, sanitize=True)
    activity_id = fields.Many2one(
        "mail.activity",
        readonly=True,
        ondelete="set null",
        help="The responsible's activity about this month, while it is open.",
    )

    _sql_constraints = [
        ("account_month_unique", "unique(account_id, month)", "One cross-check per month.")
    ]

    @api.depends("account_id.name", "month")
    def _compute_name(self):
        for run in self:
            run.month_label = run.month.strftime("%Y-%m") if run.month else ""
            run.name = f"{run.account_id.name or ''} {run.month_label}".strip()

    @api.depends("line_ids", "error_count")
    def _compute_state(self):
        for run in self:
            run.difference_count = len(run.line_ids)
            if run.difference_count:
                run.state = "differences"
            else:
                run.state = "incomplete" if run.error_count else "clean"

    @api.model
    def acorn_run(self, account_id, month):
        """XML-RPC: run the cross-check of ``account_id`` for ``month`` (an ISO date, any day
        of the month); returns the run's id."""
        account = self.env["acorn.vc.account"].browse(account_id).exists()
        if not account:
            raise UserError(self.env._("No Vendor Central account %(id)s.", id=account_id))
        return self._acorn_run(account, fields.Date.to_date(month)).id

    def _acorn_run(self, account, month):
        """Who may read the account may run its check. The job itself runs as superuser,
        as the cron does, so a run reads the same figures whoever starts it."""
        account.check_access("read")
        job = self.env["acorn.vc.report.cross.check"].sudo()
        run = job._acorn_cross_check_run(account.sudo(), month)[0]
        return self.browse(run.id)

    def action_rerun(self):
        self.ensure_one()
        return self._acorn_run(self.account_id, self.month).get_formview_action()

    def action_open_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "acorn_vendor.acorn_vc_cross_check_line_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.model
    def _acorn_store(self, account, month, diffs, results, links):
        """The run of ``account`` and ``month`` (made or reused), its lines replaced by
        ``diffs`` (core frame) linked to their records, and what each check did."""
        run = self.search([("account_id", "=", account.id), ("month", "=", month)])
        if not run:
            run = self.create({"account_id": account.id, "month": month})
        run.line_ids.unlink()
        found = self._acorn_find_links(account, diffs, links)
        self.env["acorn.vc.cross.check.line"].create(
            [
                {
                    "run_id": run.id,
                    "check_type": row.check,
                    "key": row.key,
                    "acorn_value": row.acorn,
                    "amazon_value": row.amazon,
                    "difference": row.difference,
                    "message": row.message,
                    **found.get((row.check, row.key), {}),
                }
                for row in diffs.itertuples()
            ]
        )
        counts = {
            result: sum(1 for _label, got, _detail in results if got == result)
            for result in RESULTS
        }
        run.write(
            {
                "run_at": fields.Datetime.now(),
                "error_count": counts["error"],
                "skipped_count": counts["skipped"],
                "check_summary": self._acorn_summary(results),
            }
        )
        return run

    def _acorn_summary(self, results):
        said = {"ran": self.env._("ran"), "skipped": self.env._("skipped"),
                "error": self.env._("failed")}  # fmt: skip
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td></tr>") % (label, said[result], detail)
            for label, result, detail in results
        )
        return Markup(
            "<table class='table table-sm'><tr><th>%s</th><th>%s</th><th>%s</th></tr>%s</table>"
        ) % (self.env._("Check"), self.env._("Result"), self.env._("Details"), rows)

    def _acorn_find_links(self, account, diffs, links):
        """{(check, key): {link field: id}}: what the job linked, then POs by number and
        products by ASIN for the rest."""
        found = dict(links)
        keys = {check: set(diffs[diffs["check"] == check]["key"]) for check in set(diffs["check"])}
        numbers = keys.get("purchase_orders", set())
        if numbers:
            for po in self.env["acorn.vc.purchase.order"].search(
                [("account_id", "=", account.id), ("name", "in", list(numbers))]
            ):
                found[("purchase_orders", po.name)] = {"purchase_order_id": po.id}
        by_asin = {
            "accepted_units",
            "receipts_vs_report",
        }
        asins = set().union(*(keys.get(check, set()) for check in by_asin))
        if asins:
            products = self.env["product.product"].search([("amz_asin", "in", list(asins))])
            first = {}
            for product in products:
                first.setdefault(product.amz_asin, product.id)
            for check in by_asin:
                for asin in keys.get(check, ()):
                    if asin in first:
                        found[(check, asin)] = {"product_id": first[asin]}
        return found
