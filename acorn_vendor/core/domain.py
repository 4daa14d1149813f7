"""Vendor Central business documents, independent of how they travel.

"One domain, two transports": the SP-API client, the ANSI X12 codec
(``acorn_vendor_edi.core.x12``) and the EDIFACT codec (``acorn_vendor_edi.core.edifact``) all
read and write these same objects, and the Odoo models are built from them. Field names follow
Amazon's SP-API Vendor models (vendorOrders, vendorShipments, vendorInvoices) so that SP-API JSON
maps 1:1; fields that only EDI carries (remittances, adjustments, product activity) follow the
X12 documents. Money is ``Decimal``, timestamps are timezone-aware UTC ``datetime``, calendar
days are ``date``. Names here are a public contract: both codecs depend on them. The SP-API
JSON converters live beside the client (``spapi/converters.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal

UTC = timezone.utc

# Amazon's enums, kept here so codecs and Odoo selections share one spelling.
PO_STATES = ("New", "Acknowledged", "Closed")
PO_TYPES = ("RegularOrder", "ConsignedOrder", "NewProductIntroduction", "RushOrder")
PAYMENT_METHODS = ("Invoice", "Consignment", "CreditCard", "Prepaid")
UNITS = ("Eaches", "Cases")
ACK_CODES = ("Accepted", "Backordered", "Rejected")
REJECTION_REASONS = ("TemporarilyUnavailable", "InvalidProductIdentifier", "ObsoleteProduct")
CONTAINER_ID_TYPES = ("SSCC", "AMZNCC", "GTIN", "BPS", "CID")
INVOICE_TYPES = ("Invoice", "CreditNote")
CHANGE_PURPOSES = ("Cancel", "Change", "Replace")

_DECIMAL_RE = re.compile(r"^-?(0|([1-9]\d*))(\.\d+)?([eE][+-]?\d+)?$")


# --------------------------------------------------------------------------------------------
# Small value objects
# --------------------------------------------------------------------------------------------


@dataclass
class Money:
    amount: Decimal
    currency: str = "USD"


@dataclass
class Quantity:
    """An ordered/shipped/invoiced quantity; ``unit_size`` = eaches per case when in Cases."""

    amount: int
    unit: str = "Eaches"
    unit_size: int | None = None


@dataclass
class Address:
    name: str
    line1: str
    country_code: str
    line2: str | None = None
    line3: str | None = None
    city: str | None = None
    county: str | None = None
    district: str | None = None
    state: str | None = None
    postal_code: str | None = None
    phone: str | None = None


@dataclass
class Party:
    """A party identified by Amazon: vendor code, FC code, GLN or DUNS in ``party_id``."""

    party_id: str
    address: Address | None = None
    tax_registration_type: str | None = None  # VAT | GST
    tax_registration_number: str | None = None


@dataclass
class ProductIds:
    """Every identifier a line can carry; X12 uses BP/VN/EN/UP/IB, EDIFACT EN/SA/IB."""

    asin: str | None = None  # SP-API amazonProductIdentifier, X12 BP
    vendor_product_id: str | None = None  # SP-API vendorProductIdentifier (SKU), X12 VN
    ean: str | None = None  # EAN-13 / GTIN, X12 EN
    upc: str | None = None  # UPC-12, X12 UP
    isbn: str | None = None  # X12 IB

    def vendor_identifier(self):
        """The value SP-API expects in vendorProductIdentifier (SKU, else EAN/UPC/ISBN)."""
        return self.vendor_product_id or self.ean or self.upc or self.isbn

    def any(self):
        return self.asin or self.vendor_identifier()


@dataclass
class Weight:
    value: Decimal
    unit: str = "Lb"  # SP-API: G | Kg | Oz | Lb


@dataclass
class Dimensions:
    length: Decimal
    width: Decimal
    height: Decimal
    unit: str = "In"  # SP-API: In | Ft | Meter | Yard


@dataclass
class Volume:
    value: Decimal
    unit: str = "CuFt"  # SP-API: CuFt | CuIn | CuM | CuY


# --------------------------------------------------------------------------------------------
# Purchase orders (850 / ORDERS / getPurchaseOrder)
# --------------------------------------------------------------------------------------------


@dataclass
class ImportDetails:
    method_of_payment: str | None = None
    incoterms: str | None = None  # SP-API internationalCommercialTerms
    port_of_delivery: str | None = None
    import_containers: str | None = None
    shipping_instructions: str | None = None


@dataclass
class PurchaseOrderItem:
    sequence: str
    ids: ProductIds
    ordered_quantity: Quantity
    back_order_allowed: bool = False
    net_cost: Money | None = None
    list_price: Money | None = None


@dataclass
class PurchaseOrder:
    number: str
    date: datetime
    items: list[PurchaseOrderItem]
    state: str = "New"
    state_changed_date: datetime | None = None
    changed_date: datetime | None = None
    order_type: str | None = "RegularOrder"
    payment_method: str | None = None
    deal_code: str | None = None
    import_details: ImportDetails | None = None
    buying_party: Party | None = None
    selling_party: Party | None = None  # its party_id is the vendor code (X12 REF*CR)
    ship_to_party: Party | None = None  # the fulfilment centre
    bill_to_party: Party | None = None
    ship_window: tuple[datetime, datetime] | None = None
    delivery_window: tuple[datetime, datetime] | None = None
    currency: str | None = None
    notes: list[str] = field(default_factory=list)

    def item(self, sequence):
        for line in self.items:
            if line.sequence == str(sequence):
                return line
        return None


# --------------------------------------------------------------------------------------------
# PO changes (860 / ORDCHG)
# --------------------------------------------------------------------------------------------


@dataclass
class PurchaseOrderChangeItem:
    sequence: str
    change_code: str  # X12 POC02 list: AI CA DI PC PQ QD QI CT NC CF
    ids: ProductIds
    quantity: Quantity | None = None  # the new ordered quantity
    quantity_change: int | None = None
    net_cost: Money | None = None


@dataclass
class PurchaseOrderChange:
    purchase_order_number: str
    purpose: str  # Cancel | Change | Replace
    change_date: datetime
    purchase_order_date: date | None = None
    change_sequence: str | None = None
    items: list[PurchaseOrderChangeItem] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Acknowledgements (855 / ORDRSP / submitAcknowledgement)
# --------------------------------------------------------------------------------------------


@dataclass
class ItemAcknowledgement:
    code: str  # Accepted | Backordered | Rejected
    quantity: Quantity
    scheduled_ship_date: datetime | None = None
    scheduled_delivery_date: datetime | None = None
    rejection_reason: str | None = None


@dataclass
class AcknowledgementItem:
    sequence: str
    ids: ProductIds
    ordered_quantity: Quantity
    acknowledgements: list[ItemAcknowledgement]
    net_cost: Money | None = None
    list_price: Money | None = None
    discount_multiplier: str | None = None


@dataclass
class Acknowledgement:
    purchase_order_number: str
    selling_party: Party
    date: datetime
    items: list[AcknowledgementItem]
    purchase_order_date: date | None = None
    ship_to_party: Party | None = None

    def is_changed(self):
        """True when any line is not accepted in full at the ordered quantity."""
        for item in self.items:
            accepted = sum(a.quantity.amount for a in item.acknowledgements if a.code == "Accepted")
            if accepted != item.ordered_quantity.amount or len(item.acknowledgements) != 1:
                return True
        return False


# --------------------------------------------------------------------------------------------
# Shipment confirmations / ASN (856 / DESADV / submitShipmentConfirmations)
# --------------------------------------------------------------------------------------------


@dataclass
class Lot:
    """Lot and dates printed on the goods; required for some categories (food, beauty)."""

    lot_number: str | None = None
    expiry_date: date | None = None
    manufacture_date: date | None = None


@dataclass
class ShipmentItem:
    sequence: str
    ids: ProductIds
    quantity: Quantity
    purchase_order_number: str | None = None
    lot: Lot | None = None
    country_of_origin: str | None = None
    handling_code: str | None = None


@dataclass
class ContainerItem:
    """A quantity of one shipped item (by its ``ShipmentItem.sequence``) in a carton/pallet."""

    item_sequence: str
    quantity: Quantity
    lot: Lot | None = None


@dataclass
class Carton:
    sequence: str
    sscc: str | None
    items: list[ContainerItem]
    other_ids: dict[str, str] = field(default_factory=dict)  # AMZNCC/GTIN/BPS/CID -> value
    weight: Weight | None = None
    dimensions: Dimensions | None = None
    tracking_number: str | None = None


@dataclass
class Pallet:
    sscc: str
    cartons: list[Carton] = field(default_factory=list)
    items: list[ContainerItem] = field(default_factory=list)  # loose items (pallet of items)
    tier: int | None = None
    block: int | None = None
    weight: Weight | None = None
    dimensions: Dimensions | None = None


@dataclass
class Shipment:
    shipment_id: str
    confirmation_date: datetime
    shipped_date: datetime
    selling_party: Party
    ship_from_party: Party
    ship_to_party: Party
    items: list[ShipmentItem]
    pallets: list[Pallet] = field(default_factory=list)
    cartons: list[Carton] = field(default_factory=list)  # cartons not on a pallet
    confirmation_type: str = "Original"  # Original | Replace
    shipment_type: str | None = None  # TruckLoad | LessThanTruckLoad | SmallParcel
    shipment_structure: str | None = None
    carrier_scac: str | None = None
    pro_number: str | None = None  # SP-API carrierShipmentReferenceNumber
    bill_of_lading: str | None = None
    transportation_mode: str | None = None  # Road | Air | Ocean
    amazon_reference_number: str | None = None  # ARN
    estimated_delivery_date: datetime | None = None
    gross_weight: Weight | None = None
    volume: Volume | None = None  # SP-API shipmentMeasurements.shipmentVolume

    def all_cartons(self):
        """Cartons on pallets first, then loose cartons, in document order."""
        return [c for p in self.pallets for c in p.cartons] + list(self.cartons)

    def purchase_order_numbers(self):
        seen = []
        for item in self.items:
            if item.purchase_order_number and item.purchase_order_number not in seen:
                seen.append(item.purchase_order_number)
        return seen

    def item(self, sequence):
        for line in self.items:
            if line.sequence == str(sequence):
                return line
        return None


# --------------------------------------------------------------------------------------------
# Invoices and credit notes (810 / INVOIC / submitInvoices)
# --------------------------------------------------------------------------------------------


@dataclass
class TaxDetail:
    tax_type: str  # SP-API taxType: VAT, GST, ST, ...
    amount: Money
    rate: Decimal | None = None  # a fraction: 0.19 for 19 %
    taxable_amount: Money | None = None


@dataclass
class Charge:
    """A charge (freight, packing, ...) or, with ``is_allowance``, a discount/allowance."""

    charge_type: str
    amount: Money
    is_allowance: bool = False
    description: str | None = None
    taxes: list[TaxDetail] = field(default_factory=list)


@dataclass
class PaymentTerms:
    terms_type: str | None = "Basic"
    discount_percent: Decimal | None = None
    discount_due_days: int | None = None
    net_due_days: int | None = None


@dataclass
class CreditNoteDetails:
    reference_invoice_number: str | None = None
    debit_note_number: str | None = None
    returns_reference_number: str | None = None
    goods_return_date: datetime | None = None
    rma_id: str | None = None
    coop_reference_number: str | None = None
    consignors_reference_number: str | None = None


@dataclass
class InvoiceItem:
    sequence: int
    ids: ProductIds
    quantity: Quantity
    net_cost: Money  # unit cost, excluding tax
    purchase_order_number: str | None = None
    hsn_code: str | None = None
    credit_note: CreditNoteDetails | None = None
    taxes: list[TaxDetail] = field(default_factory=list)
    charges: list[Charge] = field(default_factory=list)

    def line_amount(self):
        return self.net_cost.amount * self.quantity.amount


@dataclass
class Invoice:
    number: str
    date: datetime
    remit_to_party: Party
    total: Money  # including tax and charges, minus allowances
    items: list[InvoiceItem] = field(default_factory=list)
    invoice_type: str = "Invoice"  # Invoice | CreditNote
    reference_number: str | None = None
    ship_to_party: Party | None = None
    ship_from_party: Party | None = None
    bill_to_party: Party | None = None
    payment_terms: PaymentTerms | None = None
    taxes: list[TaxDetail] = field(default_factory=list)
    charges: list[Charge] = field(default_factory=list)  # header charges and allowances
    additional_details: list[tuple[str, str]] = field(default_factory=list)  # (type, detail)
    shipment_id: str | None = None  # the ASN the invoice bills, for the three-way match

    def purchase_order_numbers(self):
        seen = []
        for item in self.items:
            if item.purchase_order_number and item.purchase_order_number not in seen:
                seen.append(item.purchase_order_number)
        return seen

    def computed_total(self):
        """Lines + line/header charges - allowances + taxes, as the 810 TDS must state it.

        Header taxes are the invoice's tax total (SP-API's reading), so line taxes count only
        when the header carries none: never both.
        """
        total = sum((item.line_amount() for item in self.items), Decimal(0))
        for item in self.items:
            for charge in item.charges:
                total += -charge.amount.amount if charge.is_allowance else charge.amount.amount
            if not self.taxes:
                total += sum((t.amount.amount for t in item.taxes), Decimal(0))
        for charge in self.charges:
            total += -charge.amount.amount if charge.is_allowance else charge.amount.amount
        total += sum((t.amount.amount for t in self.taxes), Decimal(0))
        return total


# --------------------------------------------------------------------------------------------
# Remittance advice (820) and credit/debit adjustments (812): inbound, for reconciliation
# --------------------------------------------------------------------------------------------


@dataclass
class Deduction:
    """An amount Amazon held back from an invoice (shortage, co-op, chargeback...)."""

    amount: Decimal  # positive = deducted from what is paid
    reason_code: str | None = None  # X12 ADX02 / CDD01
    description: str | None = None
    reference: str | None = None


@dataclass
class RemittanceLine:
    invoice_number: str
    amount_paid: Decimal
    invoice_amount: Decimal | None = None
    discount_amount: Decimal | None = None
    invoice_date: date | None = None
    purchase_order_number: str | None = None
    deductions: list[Deduction] = field(default_factory=list)
    reference_qualifier: str = "IV"  # X12 RMR01: IV invoice, CM credit memo


@dataclass
class Remittance:
    payment_reference: str  # TRN02: the trace/check/EFT number
    payment_date: date | None
    amount: Money
    payer: Party | None = None
    payee: Party | None = None
    payment_method: str | None = None  # ACH, CHK, FWT, ... (X12 BPR04)
    credit_debit: str = "C"
    lines: list[RemittanceLine] = field(default_factory=list)
    deductions: list[Deduction] = field(default_factory=list)  # not tied to one invoice

    def lines_total(self):
        return sum((line.amount_paid for line in self.lines), Decimal(0)) - sum(
            (d.amount for d in self.deductions), Decimal(0)
        )


@dataclass
class AdjustmentLine:
    reason_code: str  # CDD01 (e.g. 01 pricing, 02 shortage ...)
    credit_debit: str  # C | D
    amount: Decimal
    ids: ProductIds = field(default_factory=ProductIds)
    quantity: int | None = None
    unit_price: Decimal | None = None
    description: str | None = None


@dataclass
class CreditDebitAdjustment:
    adjustment_number: str
    date: date
    credit_debit: str  # C credit (Amazon owes the vendor) | D debit (vendor owes Amazon)
    amount: Money
    invoice_number: str | None = None
    purchase_order_number: str | None = None
    invoice_date: date | None = None
    parties: list[tuple[str, Party]] = field(default_factory=list)  # (N101 role, party)
    lines: list[AdjustmentLine] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Inventory advice (846, outbound) and product activity (852, inbound)
# --------------------------------------------------------------------------------------------


@dataclass
class InventoryItem:
    ids: ProductIds
    available: Quantity
    is_obsolete: bool = False


@dataclass
class InventoryAdvice:
    reference: str
    date: datetime
    selling_party: Party
    items: list[InventoryItem]
    warehouse_id: str | None = None
    is_full_update: bool = True


# X12 ZA01 activity codes and the readable names the domain uses for them.
ACTIVITY_CODES = {
    "QA": "on_hand",  # current inventory available for shipment or sale
    "QS": "sold",
    "QR": "received",
    "QP": "on_order",
    "QU": "returned",
    "QI": "in_transit",
    "QO": "out_of_stock",
    "QT": "adjusted",
    "QD": "additional_demand",
}


@dataclass
class ProductActivityLine:
    ids: ProductIds
    quantities: dict[str, int]  # readable activity (see ACTIVITY_CODES) -> quantity
    location: str | None = None
    unit: str = "Eaches"


@dataclass
class ProductActivityReport:
    reference: str
    start: date
    end: date
    lines: list[ProductActivityLine]
    vendor_code: str | None = None
    location: str | None = None


def decimal_str(value):
    """Decimal -> a string matching Amazon's Decimal pattern (no exponent, no '+', no '-0')."""
    value = Decimal(value)
    text = format(value, "f")
    if text.startswith("-") and Decimal(text) == 0:
        text = text[1:]
    if "." in text:
        whole, frac = text.split(".")
        text = whole + "." + frac if frac else whole
    if not _DECIMAL_RE.match(text):
        raise ValueError(f"{value!r} cannot be written as an SP-API decimal")
    return text
