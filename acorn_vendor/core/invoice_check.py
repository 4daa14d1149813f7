"""Pre-validation of an invoice or credit note before it leaves Odoo.

Amazon refuses invoices that disagree with the PO or the ASNs and short-pays what it cannot
match; a short payment then costs weeks of disputes. This is the three-way match (PO, ASN,
invoice) plus the invoice's own arithmetic, each problem with the fix a finance person applies.
Codes that Amazon also returns keep Amazon's spelling (see ``sandbox/engine.py``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .asn_check import ERROR, WARNING, PoContext, Problem, eaches, product_key, resolve_po

_logger = logging.getLogger(__name__)

CENT = Decimal("0.01")

__all__ = ["InvoiceContext", "Problem", "check_invoice", "check_invoices", "expected_total"]


@dataclass
class InvoiceContext:
    """What the invoice is matched against.

    ``purchase_orders``: PoContext per PO number, with accepted/shipped/invoiced eaches per line
    (``invoiced`` = billed by earlier invoices). ``shipments``: domain Shipments by id, used when
    an invoice names the ASN it bills (``Invoice.shipment_id``). ``earlier_invoices``: invoices
    and credit notes already sent for this vendor account; ``sent_numbers`` adds numbers known
    without their content.
    """

    purchase_orders: dict[str, PoContext]
    shipments: dict = field(default_factory=dict)
    earlier_invoices: list = field(default_factory=list)
    sent_numbers: frozenset | set = frozenset()
    cost_tolerance: Decimal = Decimal("0")  # Amazon compares the unit net cost exactly
    total_tolerance: Decimal = CENT
    tax_tolerance: Decimal = CENT
    # A credit note for a price adjustment credits part of the unit price, not all of it.
    price_adjustment: bool = False


def _problem(code, where, message, fix, severity=ERROR, **refs):
    return Problem(code, severity, where, message, fix, refs)


def _money(value):
    """At least two decimals, never rounding away a sub-cent difference."""
    return str(value.quantize(CENT) if value.as_tuple().exponent > -2 else value)


def _charges(charges):
    return sum(
        (-c.amount.amount if c.is_allowance else c.amount.amount for c in charges), Decimal(0)
    )


def expected_total(invoice):
    """Lines at net cost, plus charges, minus allowances, plus taxes (header taxes when the
    header carries any, else the lines'): the domain's own reading."""
    return invoice.computed_total()


def check_invoices(invoices, context):
    """Check a batch in order, each against the context plus the invoices before it."""
    results, pending = [], _Pending()
    for invoice in invoices:
        results.append(_check(invoice, context, pending))
        pending.add(invoice, context)
    return results


def check_invoice(invoice, context):
    """Every problem found in ``invoice`` (a domain Invoice); empty when it can be sent."""
    return _check(invoice, context, _Pending())


class _Pending:
    """Invoices of the same batch, not yet in the context."""

    def __init__(self):
        self.numbers, self.invoices, self.invoiced = set(), [], {}

    def add(self, invoice, context):
        self.numbers.add(invoice.number)
        self.invoices.append(invoice)
        if invoice.invoice_type != "Invoice":
            return
        for item in invoice.items:
            po = context.purchase_orders.get(item.purchase_order_number or "")
            line = po.match(item.ids, item.sequence) if po else None
            if line is not None:
                key = (po.number, line.sequence)
                self.invoiced[key] = self.invoiced.get(key, 0) + eaches(item.quantity)


def _check(invoice, context, pending):
    where = f"{invoice.invoice_type} {invoice.number}"
    problems = _check_header(invoice, context, pending, where)
    if invoice.invoice_type == "CreditNote":
        problems += _check_credit_note(invoice, context, pending, where)
    else:
        problems += _check_invoice_lines(invoice, context, pending, where)
    problems += _check_taxes(invoice, context, where)
    problems += _check_total(invoice, context, where)
    _logger.debug("%s: %d problem(s)", where, len(problems))
    return problems


def _check_header(invoice, context, pending, where):
    out = []
    number = invoice.number
    if not number:
        return [
            _problem(
                "MISSING_INVOICE_NUMBER",
                "invoice",
                "The invoice has no number.",
                "Post the invoice in Odoo so it gets its number.",
            )
        ]
    used = {i.number for i in context.earlier_invoices} | set(context.sent_numbers)
    if number in used or number in pending.numbers:
        out.append(
            _problem(
                "DUPLICATE_INVOICE_NUMBER",
                where,
                f"Invoice number {number} was already sent to Amazon for this account.",
                "Give the document a new number; to correct a sent invoice, send a credit note "
                "and a new invoice.",
                invoice=number,
            )
        )
    if not invoice.items:
        out.append(
            _problem(
                "NO_INVOICE_LINES",
                where,
                "The document has no lines, so Amazon cannot match it to a PO.",
                "Add the invoiced products.",
            )
        )
    for item in invoice.items:
        if item.net_cost.currency != invoice.total.currency:
            out.append(
                _problem(
                    "CURRENCY_MISMATCH",
                    f"{where}, line {item.sequence}",
                    f"The line is in {item.net_cost.currency} but the total is in "
                    f"{invoice.total.currency}.",
                    "Use one currency on the whole invoice: the PO's.",
                    line=item.sequence,
                )
            )
    return out


def _check_invoice_lines(invoice, context, pending, where):
    out, adds, dated, lines_seen = [], {}, set(), {}
    if invoice.total.amount < 0 or any(i.quantity.amount <= 0 for i in invoice.items):
        out.append(
            _problem(
                "NEGATIVE_INVOICE",
                where,
                "The invoice has a negative total or a line with zero or negative quantity.",
                "Remove the line; to give money back, send a credit note instead.",
            )
        )
    shipment = None
    if invoice.shipment_id:
        shipment = context.shipments.get(invoice.shipment_id)
        if shipment is None:
            out.append(
                _problem(
                    "UNKNOWN_SHIPMENT",
                    where,
                    f"The invoice bills shipment {invoice.shipment_id}, which Acorn never sent.",
                    "Link the invoice to the ASN of the goods it bills.",
                    WARNING,
                )
            )
    asn_qty = _shipment_quantities(shipment, context) if shipment else None
    for item in invoice.items:
        ref = product_key(item.ids) or f"line {item.sequence}"
        at = f"{where}, line {item.sequence} ({ref})"
        po, problem = resolve_po(
            item,
            context,
            at,
            "The line does not say which PO it bills.",
            "Set the Amazon PO number on the line.",
            line=item.sequence,
        )
        if problem:
            out.append(problem)
            continue
        number = po.number
        if po.date and number not in dated and invoice.date.date() < po.date.date():
            dated.add(number)
            out.append(
                _problem(
                    "INVOICE_DATE_BEFORE_PO_DATE",
                    f"{where}, date",
                    f"The invoice is dated {invoice.date:%Y-%m-%d}, before PO {number} "
                    f"({po.date:%Y-%m-%d}).",
                    f"Date the invoice on or after {po.date:%Y-%m-%d}, normally the ship date.",
                    po=number,
                )
            )
        line = po.match(item.ids, item.sequence)
        if line is None:
            out.append(
                _problem(
                    "ITEM_NOT_ON_PO",
                    at,
                    f"Product {ref} is not on PO {number}.",
                    f"Remove the line, or bill it on the PO that ordered {ref}.",
                    line=item.sequence,
                    po=number,
                )
            )
            continue
        po_at = f"{where}, line {item.sequence}, PO {number} line {line.sequence} ({line.label()})"
        if po.currency and item.net_cost.currency != po.currency:
            out.append(
                _problem(
                    "CURRENCY_MISMATCH",
                    po_at,
                    f"The line is in {item.net_cost.currency}; the PO is in {po.currency}.",
                    f"Invoice in {po.currency}, the PO's currency.",
                    line=item.sequence,
                    po=number,
                )
            )
        cost = item.net_cost.amount
        if line.net_cost is not None and abs(cost - line.net_cost) > context.cost_tolerance:
            out.append(
                _problem(
                    "NET_COST_MISMATCH",
                    po_at,
                    f"The unit price {cost} differs from the PO's net cost {line.net_cost}; "
                    "Amazon pays the PO cost and holds the difference.",
                    f"Set the price to {line.net_cost}, the PO's net cost (or get the PO cost "
                    "changed first).",
                    line=item.sequence,
                    po=number,
                )
            )
        key = (number, line.sequence)
        if key in lines_seen:
            out.append(
                _problem(
                    "LINE_BILLED_TWICE",
                    po_at,
                    f"PO line {line.sequence} is also billed on invoice line {lines_seen[key]}.",
                    "Merge the two lines into one.",
                    WARNING,
                    line=item.sequence,
                    po=number,
                )
            )
        lines_seen.setdefault(key, item.sequence)
        adds[key] = adds.get(key, 0) + eaches(item.quantity)
        before = line.invoiced + pending.invoiced.get(key, 0)
        total = before + adds[key]
        if total > line.accepted:
            out.append(
                _problem(
                    "INVOICED_QUANTITY_EXCEEDS_ACCEPTED",
                    po_at,
                    f"Billing {adds[key]} eaches; Amazon accepted {line.accepted} and "
                    f"{before} are already invoiced.",
                    f"Reduce the quantity to {max(line.accepted - before, 0)}, the accepted "
                    "quantity not yet invoiced.",
                    line=item.sequence,
                    po=number,
                )
            )
        if total > line.shipped:
            out.append(
                _problem(
                    "INVOICED_QUANTITY_EXCEEDS_SHIPPED",
                    po_at,
                    f"Billing {adds[key]} eaches; {line.shipped} were shipped and {before} "
                    "are already invoiced.",
                    f"Reduce the quantity to {max(line.shipped - before, 0)}, the shipped "
                    "quantity not yet invoiced.",
                    line=item.sequence,
                    po=number,
                )
            )
        if asn_qty is not None and adds[key] > asn_qty.get(key, 0):
            out.append(
                _problem(
                    "INVOICED_QUANTITY_EXCEEDS_ASN",
                    po_at,
                    f"Billing {adds[key]} eaches, but ASN {invoice.shipment_id} shipped "
                    f"{asn_qty.get(key, 0)} of this PO line.",
                    f"Reduce the quantity to {asn_qty.get(key, 0)}, the shipped quantity on "
                    "the ASN.",
                    line=item.sequence,
                    po=number,
                )
            )
    return out


def _shipment_quantities(shipment, context):
    out = {}
    for item in shipment.items:
        po = context.purchase_orders.get(item.purchase_order_number or "")
        line = po.match(item.ids) if po else None
        if line is not None:
            key = (po.number, line.sequence)
            out[key] = out.get(key, 0) + eaches(item.quantity)
    return out


def _check_credit_note(invoice, context, pending, where):
    out = []
    amounts = [item.line_amount() for item in invoice.items] + [invoice.total.amount]
    if any(a > 0 for a in amounts) and any(a < 0 for a in amounts):
        out.append(
            _problem(
                "CREDIT_SIGN_MIXED",
                where,
                "The credit note mixes positive and negative amounts.",
                "Send every amount positive (the CreditNote type already makes it a credit).",
            )
        )
    known = {i.number: i for i in context.earlier_invoices + pending.invoices}
    known_numbers = set(known) | set(context.sent_numbers)
    credited = _credited_before(context.earlier_invoices + pending.invoices)
    for item in invoice.items:
        at = f"{where}, line {item.sequence} ({product_key(item.ids)})"
        cn = item.credit_note
        ref = cn.reference_invoice_number if cn else None
        ref = ref or invoice.reference_number
        others = cn and (cn.returns_reference_number or cn.rma_id or cn.coop_reference_number)
        if not ref and not others and not (cn and cn.debit_note_number):
            out.append(
                _problem(
                    "MISSING_CREDIT_REFERENCE",
                    at,
                    "The credit line names neither the invoice it corrects nor a return "
                    "(RMA/returns reference).",
                    "Enter the original invoice number, or the Amazon return/RMA reference.",
                    line=item.sequence,
                )
            )
            continue
        if not ref:
            continue
        if ref not in known_numbers:
            out.append(
                _problem(
                    "UNKNOWN_REFERENCED_INVOICE",
                    at,
                    f"Invoice {ref} was never sent to Amazon from this account.",
                    "Correct the reference to the number of the invoice being credited.",
                    line=item.sequence,
                    invoice=ref,
                )
            )
            continue
        original = known.get(ref)
        if original is None:
            continue  # only its number is known: nothing more to compare
        orig_line = next(
            (o for o in original.items if product_key(o.ids) == product_key(item.ids)), None
        )
        if orig_line is None:
            out.append(
                _problem(
                    "CREDIT_ITEM_NOT_ON_INVOICE",
                    at,
                    f"Product {product_key(item.ids)} is not on invoice {ref}.",
                    "Remove the line, or reference the invoice that billed this product.",
                    line=item.sequence,
                    invoice=ref,
                )
            )
            continue
        key = (ref, product_key(item.ids))
        billed = abs(eaches(orig_line.quantity))
        before = credited.get(key, 0)
        qty = abs(eaches(item.quantity))
        credited[key] = before + qty
        if before + qty > billed:
            out.append(
                _problem(
                    "CREDIT_EXCEEDS_INVOICED",
                    at,
                    f"Crediting {qty} eaches; invoice {ref} billed {billed} and {before} "
                    "were already credited.",
                    f"Reduce the quantity to {max(billed - before, 0)}.",
                    line=item.sequence,
                    invoice=ref,
                )
            )
        unit, billed_unit = abs(item.net_cost.amount), abs(orig_line.net_cost.amount)
        if context.price_adjustment:
            if unit > billed_unit + context.cost_tolerance:
                out.append(
                    _problem(
                        "CREDIT_COST_MISMATCH",
                        at,
                        f"The price adjustment credits {unit} per unit, more than the "
                        f"{billed_unit} billed on invoice {ref}.",
                        f"Credit at most {billed_unit} per unit.",
                        line=item.sequence,
                        invoice=ref,
                    )
                )
        elif abs(unit - billed_unit) > context.cost_tolerance:
            out.append(
                _problem(
                    "CREDIT_COST_MISMATCH",
                    at,
                    f"The credited unit price {item.net_cost.amount} differs from the "
                    f"{orig_line.net_cost.amount} billed on invoice {ref}.",
                    f"Set the price to {abs(orig_line.net_cost.amount)}, the invoiced price.",
                    line=item.sequence,
                    invoice=ref,
                )
            )
    return out


def _credited_before(documents):
    out = {}
    for doc in documents:
        if doc.invoice_type != "CreditNote":
            continue
        for item in doc.items:
            ref = (item.credit_note and item.credit_note.reference_invoice_number) or (
                doc.reference_number
            )
            if ref:
                key = (ref, product_key(item.ids))
                out[key] = out.get(key, 0) + abs(eaches(item.quantity))
    return out


def _check_tax(tax, base, at, context, refs):
    """One TaxDetail: its amount is rate x taxable amount, the taxable amount is the base."""
    out = []
    taxable = tax.taxable_amount.amount if tax.taxable_amount else None
    if taxable is not None and base is not None and abs(taxable - base) > context.tax_tolerance:
        out.append(
            _problem(
                "TAXABLE_AMOUNT_MISMATCH",
                f"{at}, {tax.tax_type}",
                f"The taxable amount {taxable} differs from the amount it taxes, {_money(base)}.",
                f"Set the taxable amount to {_money(base)}.",
                **refs,
            )
        )
    basis = taxable if taxable is not None else base
    if tax.rate is not None and basis is not None:
        due = (basis * tax.rate).quantize(CENT, ROUND_HALF_UP)
        if abs(tax.amount.amount - due) > context.tax_tolerance:
            out.append(
                _problem(
                    "TAX_AMOUNT_MISMATCH",
                    f"{at}, {tax.tax_type}",
                    f"{tax.tax_type} of {tax.amount.amount} is not {tax.rate * 100:g} % of "
                    f"{_money(basis)}.",
                    f"Set the tax amount to {due}.",
                    **refs,
                )
            )
    return out


def _check_taxes(invoice, context, where):
    out, line_tax = [], {}
    for item in invoice.items:
        base = item.line_amount() + _charges(item.charges)
        for tax in item.taxes:
            out += _check_tax(
                tax, base, f"{where}, line {item.sequence}", context, {"line": item.sequence}
            )
            line_tax[tax.tax_type] = line_tax.get(tax.tax_type, Decimal(0)) + tax.amount.amount
    if not invoice.taxes:
        return out
    header = {}
    for tax in invoice.taxes:
        out += _check_tax(tax, None, where, context, {})
        header[tax.tax_type] = header.get(tax.tax_type, Decimal(0)) + tax.amount.amount
    if line_tax:
        for kind in sorted(set(header) | set(line_tax)):
            head, lines = header.get(kind, Decimal(0)), line_tax.get(kind, Decimal(0))
            if abs(head - lines) > context.tax_tolerance:
                out.append(
                    _problem(
                        "HEADER_TAX_MISMATCH",
                        f"{where}, {kind} total",
                        f"The invoice's {kind} total {head} differs from the sum of its "
                        f"lines' {kind}, {lines}.",
                        f"Set the invoice's {kind} total to {lines}.",
                    )
                )
    return out


def _check_total(invoice, context, where):
    if not invoice.items:
        return []
    expected = expected_total(invoice)
    stated = invoice.total.amount
    if abs(stated - expected) <= context.total_tolerance:
        return []
    return [
        _problem(
            "INVOICE_TOTAL_MISMATCH",
            f"{where}, total",
            f"The invoice total {stated} differs from lines + taxes + charges - allowances "
            f"= {_money(expected)}.",
            f"Set the invoice total to {_money(expected)}.",
        )
    ]
