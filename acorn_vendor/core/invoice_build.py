"""An Odoo invoice or credit note, as plain data, becomes the domain Invoice Amazon receives.

The Odoo model only gathers values (lines, taxes, parties, what each PO line accepted, shipped
and already billed); everything that decides what Amazon sees lives here, without the ORM:
which lines are PO items and which are charges or allowances, where taxes go, how a credit note
references what it credits, and the context ``invoice_check`` matches the invoice against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from . import domain
from .asn_check import ERROR, PoContext, PoLineContext, Problem
from .invoice_check import InvoiceContext
from .spapi_models import PayloadInvalid, validate_definition

__all__ = [
    "CreditReason",
    "MoveData",
    "MoveLine",
    "PoLineData",
    "TaxLine",
    "blocking_problems",
    "build_context",
    "build_invoice",
    "payload_problems",
    "problem_key",
    "source_problems",
    "tax_type_for",
]

# Amazon's taxType for the tax a country levies (SP-API enum); anything else is VAT.
TAX_TYPES = {"US": "ST", "CA": "GST", "AU": "GST", "SG": "GST", "IN": "IGST", "JP": "Consumption"}


class CreditReason:
    RETURN = "return"
    PRICE_ADJUSTMENT = "price_adjustment"


def tax_type_for(country_code):
    return TAX_TYPES.get((country_code or "").upper(), "VAT")


@dataclass
class TaxLine:
    """One tax on one Odoo line, as Odoo computed it (rate a fraction: 0.19 for 19 %)."""

    tax_type: str
    amount: Decimal
    base: Decimal
    rate: Decimal | None = None


@dataclass
class MoveLine:
    """One product line of the move. ``quantity`` in eaches, ``price_unit`` net of discount.

    A line linked to an Amazon PO line carries its PO number and identifiers; a line without
    one (freight, a discount) becomes a charge, or an allowance when its amount is negative.
    """

    description: str
    quantity: Decimal
    price_unit: Decimal
    po_number: str | None = None
    asin: str | None = None
    sku: str | None = None
    ean: str | None = None
    taxes: list[TaxLine] = field(default_factory=list)
    charge: bool = False
    charge_type: str = "Freight"

    def amount(self):
        return self.quantity * self.price_unit


@dataclass
class MoveData:
    """The header: ``kind`` is Invoice or CreditNote; ``reference`` the invoice a credit note
    corrects; ``credit_reason`` a CreditReason; ``total`` Odoo's amount_total (positive)."""

    number: str | None
    kind: str
    date: date | datetime
    currency: str
    total: Decimal
    remit_to: domain.Party
    lines: list[MoveLine]
    ship_from: domain.Party | None = None
    bill_to: domain.Party | None = None
    ship_to: domain.Party | None = None
    payment_terms: domain.PaymentTerms | None = None
    reference: str | None = None
    credit_reason: str | None = None
    return_reference: str | None = None
    return_date: date | None = None
    shipment_id: str | None = None


@dataclass
class PoLineData:
    """What Acorn knows about one PO line; quantities in eaches."""

    po_number: str
    sequence: str
    asin: str | None
    vendor_ids: tuple
    net_cost: Decimal | None
    accepted: int
    shipped: int
    invoiced: int
    po_date: datetime | None = None
    currency: str | None = None
    state: str = "Acknowledged"


def _aware(value):
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=domain.UTC)
    return datetime(value.year, value.month, value.day, tzinfo=domain.UTC)


def _whole(quantity):
    """Eaches as Amazon counts them: an integer (a fraction is reported by source_problems)."""
    return int(Decimal(quantity).to_integral_value())


def build_invoice(data):
    """MoveData -> domain.Invoice, amounts positive for both invoices and credit notes."""
    money = lambda amount: domain.Money(Decimal(amount), data.currency)  # noqa: E731
    credit = data.kind == "CreditNote"
    products = [line for line in data.lines if not line.charge]
    charges = [line for line in data.lines if line.charge]
    # Charge taxes count in neither Amazon's total nor the domain's: when a charge is taxed,
    # every tax goes to the header (one figure per type), otherwise each line carries its own.
    header_taxes = any(line.taxes for line in charges)
    items = []
    for sequence, line in enumerate(products, 1):
        details = None
        if credit:
            returned = data.credit_reason == CreditReason.RETURN
            details = domain.CreditNoteDetails(
                reference_invoice_number=data.reference,
                returns_reference_number=data.return_reference if returned else None,
                goods_return_date=_aware(data.return_date)
                if returned and data.return_date
                else None,
            )
        items.append(
            domain.InvoiceItem(
                sequence=sequence,
                ids=domain.ProductIds(
                    asin=line.asin or None,
                    vendor_product_id=line.sku or None,
                    ean=line.ean or None,
                ),
                quantity=domain.Quantity(abs(_whole(line.quantity)), "Eaches", 1),
                net_cost=money(abs(line.price_unit)),
                purchase_order_number=line.po_number or None,
                credit_note=details,
                taxes=[] if header_taxes else [_tax(t, money) for t in line.taxes],
            )
        )
    header_charges = [
        domain.Charge(
            charge_type=line.charge_type if line.amount() >= 0 else "Discount",
            amount=money(abs(line.amount())),
            is_allowance=line.amount() < 0,
            description=(line.description or "")[:100] or None,
        )
        for line in charges
    ]
    taxes = []
    if header_taxes:
        by_type = {}
        for line in data.lines:
            for tax in line.taxes:
                amount, base = by_type.get(tax.tax_type, (Decimal(0), Decimal(0)))
                by_type[tax.tax_type] = (amount + abs(tax.amount), base + abs(tax.base))
        taxes = [
            domain.TaxDetail(kind, money(amount), None, money(base))
            for kind, (amount, base) in sorted(by_type.items())
        ]
    return domain.Invoice(
        number=data.number or "",
        date=_aware(data.date),
        remit_to_party=data.remit_to,
        total=money(abs(data.total)),
        items=items,
        invoice_type=data.kind,
        reference_number=data.reference if credit else None,
        ship_to_party=data.ship_to,
        ship_from_party=data.ship_from,
        bill_to_party=data.bill_to,
        payment_terms=data.payment_terms,
        taxes=taxes,
        charges=header_charges,
        shipment_id=data.shipment_id,
    )


def _tax(tax, money):
    return domain.TaxDetail(
        tax_type=tax.tax_type,
        amount=money(abs(tax.amount)),
        rate=tax.rate,
        taxable_amount=money(abs(tax.base)),
    )


def _problem(code, where, message, fix, **refs):
    return Problem(code, ERROR, where, message, fix, refs)


def source_problems(data):
    """What the Odoo document gets wrong before any PO is looked at: things the domain
    Invoice cannot even express (a fraction of an each), or a party Amazon requires."""
    where = f"{data.kind} {data.number or '(draft)'}"
    out = []
    address = data.remit_to.address if data.remit_to else None
    if not data.remit_to or not data.remit_to.party_id:
        out.append(
            _problem(
                "MISSING_REMIT_TO",
                f"{where}, remit-to",
                "The remit-to party has no vendor code.",
                "Add a vendor code to the Vendor Central account.",
            )
        )
    elif not address or not (address.name and address.line1 and address.country_code):
        out.append(
            _problem(
                "MISSING_REMIT_TO_ADDRESS",
                f"{where}, remit-to",
                "Amazon needs the remit-to address (name, street, country) to pay you.",
                "Complete the address of the remit-to partner set on the Vendor Central account "
                "(or of the company).",
            )
        )
    if data.kind == "CreditNote" and data.credit_reason not in (
        CreditReason.RETURN,
        CreditReason.PRICE_ADJUSTMENT,
    ):
        out.append(
            _problem(
                "MISSING_CREDIT_REASON",
                f"{where}, reason",
                "The credit note does not say whether it is for returned goods or a price "
                "adjustment.",
                "Set the Amazon credit reason on the credit note.",
            )
        )
    for n, line in enumerate(data.lines, 1):
        if line.charge:
            continue
        if Decimal(line.quantity) != _whole(line.quantity):
            out.append(
                _problem(
                    "FRACTIONAL_QUANTITY",
                    f"{where}, line {n} ({line.asin or line.sku or line.description})",
                    f"The line bills {line.quantity} eaches; Amazon counts whole eaches.",
                    f"Invoice a whole number of eaches ({_whole(line.quantity)}?).",
                    line=n,
                )
            )
    return out


def payload_problems(doc):
    """The SP-API ``Invoice`` against Amazon's official model, as problems."""
    try:
        validate_definition("vendorInvoices.json", "Invoice", doc)
    except PayloadInvalid as exc:
        return [
            _problem(
                "INVALID_PAYLOAD",
                f"{doc.get('invoiceType')} {doc.get('id')}, {path}",
                f"Amazon's invoice model refuses this: {message}",
                "Correct the field named here on the invoice or its partners.",
            )
            for path, message in exc.errors[:20]
        ]
    return []


@dataclass
class IndexedPoContext(PoContext):
    """PoContext whose ``match`` looks identifiers up in a dict: a 5,000-line invoice against
    a 5,000-line PO is 5,000 look-ups, not 12.5 million comparisons. Same answer as
    PoContext.match: the first line (in PO order) whose ASIN, or SKU/EAN/UPC, matches."""

    def match(self, ids, sequence=None):
        if not (ids.asin or ids.vendor_identifier()):
            return super().match(ids, sequence)
        index = self.__dict__.get("_index")
        if index is None or index[0] != len(self.lines):
            by_asin, by_vendor = {}, {}
            for pos, line in enumerate(self.lines):
                if line.asin:
                    by_asin.setdefault(line.asin, pos)
                for vendor in line.vendor_ids:
                    by_vendor.setdefault(vendor, pos)
            index = self.__dict__["_index"] = (len(self.lines), by_asin, by_vendor)
        _count, by_asin, by_vendor = index
        hits = [by_asin.get(ids.asin), by_vendor.get(ids.vendor_identifier())]
        hits = [h for h in hits if h is not None]
        return self.lines[min(hits)] if hits else None


def build_context(
    po_lines,
    sent_numbers=(),
    earlier_invoices=(),
    cost_tolerance=Decimal(0),
    price_adjustment=False,
):
    """PoLineData rows -> the InvoiceContext check_invoice matches against."""
    orders = {}
    for row in po_lines:
        po = orders.get(row.po_number)
        if po is None:
            po = orders[row.po_number] = IndexedPoContext(
                number=row.po_number,
                lines=[],
                state=row.state,
                date=_aware(row.po_date) if row.po_date else None,
                currency=row.currency,
            )
        po.lines.append(
            PoLineContext(
                sequence=row.sequence,
                asin=row.asin,
                vendor_ids=tuple(v for v in row.vendor_ids if v),
                accepted=row.accepted,
                shipped=row.shipped,
                invoiced=row.invoiced,
                net_cost=Decimal(str(row.net_cost)) if row.net_cost is not None else None,
            )
        )
    return InvoiceContext(
        purchase_orders=orders,
        earlier_invoices=list(earlier_invoices),
        sent_numbers=frozenset(sent_numbers),
        cost_tolerance=Decimal(str(cost_tolerance)),
        price_adjustment=price_adjustment,
    )


def problem_key(problem):
    """What an override is about: the same mistake in the same place."""
    return f"{problem.code}|{problem.where}"


def blocking_problems(problems, overridden=()):
    """Errors that still stop the invoice: warnings inform, overrides lift one each."""
    allowed = set(overridden)
    return [p for p in problems if p.is_error and problem_key(p) not in allowed]
