"""Domain objects and envelopes used by the X12 tests (fixed values: golden files stay stable)."""

from datetime import date, datetime, timezone
from decimal import Decimal

from acorn_vendor.core import domain as d
from acorn_vendor.core import gs1
from acorn_vendor_edi.core.x12 import Envelope

UTC = timezone.utc
T0 = datetime(2024, 3, 4, 10, 30, tzinfo=UTC)
PREFIX = "0614141"


def sscc(serial, ext=0):
    return gs1.build_sscc(ext, PREFIX, serial)


def env(version="4010", control=1, **kw):
    return Envelope(
        sender_id="ACMEVENDOR",
        receiver_id="AMAZON",
        interchange_control=control,
        version=version,
        timestamp=T0,
        **kw,
    )


def amazon_env(control=7001, **kw):
    return Envelope(
        sender_id="AMAZON",
        receiver_id="ACMEVENDOR",
        interchange_control=control,
        timestamp=T0,
        **kw,
    )


def vendor_party():
    return d.Party(
        "ACME1",
        d.Address(
            "Acme Supply Co", "1 Main St", "US", city="Seattle", state="WA", postal_code="98101"
        ),
    )


def fc_party():
    return d.Party("SEA8")


def purchase_order(number="2JK3S9VC", lines=3):
    items = [
        d.PurchaseOrderItem(
            str(n),
            d.ProductIds(asin=f"B0748G1A{n:02d}", vendor_product_id=f"SKU-{n}"),
            d.Quantity(10 * n),
            back_order_allowed=True,
            net_cost=d.Money(Decimal("12.50") + n, "USD"),
        )
        for n in range(1, lines + 1)
    ]
    return d.PurchaseOrder(
        number=number,
        date=datetime(2024, 3, 1, tzinfo=UTC),
        items=items,
        selling_party=d.Party("ACME1"),
        ship_to_party=fc_party(),
        currency="USD",
        delivery_window=(datetime(2024, 3, 8, tzinfo=UTC), datetime(2024, 3, 15, tzinfo=UTC)),
        deal_code="DEAL42",
    )


def acknowledgement(po=None):
    po = po or purchase_order()
    items = []
    for line in po.items:
        if line.sequence == "2":
            acks = [
                d.ItemAcknowledgement(
                    "Accepted", d.Quantity(15), scheduled_ship_date=datetime(2024, 3, 6, tzinfo=UTC)
                ),
                d.ItemAcknowledgement("Backordered", d.Quantity(5)),
            ]
        else:
            acks = [
                d.ItemAcknowledgement(
                    "Accepted",
                    d.Quantity(line.ordered_quantity.amount),
                    scheduled_ship_date=datetime(2024, 3, 6, tzinfo=UTC),
                )
            ]
        items.append(
            d.AcknowledgementItem(
                line.sequence, line.ids, line.ordered_quantity, acks, net_cost=line.net_cost
            )
        )
    return d.Acknowledgement(
        po.number,
        vendor_party(),
        T0,
        items,
        purchase_order_date=po.date.date(),
        ship_to_party=fc_party(),
    )


def shipment(po=None, serial=1000):
    """PO line 1 on a pallet of two cartons, line 2 in one loose carton with a lot/expiry."""
    po = po or purchase_order(lines=2)
    items = [
        d.ShipmentItem("1", po.items[0].ids, d.Quantity(10), purchase_order_number=po.number),
        d.ShipmentItem(
            "2",
            po.items[1].ids,
            d.Quantity(20),
            purchase_order_number=po.number,
            lot=d.Lot("LOT-7", date(2025, 6, 30), date(2024, 1, 15)),
        ),
    ]
    c1 = d.Carton(
        "1",
        sscc(serial + 1),
        [d.ContainerItem("1", d.Quantity(6))],
        weight=d.Weight(Decimal("12.5")),
    )
    c2 = d.Carton("2", sscc(serial + 2), [d.ContainerItem("1", d.Quantity(4))])
    c3 = d.Carton(
        "3",
        sscc(serial + 3),
        [
            d.ContainerItem(
                "2", d.Quantity(20), d.Lot("LOT-7", date(2025, 6, 30), date(2024, 1, 15))
            )
        ],
    )
    pallet = d.Pallet(sscc(serial, ext=1), cartons=[c1, c2])
    return d.Shipment(
        shipment_id=f"ASN{serial}",
        confirmation_date=T0,
        shipped_date=T0,
        selling_party=d.Party("ACME1"),
        ship_from_party=vendor_party(),
        ship_to_party=fc_party(),
        items=items,
        pallets=[pallet],
        cartons=[c3],
        shipment_type="LessThanTruckLoad",
        carrier_scac="ABCD",
        pro_number="PRO123",
        bill_of_lading="BOL9",
        transportation_mode="Road",
        amazon_reference_number="ARN555",
        estimated_delivery_date=datetime(2024, 3, 7, 15, 0, tzinfo=UTC),
        gross_weight=d.Weight(Decimal("250.5"), "Lb"),
    )


def invoice(po=None):
    po = po or purchase_order(lines=2)
    items = [
        d.InvoiceItem(n, line.ids, d.Quantity(q), line.net_cost, purchase_order_number=po.number)
        for n, (line, q) in enumerate(zip(po.items, (10, 20), strict=True), start=1)
    ]
    freight = d.Charge("Freight", d.Money(Decimal("15.00")))
    discount = d.Charge("Discount", d.Money(Decimal("5.25")), is_allowance=True)
    tax = d.TaxDetail("ST", d.Money(Decimal("42.37")), Decimal("0.065"), d.Money(Decimal("651.85")))
    inv = d.Invoice(
        number="INV-1001",
        date=T0,
        remit_to_party=vendor_party(),
        total=d.Money(Decimal(0)),
        items=items,
        bill_to_party=d.Party("AMAZONUS"),
        ship_to_party=fc_party(),
        payment_terms=d.PaymentTerms("Basic", Decimal("2"), 10, 30),
        taxes=[tax],
        charges=[freight, discount],
        shipment_id="ASN1000",
    )
    inv.total = d.Money(inv.computed_total())
    return inv


def inventory():
    return d.InventoryAdvice(
        "INV20240304",
        T0,
        d.Party("ACME1"),
        [
            d.InventoryItem(
                d.ProductIds(asin="B0748G1A01", vendor_product_id="SKU-1"), d.Quantity(120)
            ),
            d.InventoryItem(d.ProductIds(ean="4006381333931"), d.Quantity(0), is_obsolete=True),
        ],
        warehouse_id="WH1",
    )


def po_change():
    return d.PurchaseOrderChange(
        "2JK3S9VC",
        "Change",
        T0,
        change_sequence="1",
        items=[
            d.PurchaseOrderChangeItem(
                "2",
                "QD",
                d.ProductIds(asin="B0748G1A02"),
                d.Quantity(15),
                net_cost=d.Money(Decimal("14.50")),
            ),
            d.PurchaseOrderChangeItem("3", "DI", d.ProductIds(asin="B0748G1A03"), d.Quantity(0)),
        ],
    )


def remittance():
    return d.Remittance(
        "PAY778899",
        date(2024, 4, 2),
        d.Money(Decimal("1180.00")),
        payer=d.Party("AMAZON", d.Address("Amazon.com Services LLC", "", "US")),
        payee=d.Party("ACME1", d.Address("Acme Supply Co", "", "US")),
        payment_method="ACH",
        lines=[
            d.RemittanceLine(
                "INV-1001",
                Decimal("700.00"),
                Decimal("710.00"),
                None,
                date(2024, 3, 4),
                "2JK3S9VC",
                [d.Deduction(Decimal("10.00"), "CS", reference="SHORT1")],
            ),
            d.RemittanceLine("INV-1002", Decimal("500.00"), Decimal("500.00")),
        ],
        deductions=[d.Deduction(Decimal("20.00"), "AJ", reference="COOP7")],
    )


def adjustment():
    return d.CreditDebitAdjustment(
        "CD5544",
        date(2024, 4, 1),
        "D",
        d.Money(Decimal("37.50")),
        invoice_number="INV-1001",
        purchase_order_number="2JK3S9VC",
        invoice_date=date(2024, 3, 4),
        parties=[("VN", d.Party("ACME1"))],
        lines=[
            d.AdjustmentLine(
                "01", "D", Decimal("25.00"), d.ProductIds(asin="B0748G1A01"), 2, Decimal("12.50")
            ),
            d.AdjustmentLine("02", "D", Decimal("12.50"), d.ProductIds(asin="B0748G1A02")),
        ],
    )


def activity():
    return d.ProductActivityReport(
        "ACME1",
        date(2024, 2, 25),
        date(2024, 3, 2),
        [
            d.ProductActivityLine(d.ProductIds(asin="B0748G1A01"), {"sold": 31, "on_hand": 90}),
            d.ProductActivityLine(d.ProductIds(asin="B0748G1A02"), {"sold": 4}, location="SEA8"),
        ],
        vendor_code="ACME1",
    )
