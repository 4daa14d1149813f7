"""Domain objects used by the EDIFACT tests (fixed values, so golden files stay stable)."""

from datetime import date, datetime, timezone
from decimal import Decimal

from acorn_vendor.core import domain as d
from acorn_vendor.core import gs1

UTC = timezone.utc
T0 = datetime(2024, 3, 4, 10, 30, tzinfo=UTC)
VENDOR = "4012345000009"
AMAZON = "5450534000000"
FC = "4049225000004"


def addr(name="Acme Vertriebs GmbH", city="Köln"):
    return d.Address(
        name=name, line1="Hauptstraße 1", city=city, postal_code="50667", country_code="DE"
    )


def purchase_order(number="8XJ4K2P1"):
    return d.PurchaseOrder(
        number=number,
        date=datetime(2024, 3, 1, tzinfo=UTC),
        items=[
            d.PurchaseOrderItem(
                "1",
                d.ProductIds(asin="B07XJ8C8F5", ean="4006381333931"),
                d.Quantity(24),
                net_cost=d.Money(Decimal("12.50"), "EUR"),
            ),
            d.PurchaseOrderItem(
                "2",
                d.ProductIds(asin="B01N5IB20Q", ean="4000862141404", vendor_product_id="SKU-2"),
                d.Quantity(10),
                net_cost=d.Money(Decimal("3.99"), "EUR"),
            ),
        ],
        buying_party=d.Party(AMAZON),
        selling_party=d.Party(VENDOR),
        ship_to_party=d.Party(FC, addr("Amazon FC DTM2", "Dortmund")),
        bill_to_party=d.Party(
            AMAZON, tax_registration_type="VAT", tax_registration_number="DE814584193"
        ),
        delivery_window=(datetime(2024, 3, 10, tzinfo=UTC), datetime(2024, 3, 14, tzinfo=UTC)),
        currency="EUR",
        deal_code="DEAL42",
        notes=["Bitte Lieferfenster beachten"],
    )


def acknowledgement(po):
    items = []
    for line in po.items:
        if line.sequence == "1":
            acks = [
                d.ItemAcknowledgement(
                    "Accepted",
                    d.Quantity(line.ordered_quantity.amount),
                    scheduled_ship_date=datetime(2024, 3, 8, tzinfo=UTC),
                )
            ]
        else:
            acks = [
                d.ItemAcknowledgement("Accepted", d.Quantity(6)),
                d.ItemAcknowledgement("Backordered", d.Quantity(2)),
                d.ItemAcknowledgement(
                    "Rejected", d.Quantity(2), rejection_reason="TemporarilyUnavailable"
                ),
            ]
        items.append(
            d.AcknowledgementItem(
                line.sequence, line.ids, line.ordered_quantity, acks, net_cost=line.net_cost
            )
        )
    return d.Acknowledgement(
        po.number,
        d.Party(VENDOR),
        T0,
        items,
        purchase_order_date=date(2024, 3, 1),
        ship_to_party=d.Party(FC),
    )


def sscc(serial):
    return gs1.build_sscc(0, "4012345", serial)


def shipment(po, shipment_id="ASN-1001", serial_base=1):
    items = [
        d.ShipmentItem(line.sequence, line.ids, d.Quantity(line.ordered_quantity.amount), po.number)
        for line in po.items
    ]
    c1 = d.Carton("1", sscc(serial_base + 1), [d.ContainerItem("1", d.Quantity(12))])
    c2 = d.Carton(
        "2",
        sscc(serial_base + 2),
        [d.ContainerItem("1", d.Quantity(12)), d.ContainerItem("2", d.Quantity(4))],
    )
    c3 = d.Carton(
        "3",
        sscc(serial_base + 3),
        [d.ContainerItem("2", d.Quantity(6), d.Lot("L123", date(2025, 1, 31)))],
    )
    pallet = d.Pallet(sscc(serial_base), cartons=[c1, c2], weight=d.Weight(Decimal("180.5"), "Kg"))
    return d.Shipment(
        shipment_id=shipment_id,
        confirmation_date=T0,
        shipped_date=T0,
        selling_party=d.Party(VENDOR),
        ship_from_party=d.Party(VENDOR, addr()),
        ship_to_party=d.Party(FC),
        items=items,
        pallets=[pallet],
        cartons=[c3],
        carrier_scac="DHLX",
        transportation_mode="Road",
        bill_of_lading="BOL77",
        estimated_delivery_date=datetime(2024, 3, 6, 8, 0, tzinfo=UTC),
    )


def invoice(po, number="INV-2024-001"):
    items = []
    for n, line in enumerate(po.items, 1):
        tax_amount = (
            line.net_cost.amount * line.ordered_quantity.amount * Decimal("0.19")
        ).quantize(Decimal("0.01"))
        items.append(
            d.InvoiceItem(
                n,
                line.ids,
                d.Quantity(line.ordered_quantity.amount),
                line.net_cost,
                purchase_order_number=po.number,
                taxes=[d.TaxDetail("VAT", d.Money(tax_amount, "EUR"), Decimal("0.19"))],
            )
        )
    inv = d.Invoice(
        number=number,
        date=T0,
        remit_to_party=d.Party(VENDOR, addr(), "VAT", "DE123456789"),
        total=d.Money(Decimal(0), "EUR"),
        items=items,
        bill_to_party=d.Party(AMAZON),
        ship_to_party=d.Party(FC),
        payment_terms=d.PaymentTerms(net_due_days=60),
        shipment_id="ASN-1001",
    )
    inv.total = d.Money(inv.computed_total(), "EUR")
    return inv


def inventory():
    return d.InventoryAdvice(
        "INV-RPT-7",
        T0,
        d.Party(VENDOR),
        [
            d.InventoryItem(
                d.ProductIds(ean="4006381333931", vendor_product_id="SKU-1"), d.Quantity(120)
            ),
            d.InventoryItem(d.ProductIds(ean="4000862141404"), d.Quantity(0)),
        ],
        warehouse_id="WH1",
    )


def sales_report():
    return d.ProductActivityReport(
        "SR-2024-10",
        date(2024, 3, 1),
        date(2024, 3, 7),
        [
            d.ProductActivityLine(
                d.ProductIds(ean="4006381333931", asin="B07XJ8C8F5"),
                {"sold": 17, "on_hand": 40},
                "DTM2",
            ),
            d.ProductActivityLine(d.ProductIds(ean="4000862141404"), {"sold": 3}, "DTM2"),
        ],
        vendor_code="ACMEV",
    )


def builders():
    """A message of every type Acorn writes, built from the samples above, by message type."""
    from acorn_vendor_edi.core import edifact as e

    po = purchase_order()
    return {
        "ORDERS": e.render_orders(po),
        "ORDRSP": e.render_ordrsp(acknowledgement(po)),
        "DESADV": e.render_desadv(shipment(po)),
        "INVOIC": e.render_invoic(invoice(po)),
        "INVRPT": e.render_invrpt(inventory()),
        "SLSRPT": e.render_slsrpt(sales_report()),
    }
