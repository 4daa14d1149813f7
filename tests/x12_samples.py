"""Domain objects and envelopes used by the X12 tests (fixed values: golden files stay stable)."""

from datetime import date, datetime, timezone
from decimal import Decimal

from acorn_vendor.core import domain, gs1
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
    return domain.Party(
        "ACME1",
        domain.Address(
            "Acme Supply Co", "1 Main St", "US", city="Seattle", state="WA", postal_code="98101"
        ),
    )


def fc_party():
    return domain.Party("SEA8")


def purchase_order(number="2JK3S9VC", lines=3):
    items = [
        domain.PurchaseOrderItem(
            str(n),
            domain.ProductIds(asin=f"B0748G1A{n:02d}", vendor_product_id=f"SKU-{n}"),
            domain.Quantity(10 * n),
            back_order_allowed=True,
            net_cost=domain.Money(Decimal("12.50") + n, "USD"),
        )
        for n in range(1, lines + 1)
    ]
    return domain.PurchaseOrder(
        number=number,
        date=datetime(2024, 3, 1, tzinfo=UTC),
        items=items,
        selling_party=domain.Party("ACME1"),
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
                domain.ItemAcknowledgement(
                    "Accepted",
                    domain.Quantity(15),
                    scheduled_ship_date=datetime(2024, 3, 6, tzinfo=UTC),
                ),
                domain.ItemAcknowledgement("Backordered", domain.Quantity(5)),
            ]
        else:
            acks = [
                domain.ItemAcknowledgement(
                    "Accepted",
                    domain.Quantity(line.ordered_quantity.amount),
                    scheduled_ship_date=datetime(2024, 3, 6, tzinfo=UTC),
                )
            ]
        items.append(
            domain.AcknowledgementItem(
                line.sequence, line.ids, line.ordered_quantity, acks, net_cost=line.net_cost
            )
        )
    return domain.Acknowledgement(
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
        domain.ShipmentItem(
            "1", po.items[0].ids, domain.Quantity(10), purchase_order_number=po.number
        ),
        domain.ShipmentItem(
            "2",
            po.items[1].ids,
            domain.Quantity(20),
            purchase_order_number=po.number,
            lot=domain.Lot("LOT-7", date(2025, 6, 30), date(2024, 1, 15)),
        ),
    ]
    c1 = domain.Carton(
        "1",
        sscc(serial + 1),
        [domain.ContainerItem("1", domain.Quantity(6))],
        weight=domain.Weight(Decimal("12.5")),
    )
    c2 = domain.Carton("2", sscc(serial + 2), [domain.ContainerItem("1", domain.Quantity(4))])
    c3 = domain.Carton(
        "3",
        sscc(serial + 3),
        [
            domain.ContainerItem(
                "2", domain.Quantity(20), domain.Lot("LOT-7", date(2025, 6, 30), date(2024, 1, 15))
            )
        ],
    )
    pallet = domain.Pallet(sscc(serial, ext=1), cartons=[c1, c2])
    return domain.Shipment(
        shipment_id=f"ASN{serial}",
        confirmation_date=T0,
        shipped_date=T0,
        selling_party=domain.Party("ACME1"),
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
        gross_weight=domain.Weight(Decimal("250.5"), "Lb"),
    )


def invoice(po=None):
    po = po or purchase_order(lines=2)
    items = [
        domain.InvoiceItem(
            n, line.ids, domain.Quantity(q), line.net_cost, purchase_order_number=po.number
        )
        for n, (line, q) in enumerate(zip(po.items, (10, 20), strict=True), start=1)
    ]
    freight = domain.Charge("Freight", domain.Money(Decimal("15.00")))
    discount = domain.Charge("Discount", domain.Money(Decimal("5.25")), is_allowance=True)
    tax = domain.TaxDetail(
        "ST", domain.Money(Decimal("42.37")), Decimal("0.065"), domain.Money(Decimal("651.85"))
    )
    inv = domain.Invoice(
        number="INV-1001",
        date=T0,
        remit_to_party=vendor_party(),
        total=domain.Money(Decimal(0)),
        items=items,
        bill_to_party=domain.Party("AMAZONUS"),
        ship_to_party=fc_party(),
        payment_terms=domain.PaymentTerms("Basic", Decimal("2"), 10, 30),
        taxes=[tax],
        charges=[freight, discount],
        shipment_id="ASN1000",
    )
    inv.total = domain.Money(inv.computed_total())
    return inv


def inventory():
    return domain.InventoryAdvice(
        "INV20240304",
        T0,
        domain.Party("ACME1"),
        [
            domain.InventoryItem(
                domain.ProductIds(asin="B0748G1A01", vendor_product_id="SKU-1"),
                domain.Quantity(120),
            ),
            domain.InventoryItem(
                domain.ProductIds(ean="4006381333931"), domain.Quantity(0), is_obsolete=True
            ),
        ],
        warehouse_id="WH1",
    )


def po_change():
    return domain.PurchaseOrderChange(
        "2JK3S9VC",
        "Change",
        T0,
        change_sequence="1",
        items=[
            domain.PurchaseOrderChangeItem(
                "2",
                "QD",
                domain.ProductIds(asin="B0748G1A02"),
                domain.Quantity(15),
                net_cost=domain.Money(Decimal("14.50")),
            ),
            domain.PurchaseOrderChangeItem(
                "3", "DI", domain.ProductIds(asin="B0748G1A03"), domain.Quantity(0)
            ),
        ],
    )


def remittance():
    return domain.Remittance(
        "PAY778899",
        date(2024, 4, 2),
        domain.Money(Decimal("1180.00")),
        payer=domain.Party("AMAZON", domain.Address("Amazon.com Services LLC", "", "US")),
        payee=domain.Party("ACME1", domain.Address("Acme Supply Co", "", "US")),
        payment_method="ACH",
        lines=[
            domain.RemittanceLine(
                "INV-1001",
                Decimal("700.00"),
                Decimal("710.00"),
                None,
                date(2024, 3, 4),
                "2JK3S9VC",
                [domain.Deduction(Decimal("10.00"), "CS", reference="SHORT1")],
            ),
            domain.RemittanceLine("INV-1002", Decimal("500.00"), Decimal("500.00")),
        ],
        deductions=[domain.Deduction(Decimal("20.00"), "AJ", reference="COOP7")],
    )


def adjustment():
    return domain.CreditDebitAdjustment(
        "CD5544",
        date(2024, 4, 1),
        "D",
        domain.Money(Decimal("37.50")),
        invoice_number="INV-1001",
        purchase_order_number="2JK3S9VC",
        invoice_date=date(2024, 3, 4),
        parties=[("VN", domain.Party("ACME1"))],
        lines=[
            domain.AdjustmentLine(
                "01",
                "D",
                Decimal("25.00"),
                domain.ProductIds(asin="B0748G1A01"),
                2,
                Decimal("12.50"),
            ),
            domain.AdjustmentLine(
                "02", "D", Decimal("12.50"), domain.ProductIds(asin="B0748G1A02")
            ),
        ],
    )


def activity():
    return domain.ProductActivityReport(
        "ACME1",
        date(2024, 2, 25),
        date(2024, 3, 2),
        [
            domain.ProductActivityLine(
                domain.ProductIds(asin="B0748G1A01"), {"sold": 31, "on_hand": 90}
            ),
            domain.ProductActivityLine(
                domain.ProductIds(asin="B0748G1A02"), {"sold": 4}, location="SEA8"
            ),
        ],
        vendor_code="ACME1",
    )
