"""Domain objects used by the EDIFACT tests (fixed values, so golden files stay stable)."""

from datetime import date, datetime, timezone
from decimal import Decimal

from acorn_vendor.core import domain, gs1

UTC = timezone.utc
T0 = datetime(2024, 3, 4, 10, 30, tzinfo=UTC)
VENDOR = "4012345000009"
AMAZON = "5450534000000"
FC = "4049225000004"


def addr(name="Acme Vertriebs GmbH", city="Köln"):
    return domain.Address(
        name=name, line1="Hauptstraße 1", city=city, postal_code="50667", country_code="DE"
    )


def purchase_order(number="8XJ4K2P1"):
    return domain.PurchaseOrder(
        number=number,
        date=datetime(2024, 3, 1, tzinfo=UTC),
        items=[
            domain.PurchaseOrderItem(
                "1",
                domain.ProductIds(asin="B07XJ8C8F5", ean="4006381333931"),
                domain.Quantity(24),
                net_cost=domain.Money(Decimal("12.50"), "EUR"),
            ),
            domain.PurchaseOrderItem(
                "2",
                domain.ProductIds(
                    asin="B01N5IB20Q", ean="4000862141404", vendor_product_id="SKU-2"
                ),
                domain.Quantity(10),
                net_cost=domain.Money(Decimal("3.99"), "EUR"),
            ),
        ],
        buying_party=domain.Party(AMAZON),
        selling_party=domain.Party(VENDOR),
        ship_to_party=domain.Party(FC, addr("Amazon FC DTM2", "Dortmund")),
        bill_to_party=domain.Party(
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
                domain.ItemAcknowledgement(
                    "Accepted",
                    domain.Quantity(line.ordered_quantity.amount),
                    scheduled_ship_date=datetime(2024, 3, 8, tzinfo=UTC),
                )
            ]
        else:
            acks = [
                domain.ItemAcknowledgement("Accepted", domain.Quantity(6)),
                domain.ItemAcknowledgement("Backordered", domain.Quantity(2)),
                domain.ItemAcknowledgement(
                    "Rejected", domain.Quantity(2), rejection_reason="TemporarilyUnavailable"
                ),
            ]
        items.append(
            domain.AcknowledgementItem(
                line.sequence, line.ids, line.ordered_quantity, acks, net_cost=line.net_cost
            )
        )
    return domain.Acknowledgement(
        po.number,
        domain.Party(VENDOR),
        T0,
        items,
        purchase_order_date=date(2024, 3, 1),
        ship_to_party=domain.Party(FC),
    )


def sscc(serial):
    return gs1.build_sscc(0, "4012345", serial)


def shipment(po, shipment_id="ASN-1001", serial_base=1):
    items = [
        domain.ShipmentItem(
            line.sequence, line.ids, domain.Quantity(line.ordered_quantity.amount), po.number
        )
        for line in po.items
    ]
    c1 = domain.Carton("1", sscc(serial_base + 1), [domain.ContainerItem("1", domain.Quantity(12))])
    c2 = domain.Carton(
        "2",
        sscc(serial_base + 2),
        [
            domain.ContainerItem("1", domain.Quantity(12)),
            domain.ContainerItem("2", domain.Quantity(4)),
        ],
    )
    c3 = domain.Carton(
        "3",
        sscc(serial_base + 3),
        [domain.ContainerItem("2", domain.Quantity(6), domain.Lot("L123", date(2025, 1, 31)))],
    )
    pallet = domain.Pallet(
        sscc(serial_base), cartons=[c1, c2], weight=domain.Weight(Decimal("180.5"), "Kg")
    )
    return domain.Shipment(
        shipment_id=shipment_id,
        confirmation_date=T0,
        shipped_date=T0,
        selling_party=domain.Party(VENDOR),
        ship_from_party=domain.Party(VENDOR, addr()),
        ship_to_party=domain.Party(FC),
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
            domain.InvoiceItem(
                n,
                line.ids,
                domain.Quantity(line.ordered_quantity.amount),
                line.net_cost,
                purchase_order_number=po.number,
                taxes=[domain.TaxDetail("VAT", domain.Money(tax_amount, "EUR"), Decimal("0.19"))],
            )
        )
    inv = domain.Invoice(
        number=number,
        date=T0,
        remit_to_party=domain.Party(VENDOR, addr(), "VAT", "DE123456789"),
        total=domain.Money(Decimal(0), "EUR"),
        items=items,
        bill_to_party=domain.Party(AMAZON),
        ship_to_party=domain.Party(FC),
        payment_terms=domain.PaymentTerms(net_due_days=60),
        shipment_id="ASN-1001",
    )
    inv.total = domain.Money(inv.computed_total(), "EUR")
    return inv


def inventory():
    return domain.InventoryAdvice(
        "INV-RPT-7",
        T0,
        domain.Party(VENDOR),
        [
            domain.InventoryItem(
                domain.ProductIds(ean="4006381333931", vendor_product_id="SKU-1"),
                domain.Quantity(120),
            ),
            domain.InventoryItem(domain.ProductIds(ean="4000862141404"), domain.Quantity(0)),
        ],
        warehouse_id="WH1",
    )


def sales_report():
    return domain.ProductActivityReport(
        "SR-2024-10",
        date(2024, 3, 1),
        date(2024, 3, 7),
        [
            domain.ProductActivityLine(
                domain.ProductIds(ean="4006381333931", asin="B07XJ8C8F5"),
                {"sold": 17, "on_hand": 40},
                "DTM2",
            ),
            domain.ProductActivityLine(domain.ProductIds(ean="4000862141404"), {"sold": 3}, "DTM2"),
        ],
        vendor_code="ACMEV",
    )


def builders():
    """A message of every type Acorn writes, built from the samples above, by message type."""
    from acorn_vendor_edi.core import edifact

    po = purchase_order()
    return {
        "ORDERS": edifact.render_orders(po),
        "ORDRSP": edifact.render_ordrsp(acknowledgement(po)),
        "DESADV": edifact.render_desadv(shipment(po)),
        "INVOIC": edifact.render_invoic(invoice(po)),
        "INVRPT": edifact.render_invrpt(inventory()),
        "SLSRPT": edifact.render_slsrpt(sales_report()),
    }
