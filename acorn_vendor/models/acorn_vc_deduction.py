"""What Amazon took off a payment or charged in its chargeback list, one record per deduction:
the ledger disputes build on, with each deduction's evidence, assessment and dispute window."""

import base64
import logging
from datetime import timedelta

from psycopg2.extras import execute_values

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..core.deductions.assessment import STRENGTHS, VERDICTS, assess, evidence_frame
from ..core.deductions.chargeback_export import read_chargeback_export
from ..core.deductions.deadlines import RULE_FOR_KIND, STATES, dispute_window, window_state
from ..core.deductions.insight import prevention_hints, recovery_rate
from ..core.deductions.ledger_workbook import LEDGER_COLUMNS, ledger_workbook
from ..core.deductions.sub_kinds import SUB_KINDS, sub_kind_of
from ..core.odoo_values import selection_of
from ..core.remittance.line_kinds import DOCUMENT_KINDS
from .acorn_vc_remittance import KIND_SELECTION

_logger = logging.getLogger(__name__)

SUB_KIND_SELECTION = selection_of(SUB_KINDS)
# A proof of delivery is a file on the delivery named like one ("POD.pdf", "proof of delivery").
POD_NAME_PATTERN = r"(^|[^a-z])pod([^a-z]|$)|proof.?of.?delivery"
CHARGEBACK_KEY = "chargeback:{account}:{issue}"
# What _acorn_assess writes, in one UPDATE.
ASSESSMENT_COLUMNS = (
    "verdict",
    "strength",
    "disputable_amount",
    "explanation",
    "missing_evidence",
    "invoiced_units",
    "received_units",
    "shipped_units",
    "due_date",
    "window_opens",
    "window_file_before",
    "window_closes",
    "window_state",
    "disputes_allowed",
    "fc_code",
    "carrier",
    "bill_of_lading",
    "pro_number",
    "shipment_type",
    "has_pod",
    "assessed_on",
)


class AcornVcDeduction(models.Model):
    """A shortage claim, price claim, chargeback, co-op, provision (or a reversal of one),
    traced where possible to the vendor invoice, sale order, Amazon PO and shipments.

    From a remittance line, or from Amazon's chargeback list (then without a line until the
    remittance that deducts it arrives, which attaches to the same record)."""

    _name = "acorn.vc.deduction"
    _description = "Amazon Deduction"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    line_id = fields.Many2one(
        "acorn.vc.remittance.line", "Remittance Line", ondelete="cascade", index="btree_not_null"
    )
    remittance_id = fields.Many2one(related="line_id.remittance_id", store=True, index=True)
    # From the line when there is one; set directly for the chargeback list's deductions.
    account_id = fields.Many2one(
        "acorn.vc.account",
        compute="_compute_from_line",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", compute="_compute_from_line", store=True, readonly=False, precompute=True
    )
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_from_line", store=True, readonly=False, precompute=True
    )
    date = fields.Date(
        compute="_compute_from_line", store=True, readonly=False, precompute=True, index=True
    )
    name = fields.Char(
        "Amazon Number", compute="_compute_from_line", store=True, readonly=False, precompute=True
    )
    description = fields.Char(compute="_compute_description")
    kind = fields.Selection(KIND_SELECTION, required=True, readonly=True, index=True)
    amount = fields.Monetary(readonly=True, help="Negative: taken off; positive: given back.")
    base_invoice_number = fields.Char(readonly=True, index=True)
    reversal_key = fields.Char(readonly=True, index=True)
    invoice_id = fields.Many2one("account.move", "Base Invoice", readonly=True)
    sale_order_id = fields.Many2one("sale.order", readonly=True)
    purchase_order_id = fields.Many2one("acorn.vc.purchase.order", "Amazon PO", readonly=True)
    picking_ids = fields.Many2many("stock.picking", string="Shipments (ASN)", readonly=True)
    move_line_id = fields.Many2one(related="line_id.move_line_id", store=True)
    ledger_account_id = fields.Many2one(
        related="move_line_id.account_id", string="Booked To", store=True
    )
    reconciled = fields.Boolean(related="move_line_id.reconciled")

    @api.model
    def _acorn_create_for(self, lines):
        """A deduction per deduction line, traced in bulk: base invoice (by its Amazon number,
        else the number a user mapped in To Review) -> invoice -> sale order -> Amazon PO and
        its delivery (the ASN). Lines that have their deduction already get its traces
        refreshed (their base invoice was matched since)."""
        lines = lines.filtered(lambda ln: ln.kind not in DOCUMENT_KINDS and ln.kind != "other")
        if not lines:
            return self
        by_number = {}
        Remittance = self.env["acorn.vc.remittance"]
        for account in lines.account_id:
            mine = lines.filtered(lambda ln, a=account: ln.account_id == a)
            invoices = self.env["account.move"].search(
                [
                    (
                        "amz_invoice_number",
                        "in",
                        list(set(filter(None, mine.mapped("base_invoice_number")))),
                    ),
                    ("move_type", "=", "out_invoice"),
                    *Remittance._acorn_invoice_domain(account),
                ]
            )
            by_number.update({(account.id, m.amz_invoice_number): m for m in invoices})
            mappings = self.env["acorn.vc.remittance.mapping"].search(
                [
                    ("account_id", "=", account.id),
                    ("invoice_number", "in", mine.mapped("base_invoice_number")),
                ]
            )
            for mapping in mappings:
                by_number.setdefault((account.id, mapping.invoice_number), mapping.move_id)
        existing = {d.line_id.id: d.id for d in self.search([("line_id", "in", lines.ids)])}
        values, refreshed = [], {}
        for line in lines:
            invoice = by_number.get((line.account_id.id, line.base_invoice_number))
            sale = invoice.invoice_line_ids.sale_line_ids.order_id[:1] if invoice else None
            traces = (
                invoice.id if invoice else False,
                sale.id if sale else False,
                sale.acorn_purchase_order_id.id if sale else False,
                tuple(sale.picking_ids.ids) if sale else (),
            )
            if line.id in existing:  # one write per distinct set of traces
                refreshed.setdefault(traces, []).append(existing[line.id])
                continue
            values.append(
                {
                    "line_id": line.id,
                    "kind": line.kind,
                    "amount": line.settled,
                    "base_invoice_number": line.base_invoice_number or False,
                    "reversal_key": line.reversal_key or False,
                    **self._acorn_trace_values(traces),
                }
            )
        for traces, ids in refreshed.items():
            self.browse(ids).write(self._acorn_trace_values(traces))
        return self.create(values)

    @api.model
    def _acorn_trace_values(self, traces):
        """Field values of traces (invoice, sale order, Amazon PO, shipment ids)."""
        invoice_id, sale_id, purchase_order_id, picking_ids = traces
        return {
            "invoice_id": invoice_id,
            "sale_order_id": sale_id,
            "purchase_order_id": purchase_order_id,
            "picking_ids": [fields.Command.set(list(picking_ids))],
        }

    def _acorn_reconcile_reversals(self):
        """Reconcile each booked deduction with its original or reversal on a reconcilable
        account: a provision and its reversal of the same amount net to zero; what is left
        under the key (a reversal whose claim Amazon hid, several claims reversed at once)
        is reconciled partially."""
        keyed = self.filtered(
            lambda d: d.reversal_key and d.move_line_id and d.move_line_id.account_id.reconcile
        )
        grouped = {}
        for deduction in self.search(
            [
                ("account_id", "in", keyed.account_id.ids),
                ("reversal_key", "in", list(set(keyed.mapped("reversal_key")))),
            ]
        ):  # one search for every key, not one per key
            grouped.setdefault((deduction.account_id, deduction.reversal_key), self.browse())
            grouped[(deduction.account_id, deduction.reversal_key)] |= deduction
        plan = []  # disjoint groups, reconciled in one batch
        for account, key in {(d.account_id, d.reversal_key) for d in keyed}:
            peers = grouped[(account, key)].move_line_id.filtered(
                lambda ln: not ln.reconciled and ln.parent_state == "posted"
            )
            for ledger in peers.account_id:
                items = peers.filtered(lambda ln, a=ledger: ln.account_id == a)
                credits = items.filtered(lambda ln: ln.balance < 0)
                paired = items.browse()
                for debit in items.filtered(lambda ln: ln.balance > 0):
                    twin = next(
                        (
                            ln
                            for ln in credits - paired
                            if debit.company_currency_id.is_zero(ln.balance + debit.balance)
                        ),
                        None,
                    )
                    if twin:
                        paired |= debit | twin
                        plan.append(debit | twin)
                rest = items - paired
                if rest.filtered(lambda ln: ln.balance > 0) and rest.filtered(
                    lambda ln: ln.balance < 0
                ):
                    plan.append(rest)
        if plan:  # entries the remittances booked: nothing of theirs to sync
            self.env["account.move.line"].with_context(skip_invoice_sync=True)._reconcile_plan(plan)

    # ------------------------------------------------------------------ ledger
    # The fields below are the ledger's: where the deduction came from, what it concerns,
    # Amazon's chargeback list facts, the assessment and the dispute window.

    source = fields.Selection(
        [("remittance", "Remittance"), ("chargeback_list", "Chargeback List")],
        default="remittance",
        required=True,
        readonly=True,
    )
    import_key = fields.Char(readonly=True, copy=False, index="btree_not_null")
    sub_kind = fields.Selection(
        SUB_KIND_SELECTION,
        compute="_compute_sub_kind",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
    )
    amount_taken = fields.Monetary(
        compute="_compute_amount_taken", store=True, help="What Amazon took (positive)."
    )
    amz_issue_id = fields.Char("Amazon Issue ID", readonly=True, index="btree_not_null")
    amz_issue_type = fields.Char("Issue Type", readonly=True)
    amz_sub_type = fields.Char("Issue Sub Type", readonly=True)
    amz_status = fields.Char("Amazon Status", readonly=True)
    amz_shipment_ref = fields.Char("Amazon Shipment Reference", readonly=True)
    amz_po_number = fields.Char("PO Number (Amazon)", readonly=True, help="As the list names it.")
    amz_quantity = fields.Integer("Units Charged", readonly=True)
    notice_date = fields.Date(
        help="When Amazon raised it: the chargeback list's issue date, else the line's date."
    )
    due_date = fields.Date(
        "Invoice Due Date",
        readonly=True,
        help="The base invoice's due date; without a traced invoice, the deduction's date.",
    )
    fc_code = fields.Char("Fulfilment Centre", readonly=True, index=True)
    carrier = fields.Char(readonly=True, index=True)
    product_id = fields.Many2one("product.product", readonly=True, index="btree_not_null")
    bill_of_lading = fields.Char(readonly=True)
    pro_number = fields.Char("PRO", readonly=True)
    shipment_type = fields.Char(readonly=True)
    has_pod = fields.Boolean(
        "Proof of Delivery on File",
        readonly=True,
        help="A file on the delivery is named like a proof of delivery (POD, proof of "
        "delivery); set by the assessment.",
    )
    agreement_amount = fields.Monetary(
        help="Co-op and price protection: what the agreement allows for this deduction."
    )
    agreement_reference = fields.Char()
    # Assessment (action_assess; core/deductions/assessment.py).
    verdict = fields.Selection(
        [(v, v.replace("_", " ").capitalize()) for v in VERDICTS], readonly=True, index=True
    )
    strength = fields.Selection([(s, s.capitalize()) for s in STRENGTHS], readonly=True)
    disputable_amount = fields.Monetary(readonly=True)
    explanation = fields.Text(readonly=True)
    missing_evidence = fields.Text(readonly=True)
    invoiced_units = fields.Float(readonly=True)
    received_units = fields.Float("Received by Amazon", readonly=True)
    shipped_units = fields.Float("Shipped (accepted ASN)", readonly=True)
    assessed_on = fields.Date(readonly=True)
    # Dispute window (core/deductions/deadlines.py, the account's rules).
    window_opens = fields.Date(readonly=True)
    window_file_before = fields.Date("File Before", readonly=True, index=True)
    window_closes = fields.Date(readonly=True)
    window_state = fields.Selection(
        [(state, state.replace("_", " ").capitalize()) for state in STATES]
        + [("none", "No Dispute Window")],
        readonly=True,
        index=True,
    )
    disputes_allowed = fields.Integer(readonly=True, help="0: no limit.")
    disputes_filed = fields.Integer(help="Disputes filed for this deduction so far.")
    last_answer_date = fields.Date(help="When Amazon last answered a dispute of it.")
    reminder_date = fields.Date(
        readonly=True, copy=False, help="The deadline the responsible was last reminded of."
    )

    _sql_constraints = [
        ("import_key_uniq", "unique(import_key)", "This chargeback is already imported."),
    ]

    @api.depends("line_id")
    def _compute_from_line(self):
        for deduction in self:
            line = deduction.line_id
            deduction.account_id = line.account_id or deduction.account_id
            deduction.company_id = (
                line.company_id or deduction.company_id or deduction.account_id.company_id
            )
            deduction.currency_id = (
                line.currency_id
                or deduction.currency_id
                or deduction.account_id.company_id.currency_id
            )
            deduction.date = line.payment_date or deduction.date
            deduction.name = line.invoice_number or deduction.name

    @api.depends("line_id.description", "amz_issue_type", "amz_sub_type")
    def _compute_description(self):
        for deduction in self:
            deduction.description = deduction.line_id.description or ": ".join(
                filter(None, (deduction.amz_issue_type, deduction.amz_sub_type))
            )

    @api.depends("kind", "line_id.description")
    def _compute_sub_kind(self):
        for deduction in self:
            listed = deduction.sub_kind and deduction.source == "chargeback_list"
            deduction.sub_kind = (
                deduction.sub_kind
                if listed
                else sub_kind_of(
                    deduction.kind, deduction.line_id.description or deduction.amz_issue_type
                )
            )

    @api.depends("amount")
    def _compute_amount_taken(self):
        for deduction in self:
            deduction.amount_taken = -deduction.amount

    def _acorn_pod_attachments(self, picking_ids):
        """{picking id: [attachment ids]} of the files that prove delivery."""
        if not picking_ids:
            return {}
        self.env["ir.attachment"].flush_model(["res_model", "res_id", "name"])
        self.env.cr.execute(
            "SELECT res_id, array_agg(id) FROM ir_attachment WHERE res_model = 'stock.picking' "
            "AND res_id = ANY(%s) AND name ~* %s GROUP BY res_id",
            (list(picking_ids), POD_NAME_PATTERN),
        )
        return dict(self.env.cr.fetchall())

    @api.model_create_multi
    def create(self, vals_list):
        """A remittance line deducting a chargeback already imported from the chargeback list
        attaches to that record, so one charge is one deduction. No creation message or
        follower: a remittance brings hundreds at once."""
        quiet = self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
        records = super(AcornVcDeduction, quiet).create(vals_list).with_env(self.env)
        records = records._acorn_absorb_listed()
        records._acorn_match_recoveries()  # a reversal pays back its dispute (disputes below)
        return records

    def _acorn_absorb_listed(self):
        fresh = self.filtered(lambda d: d.line_id and d.kind == "chargeback")
        if not fresh:
            return self
        listed = self.search(
            [
                ("source", "=", "chargeback_list"),
                ("line_id", "=", False),
                ("account_id", "in", fresh.account_id.ids),
                ("name", "in", fresh.mapped("name")),
            ]
        )
        by_key = {(d.account_id.id, d.name): d for d in listed}
        result = self
        for deduction in fresh:
            twin = by_key.pop((deduction.account_id.id, deduction.name), None)
            if not twin:
                continue
            twin.write(
                {
                    "line_id": deduction.line_id.id,
                    "amount": deduction.amount,
                    "invoice_id": twin.invoice_id.id or deduction.invoice_id.id,
                }
            )
            result = result - deduction | twin
            # Bookkeeping of the merge, not a user's deletion (Finance may not delete).
            deduction.sudo().unlink()
        return result

    # ------------------------------------------------------------------ chargeback list

    @api.model
    def import_chargebacks(self, account_id, file_b64, filename):
        """Import Amazon's chargeback list (CSV or XLSX, base64) for an account: whole or
        nothing. Re-importing creates nothing twice. Returns counts: created, updated
        (already known, from the list or a remittance), waived (skipped), and assessed."""
        account = self.env["acorn.vc.account"].browse(account_id).exists()
        if not account:
            raise UserError(self.env._("No Vendor Central account with id %s.", account_id))
        try:
            data = base64.b64decode(file_b64 or "")
        except ValueError as exc:
            raise UserError(
                self.env._("%(file)s is not base64: %(error)s", file=filename, error=exc)
            ) from None
        return self._acorn_import_chargebacks(account, data, filename or "")["counts"]

    @api.model
    def _acorn_import_chargebacks(self, account, data, filename):
        account.ensure_one()
        parsed = read_chargeback_export(
            data, filename, default_currency=account.company_id.currency_id.name
        )
        if parsed.errors:
            raise UserError(
                self.env._(
                    "%(file)s was not imported; nothing was created. Fix these and import it "
                    "again:\n%(problems)s",
                    file=filename,
                    problems="\n".join(str(issue) for issue in parsed.errors),
                )
            )
        rows = [c for c in parsed.chargebacks if not c.waived]
        keys = {
            c.issue_id: CHARGEBACK_KEY.format(account=account.id, issue=c.issue_id) for c in rows
        }
        numbers = {c.issue_id: c.debit_note or f"{c.issue_id}VCBSINV" for c in rows}
        known = self.search(
            [
                ("account_id", "=", account.id),
                "|",
                ("import_key", "in", list(keys.values())),
                ("name", "in", list(numbers.values())),
            ]
        )
        by_key = {d.import_key: d for d in known if d.import_key}
        by_number = {d.name: d for d in known if not d.import_key}
        orders = self.env["acorn.vc.purchase.order"].search(
            [
                ("account_id", "=", account.id),
                ("name", "in", list({c.purchase_order for c in rows if c.purchase_order})),
            ]
        )
        order_by_name = {po.name: po for po in orders}
        products = self.env["product.product"].search(
            [("amz_asin", "in", list({c.asin for c in rows if c.asin}))]
        )
        product_by_asin = {p.amz_asin: p for p in products}
        currencies = {
            c.name: c
            for c in self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "in", list({c.currency for c in rows if c.currency}))])
        }
        created_vals, updated, duplicates = [], self.browse(), 0
        for chargeback in rows:
            key = keys[chargeback.issue_id]
            if key in by_key:
                duplicates += 1
                continue
            po = order_by_name.get(chargeback.purchase_order)
            sale = po.sale_order_id if po else self.env["sale.order"]
            values = {
                "import_key": key,
                "sub_kind": chargeback.sub_kind,
                "amz_issue_id": chargeback.issue_id,
                "amz_issue_type": chargeback.issue_type,
                "amz_sub_type": chargeback.sub_type or False,
                "amz_status": chargeback.status or False,
                "amz_shipment_ref": chargeback.shipment or False,
                "amz_po_number": chargeback.purchase_order or False,
                "amz_quantity": chargeback.quantity or 0,
                "notice_date": chargeback.notice_date,
                "fc_code": chargeback.fulfilment_centre or (po.ship_to_code if po else False),
                "product_id": product_by_asin[chargeback.asin].id
                if chargeback.asin in product_by_asin
                else False,
                "purchase_order_id": po.id if po else False,
                "sale_order_id": sale.id or False,
                "picking_ids": [
                    fields.Command.set(
                        sale.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing").ids
                    )
                ],
            }
            twin = by_number.get(numbers[chargeback.issue_id])
            if twin:
                twin.write(values)
                updated |= twin
                continue
            currency = currencies.get(chargeback.currency) or account.company_id.currency_id
            created_vals.append(
                {
                    **values,
                    "source": "chargeback_list",
                    "account_id": account.id,
                    "company_id": account.company_id.id,
                    "currency_id": currency.id,
                    "date": chargeback.notice_date,
                    "name": numbers[chargeback.issue_id],
                    "kind": "chargeback",
                    "amount": -float(chargeback.amount),
                }
            )
        created = self.create(created_vals)
        touched = created | updated
        touched._acorn_assess()
        counts = {
            "created": len(created),
            "updated": len(updated),
            "duplicates": duplicates,
            "waived": len(parsed.chargebacks) - len(rows),
            "assessed": len(touched),
        }
        _logger.info("Chargeback list %s for %s: %s", filename, account.name, counts)
        return {"counts": counts, "records": touched}

    # ------------------------------------------------------------------ assessment

    @api.model
    def assess(self, ids):
        """XML-RPC: assess these deductions again; returns {"id": verdict} (XML-RPC keys
        are text)."""
        records = self.browse(ids).exists()
        records._acorn_assess()
        return {str(d.id): d.verdict for d in records}

    def action_assess(self):
        """Gather the evidence again and recompute verdicts and windows (button, list)."""
        self._acorn_assess()
        return True

    def _acorn_assess(self, today=None):
        """Assess these deductions in bulk: evidence in a few queries (evidence), the core's
        rules over one table, windows from the account's rules, results in one UPDATE."""
        if not self:
            return
        today = today or self.env["acorn.vc.dispute"]._acorn_today()
        self.flush_model()
        rows = self._acorn_evidence()
        results = assess(evidence_frame(rows))
        rules = {account: account._acorn_deduction_rules() for account in self.account_id}
        accounts = {d.id: d.account_id for d in self}
        updates = []
        for row, result in zip(rows, results.itertuples(index=False), strict=True):
            deadline_rules = rules[accounts[row["id"]]][0]
            window = dispute_window(
                row["sub_kind"] if row["sub_kind"] not in ("other", "") else row["kind"],
                due_date=row["due_date"],
                notice_date=row["notice_date"],
                rules=deadline_rules,
            )
            state = "none"
            if window is not None and row["amount"] > 0:
                state = window_state(
                    window, today, row["disputes_filed"], answered_on=row["last_answer_date"]
                )
            updates.append(
                (
                    row["id"],
                    result.verdict,
                    result.strength or None,
                    float(result.disputable),
                    result.explanation,
                    result.missing or None,
                    row["invoiced_units"],
                    row["received_units"],
                    row["shipped_units"],
                    row["due_date"],
                    window.opens if window else None,
                    window.file_before if window else None,
                    window.closes if window else None,
                    state,
                    (window.disputes_allowed or 0) if window else 0,
                    row["fc_code"],
                    row["carrier"],
                    row["bill_of_lading"],
                    row["pro_number"],
                    row["shipment_type"],
                    row["has_pod"],
                    today,
                )
            )
        self._acorn_store_assessment(updates)

    def _acorn_store_assessment(self, updates):
        columns = ASSESSMENT_COLUMNS
        types = {
            "disputable_amount": "numeric",
            "invoiced_units": "float8",
            "received_units": "float8",
            "shipped_units": "float8",
            "disputes_allowed": "int4",
        }
        for name in ("due_date", "window_opens", "window_file_before", "window_closes"):
            types[name] = "date"
        types["assessed_on"] = "date"
        types["has_pod"] = "bool"
        assignments = ", ".join(
            f"{name} = new.{name}" + (f"::{types[name]}" if name in types else "")
            for name in columns
        )
        execute_values(
            self.env.cr._obj,
            f"UPDATE acorn_vc_deduction AS d SET {assignments} "  # noqa: S608 - fixed names
            f"FROM (VALUES %s) AS new (id, {', '.join(columns)}) WHERE d.id = new.id",
            updates,
            page_size=1000,
        )
        self.invalidate_model(list(columns))

    def _acorn_evidence(self):
        """One dict per deduction (in self's order) with the assessment's evidence columns
        and the window's anchors, read in a handful of queries whatever the count."""
        cr = self.env.cr
        for model in (
            "account.move",
            "account.move.line",
            "sale.order.line",
            "stock.picking",
            "stock.move",
            "stock.move.line",
            "stock.quant.package",
            "acorn.vc.transaction",
            "acorn.vc.purchase.order",
            "acorn.vc.purchase.order.line",
        ):
            self.env[model].flush_model()
        relation = self._fields["picking_ids"]
        cr.execute(
            "SELECT d.id, d.kind, d.sub_kind, d.amount, d.invoice_id, d.purchase_order_id, "
            "d.agreement_amount, d.base_invoice_number, d.name, d.date, d.notice_date, "
            "d.disputes_filed, d.last_answer_date, d.fc_code, d.carrier, d.amz_po_number, "
            "l.invoice_date, po.name AS po_name, "
            "m.invoice_date_due, COALESCE(m.amz_invoice_number, m.name) AS invoice_number, "
            "po.ship_window_start, po.ship_window_end, po.ship_to_code "
            "FROM acorn_vc_deduction d "
            "LEFT JOIN acorn_vc_remittance_line l ON l.id = d.line_id "
            "LEFT JOIN account_move m ON m.id = d.invoice_id "
            "LEFT JOIN acorn_vc_purchase_order po ON po.id = d.purchase_order_id "
            "WHERE d.id = ANY(%s)",
            (self.ids,),
        )
        base = {row["id"]: row for row in cr.dictfetchall()}
        invoice_ids = list({row["invoice_id"] for row in base.values() if row["invoice_id"]})
        invoices = self._acorn_invoice_facts(invoice_ids)
        cr.execute(
            f"SELECT {relation.column1}, {relation.column2} FROM {relation.relation} "  # noqa: S608
            f"WHERE {relation.column1} = ANY(%s)",
            (self.ids,),
        )
        pickings_of = {}
        for deduction_id, picking_id in cr.fetchall():
            pickings_of.setdefault(deduction_id, []).append(picking_id)
        all_pickings = list({p for ids in pickings_of.values() for p in ids})
        pickings = self._acorn_picking_facts(all_pickings)
        shipped = self._acorn_shipped_units(pickings_of, base)
        rows = []
        for deduction_id in self.ids:
            row = base[deduction_id]
            invoice = invoices.get(row["invoice_id"], {})
            mine = [pickings[p] for p in pickings_of.get(deduction_id, []) if p in pickings]
            rows.append(self._acorn_evidence_row(row, invoice, mine, shipped.get(deduction_id)))
        return rows

    @staticmethod
    def _acorn_evidence_row(row, invoice, pickings, shipped_units):
        """The evidence of one deduction from its gathered facts (shared by the bench's
        record-by-record baseline, so both read the same facts the same way)."""
        states = [p["asn_state"] or "" for p in pickings]
        rank = {"": 0, "to_send": 1, "rejected": 2, "sent": 3, "accepted": 4}
        sent = [p["asn_sent_at"] for p in pickings if p["asn_sent_at"]]
        accepted = [p.get("asn_accepted_at") for p in pickings if p.get("asn_accepted_at")]
        shipped_at = [p["shipped_at"] for p in pickings if p["shipped_at"]]
        units = invoice.get("units")
        anchor = row["invoice_date_due"] or row["date"]
        return {
            "id": row["id"],
            "kind": row["kind"],
            "sub_kind": row["sub_kind"] or "other",
            "amount": -(row["amount"] or 0.0),
            "invoice": row["invoice_number"] or row["base_invoice_number"] or "",
            "shipments": ", ".join(sorted(p["name"] for p in pickings)),
            "purchase_order": row["po_name"] or row["amz_po_number"] or "",
            "invoiced_units": units,
            "received_units": invoice.get("received"),
            "shipped_units": shipped_units,
            "unit_price": (invoice["subtotal"] / units) if units else None,
            "short_units": invoice.get("short_units"),
            "short_value": invoice.get("short_value"),
            "asn_state": min(states, key=lambda s: rank.get(s, 0)) if states else "",
            "asn_sent_at": max(sent) if sent else None,
            "asn_accepted_at": max(accepted) if accepted else None,
            "shipped_at": min(shipped_at) if shipped_at else None,
            "ship_window_start": row["ship_window_start"],
            "ship_window_end": row["ship_window_end"],
            "cartons": sum(p["cartons"] for p in pickings),
            "cartons_with_sscc": sum(p["cartons_with_sscc"] for p in pickings),
            "has_bol": any(p["bill_of_lading"] for p in pickings),
            "has_pod": any(p["has_pod"] for p in pickings),
            "has_carrier": any(p["carrier"] for p in pickings),
            "priced_lines": invoice.get("priced", 0),
            "overbilled": invoice.get("overbilled", 0.0),
            "agreement_amount": row["agreement_amount"] or None,
            "due_date": anchor,
            "notice_date": row["notice_date"] or row["invoice_date"] or row["date"],
            "disputes_filed": row["disputes_filed"] or 0,
            "last_answer_date": row["last_answer_date"],
            "fc_code": row["fc_code"] or row["ship_to_code"],
            "carrier": row["carrier"]
            or next((p["carrier"] for p in pickings if p["carrier"]), None),
            "bill_of_lading": next(
                (p["bill_of_lading"] for p in pickings if p["bill_of_lading"]), None
            ),
            "pro_number": next((p["pro_number"] for p in pickings if p["pro_number"]), None),
            "shipment_type": next(
                (p["shipment_type"] for p in pickings if p["shipment_type"]), None
            ),
        }

    def _acorn_invoice_facts(self, invoice_ids):
        """{invoice id: units, subtotal, received (Amazon), priced lines, overbilled, and per
        PO line summed: units our accepted ASNs shipped that Amazon's receipts miss, valued at
        the invoiced price}."""
        if not invoice_ids:
            return {}
        cr = self.env.cr
        cr.execute(
            "WITH lines AS ("
            " SELECT aml.move_id, aml.quantity, aml.price_subtotal,"
            "  aml.price_subtotal / NULLIF(aml.quantity, 0) AS price,"
            "  (SELECT sol.acorn_po_line_id FROM sale_order_line_invoice_rel rel"
            "   JOIN sale_order_line sol ON sol.id = rel.order_line_id"
            "   WHERE rel.invoice_line_id = aml.id AND sol.acorn_po_line_id IS NOT NULL"
            "   LIMIT 1) AS po_line_id"
            " FROM account_move_line aml"
            " WHERE aml.move_id = ANY(%s) AND aml.display_type = 'product'),"
            " shipped AS ("
            " SELECT sol.acorn_po_line_id AS po_line_id, SUM(sm.quantity) AS quantity"
            " FROM stock_move sm JOIN sale_order_line sol ON sol.id = sm.sale_line_id"
            " JOIN stock_picking p ON p.id = sm.picking_id"
            " WHERE sm.state = 'done' AND p.acorn_asn_state = 'accepted'"
            "  AND sol.acorn_po_line_id IN (SELECT po_line_id FROM lines)"
            " GROUP BY sol.acorn_po_line_id),"
            " judged AS ("
            " SELECT lines.*, pol.id AS pol_id, pol.net_cost, pol.received_qty,"
            "  GREATEST(LEAST(COALESCE(shipped.quantity, 0), lines.quantity)"
            "   - pol.received_qty, 0) AS short"
            " FROM lines LEFT JOIN acorn_vc_purchase_order_line pol ON pol.id = lines.po_line_id"
            " LEFT JOIN shipped ON shipped.po_line_id = lines.po_line_id)"
            " SELECT move_id, SUM(quantity) AS units, SUM(price_subtotal) AS subtotal,"
            "  COUNT(pol_id) AS priced,"
            "  COALESCE(SUM(GREATEST(price - net_cost, 0) * quantity)"
            "   FILTER (WHERE pol_id IS NOT NULL), 0) AS overbilled,"
            "  SUM(short) AS short_units, SUM(short * price) AS short_value,"
            "  (SELECT SUM(p.received_qty) FROM acorn_vc_purchase_order_line p"
            "   WHERE p.id = ANY(array_agg(DISTINCT pol_id))) AS received"
            " FROM judged GROUP BY move_id",
            (invoice_ids,),
        )
        return {
            row["move_id"]: {
                **row,
                "overbilled": round(row["overbilled"] or 0.0, 2),
                "received": row["received"] if row["priced"] else None,
                "short_value": round(row["short_value"], 2)
                if row["short_value"] is not None
                else None,
            }
            for row in cr.dictfetchall()
        }

    def _acorn_picking_facts(self, picking_ids):
        """{picking id: name, ASN state and time, ship date, cartons, carrier, BOL, POD}."""
        if not picking_ids:
            return {}
        cr = self.env.cr
        cr.execute(
            "SELECT p.id, p.name, p.acorn_asn_state AS asn_state,"
            " COALESCE(p.acorn_shipped_date, p.date_done) AS shipped_at,"
            " p.acorn_carrier_scac AS carrier, p.acorn_bill_of_lading AS bill_of_lading,"
            " p.acorn_pro_number AS pro_number, p.acorn_shipment_type AS shipment_type,"
            " (SELECT MIN(t.submitted_at) FROM acorn_vc_transaction t WHERE t.picking_id = p.id"
            "  AND t.kind = 'shipment_confirmation') AS asn_sent_at,"
            " p.acorn_asn_accepted_at AS asn_accepted_at,"
            " (SELECT COUNT(DISTINCT pk.id) FROM stock_move_line ml"
            "  JOIN stock_quant_package pk ON pk.id = ml.result_package_id"
            "  WHERE ml.picking_id = p.id AND NOT COALESCE(pk.acorn_is_pallet, FALSE))"
            "  AS cartons,"
            " (SELECT COUNT(DISTINCT pk.id) FROM stock_move_line ml"
            "  JOIN stock_quant_package pk ON pk.id = ml.result_package_id"
            "  WHERE ml.picking_id = p.id AND NOT COALESCE(pk.acorn_is_pallet, FALSE)"
            "  AND COALESCE(pk.acorn_sscc, '') <> '') AS cartons_with_sscc"
            " FROM stock_picking p WHERE p.id = ANY(%s)",
            (picking_ids,),
        )
        facts = {row["id"]: row for row in cr.dictfetchall()}
        pods = self._acorn_pod_attachments(picking_ids)
        for picking_id, row in facts.items():
            row["has_pod"] = picking_id in pods
        return facts

    def _acorn_shipped_units(self, pickings_of, base):
        """{deduction id: units of its invoice's products in its done deliveries whose ASN
        Amazon accepted}; None where the deduction has no delivery."""
        pairs = [
            (deduction_id, picking_id, base[deduction_id]["invoice_id"])
            for deduction_id, picking_ids in pickings_of.items()
            for picking_id in picking_ids
        ]
        if not pairs:
            return {}
        cr = self.env.cr
        execute_values(
            cr._obj,
            "SELECT pair.deduction_id, COALESCE(SUM(sm.quantity), 0)"
            " FROM (VALUES %s) AS pair (deduction_id, picking_id, invoice_id)"
            " JOIN stock_picking p ON p.id = pair.picking_id AND p.acorn_asn_state = 'accepted'"
            " JOIN stock_move sm ON sm.picking_id = p.id AND sm.state = 'done'"
            " WHERE pair.invoice_id IS NULL OR sm.product_id IN ("
            "  SELECT aml.product_id FROM account_move_line aml"
            "  WHERE aml.move_id = pair.invoice_id AND aml.display_type = 'product')"
            " GROUP BY pair.deduction_id",
            [(d, p, i) for d, p, i in pairs],
            template="(%s, %s, %s::int)",
            page_size=10000,
        )
        shipped = {deduction_id: 0.0 for deduction_id, _p, _i in pairs}
        shipped.update(dict(cr.fetchall()))
        return shipped

    # ------------------------------------------------------------------ deadlines

    @api.model
    def _cron_deduction_deadlines(self, today=None):
        """Daily: move windows along (a window closes, another opens) and remind each
        account's responsible N days before a deduction worth disputing must be filed
        (once per deadline)."""
        today = today or fields.Date.context_today(self)
        live = self.search([("window_state", "in", ("not_open", "open", "closing"))])
        live._acorn_assess(today=today)
        return self._acorn_remind(today)

    def _acorn_remind(self, today):
        due = self.search(
            [
                ("window_state", "in", ("open", "closing")),
                ("verdict", "in", ("dispute", "needs_evidence")),
                ("window_file_before", "!=", False),
                ("amount", "<", 0),
            ]
        )
        reminded = self.browse()
        for deduction in due:
            deadline = deduction.window_file_before
            _deadlines, _assess = deduction.account_id._acorn_deduction_rules()
            if deduction.reminder_date == deadline:
                continue
            if today < deadline - timedelta(days=_deadlines.closing_days):
                continue
            deduction.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=deadline,
                summary=self.env._("Dispute %s before its window closes", deduction.name),
                note=deduction.missing_evidence or deduction.explanation or "",
                user_id=deduction.account_id._acorn_responsible().id,
            )
            deduction.reminder_date = deadline
            reminded |= deduction
        return len(reminded)

    # ------------------------------------------------------------------ export

    def action_export_xlsx(self):
        """The selected deductions as an XLSX workbook, downloaded."""
        records = self
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"Amazon deductions {fields.Date.context_today(self)}.xlsx",
                "raw": records._acorn_ledger_xlsx(),
                "res_model": self._name,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _acorn_ledger_xlsx(self):
        labels = {
            name: dict(self._fields[name]._description_selection(self.env))
            for name in ("kind", "sub_kind", "verdict", "strength", "window_state")
        }
        rows = []
        for deduction in self:
            row = {}
            for column in LEDGER_COLUMNS:
                value = deduction[column]
                if column in labels:
                    value = labels[column].get(value, value or "")
                elif isinstance(value, models.BaseModel):
                    value = value.display_name or ""
                row[column] = value if value is not False else None
            rows.append(row)
        return ledger_workbook(
            rows, recovery_rate(self._acorn_recovery_rows()), self._acorn_hints()
        )

    def _acorn_recovery_rows(self):
        """Disputed deductions for insight.recovery_rate: each gets its share of what its
        dispute recovered (in proportion to the amount it took)."""
        return [
            {
                "sub_kind": deduction.sub_kind,
                "date": deduction.date,
                "disputed": deduction.amount_taken,
                "recovered": deduction.dispute_id.amount_recovered
                * deduction.amount_taken
                / (deduction.dispute_id.amount_claimed or 1.0),
            }
            for deduction in self.filtered(lambda d: d.dispute_id and d.amount_taken > 0)
        ]

    def _acorn_hints(self):
        """insight.prevention_hints over the deductions taken (not reversals)."""
        return prevention_hints(
            {
                "sub_kind": deduction.sub_kind,
                "amount": deduction.amount_taken,
                "carrier": deduction.carrier,
                "fc_code": deduction.fc_code,
                "product": deduction.product_id.display_name,
                "shipment_type": deduction.shipment_type,
            }
            for deduction in self.filtered(lambda d: d.amount_taken > 0)
        )

    def action_prevention_hints(self):
        """Where the selected deductions cluster (one carrier, one fulfilment centre...), in
        words; the XLSX export carries the same list."""
        hints = self._acorn_hints()
        message = "\n".join(f"• {hint}" for hint in hints) or self.env._(
            "No cluster: no sub-kind has most of its amount on one carrier, fulfilment "
            "centre, product or shipment type (at least three deductions there)."
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Prevention hints (%s deductions)", len(self)),
                "message": message,
                "sticky": True,
                "type": "info" if hints else "success",
            },
        }

    # ------------------------------------------------------------------ disputes (issue 14)
    # Kept together at the end of the class: the dispute workbench (acorn.vc.dispute).

    dispute_id = fields.Many2one(
        "acorn.vc.dispute", readonly=True, index="btree_not_null", ondelete="set null", copy=False
    )
    dispute_state = fields.Selection(related="dispute_id.state", string="Dispute State")
    recovery_dispute_id = fields.Many2one(
        "acorn.vc.dispute",
        "Recovers",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        help="The dispute this reversal pays back.",
    )

    @api.constrains("dispute_id", "kind", "account_id")
    def _check_dispute_one_kind(self):
        """A dispute holds deductions of one kind and one account (Amazon's forms differ)."""
        for dispute in self.dispute_id:
            deductions = dispute.deduction_ids
            kinds = {RULE_FOR_KIND.get(kind) for kind in deductions.mapped("kind")}
            if kinds != {dispute.kind} or deductions.account_id != dispute.account_id:
                raise ValidationError(
                    self.env._(
                        "Dispute %(dispute)s is a %(kind)s dispute of %(account)s; it cannot "
                        "hold %(names)s.",
                        dispute=dispute.name,
                        kind=dispute.kind,
                        account=dispute.account_id.name,
                        names=", ".join(
                            d.name
                            for d in deductions
                            if RULE_FOR_KIND.get(d.kind) != dispute.kind
                            or d.account_id != dispute.account_id
                        ),
                    )
                )

    def _acorn_match_recoveries(self):
        """A reversal matched to the open dispute of its claim (same account and reversal
        key, else the same base invoice): the dispute becomes Won or Partly won."""
        reversals = self.filtered(lambda d: d.kind == "shortage_claim_reversal" and d.amount > 0)
        if not reversals:
            return
        disputed = self.search(
            [
                ("account_id", "in", reversals.account_id.ids),
                ("dispute_id", "!=", False),
                ("dispute_id.state", "not in", ("settled", "written_off")),
                "|",
                ("reversal_key", "in", [k for k in reversals.mapped("reversal_key") if k]),
                (
                    "base_invoice_number",
                    "in",
                    [n for n in reversals.mapped("base_invoice_number") if n],
                ),
            ]
        )
        for reversal in reversals:
            claims = disputed.filtered(
                lambda d, r=reversal: (
                    d.account_id == r.account_id
                    and (
                        (r.reversal_key and d.reversal_key == r.reversal_key)
                        or (
                            r.base_invoice_number and d.base_invoice_number == r.base_invoice_number
                        )
                    )
                )
            )
            if claims:
                claims.dispute_id[:1]._acorn_recovered(reversal)

    def _acorn_dispute_window_state(self, today, disputes_filed=0, answered_on=None):
        """(state, window) of the next dispute of this deduction (core/deductions/deadlines):
        shortages and price claims count from the invoice's due date, chargebacks and co-op
        from the day Amazon raised them."""
        self.ensure_one()
        due = self.due_date or self.invoice_id.invoice_date_due or self.date
        notice = self.notice_date or self.line_id.invoice_date or self.date
        kind = self.sub_kind if self.sub_kind not in (False, "other") else self.kind
        rules = self.account_id._acorn_deduction_rules()[0]
        window = dispute_window(kind, due_date=due, notice_date=notice, rules=rules)
        if window is None:
            return "expired", None
        return (
            window_state(window, today, disputes_filed, answered_on=answered_on),
            window,
        )

    def _acorn_window_refusal(self, state, window, again=False):
        """Why the deduction cannot be disputed (again) today, in words."""
        if window is None:
            return self.env._(
                "%(name)s (%(kind)s) is not disputed with Amazon.", name=self.name, kind=self.kind
            )
        if state == "not_open":
            return self.env._(
                "%(name)s: its dispute window opens on %(day)s (Amazon still matches receipts).",
                name=self.name,
                day=window.opens,
            )
        return self.env._(
            "%(name)s: its dispute window closed on %(day)s%(again)s.",
            name=self.name,
            day=window.closes,
            again=self.env._(" or every allowed dispute was filed") if again else "",
        )

    def _acorn_write_off_account(self):
        """Where a lost deduction goes: the account's write-off setting, else by kind (co-op
        and price protection reduce revenue; the rest is an expense)."""
        self.ensure_one()
        account = self.account_id.sudo().dispute_writeoff_account_id
        if account:
            return account
        role = "contra_revenue" if self.kind in ("coop", "price_protection") else "written_off"
        return self.env["acorn.vc.remittance"]._acorn_default_account(self.company_id, role)

    def action_acorn_dispute(self):
        """Dispute the selected deductions (list action): one draft dispute, opened."""
        dispute = self.env["acorn.vc.dispute"]._acorn_create_for(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "acorn.vc.dispute",
            "res_id": dispute.id,
            "view_mode": "form",
        }
