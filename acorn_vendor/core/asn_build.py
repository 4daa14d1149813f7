"""Build the ASN (a domain Shipment) of one delivery from plain data.

The Odoo picking hands over what it knows in a few bulk reads: the done quantities of its
move lines (product, PO, package, lot), the packages (SSCC, pallet or carton, which pallet a
carton sits on, weight, dimensions, tracking number) and the products (Amazon identifiers,
weight and volume per each). Everything else, grouping into ASN lines, cartons and pallets,
Amazon's shipment structure, weights and volume, happens here, without the ORM, so it is
tested in isolation and stays fast for thousands of cartons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from .domain import (
    Carton,
    ContainerItem,
    Dimensions,
    Lot,
    Pallet,
    Party,
    ProductIds,
    Quantity,
    Shipment,
    ShipmentItem,
    Volume,
    Weight,
)

STRUCTURES = (
    "PalletizedAssortmentCase",
    "LooseAssortmentCase",
    "PalletOfItems",
    "PalletizedStandardCase",
    "LooseStandardCase",
    "MasterPallet",
    "MasterCase",
)


@dataclass(frozen=True)
class AsnProduct:
    """A product as Amazon knows it, with per-each weight/volume in the shipment's units."""

    ids: ProductIds
    lot_tracked: bool = False
    weight: Decimal | None = None
    volume: Decimal | None = None


@dataclass(frozen=True)
class PackedQuantity:
    """Eaches of one product, for one PO, in one package (None: not packed), of one lot."""

    product: object  # key into the products mapping (the Odoo product id)
    quantity: int
    purchase_order_number: str | None
    package: object = None  # key into the packages mapping (the Odoo package id)
    lot_number: str | None = None
    expiry_date: date | None = None


@dataclass(frozen=True)
class AsnPackage:
    """A carton, or a pallet (``is_pallet``); a carton may sit on ``pallet``."""

    sscc: str | None
    is_pallet: bool = False
    pallet: object = None
    weight: Decimal | None = None  # measured (Odoo's shipping weight); else computed
    dimensions: Dimensions | None = None
    tracking_number: str | None = None


@dataclass
class AsnHeader:
    shipment_id: str
    shipped_date: datetime
    confirmation_date: datetime
    selling_party: Party
    ship_from_party: Party
    ship_to_party: Party
    confirmation_type: str = "Original"
    shipment_type: str | None = None
    shipment_structure: str | None = None  # None: inferred from the packages
    carrier_scac: str | None = None
    bill_of_lading: str | None = None
    pro_number: str | None = None
    transportation_mode: str | None = "Road"
    estimated_delivery_date: datetime | None = None
    weight_unit: str = "Kg"
    volume_unit: str = "CuM"
    amazon_reference_number: str | None = None
    extra: dict = field(default_factory=dict)


def _sequence(n):
    return f"{n:03d}"


def _add(mapping, key, value):
    mapping[key] = mapping.get(key, 0) + value


def build_shipment(header, lines, packages, products):
    """The domain Shipment for ``lines`` (PackedQuantity) packed in ``packages``
    ({key: AsnPackage}) of ``products`` ({key: AsnProduct}).

    One ASN line per (PO, product, lot) in first-seen order; one carton per non-pallet
    package, on its pallet when it has one; a pallet holds its cartons and any eaches packed
    straight onto it. Raises ValueError naming an unknown product or package key, since that
    is a bug in the caller, not a shipping mistake.
    """
    items, item_of = [], {}
    contents = {}  # package key -> {item sequence: (eaches, lot)}
    weight_of, volume = {}, Decimal(0)
    loose_weight = Decimal(0)
    for line in lines:
        if line.quantity <= 0:
            continue
        product = products.get(line.product)
        if product is None:
            raise ValueError(f"ASN {header.shipment_id}: product {line.product!r} is unknown")
        if line.package is not None and line.package not in packages:
            raise ValueError(f"ASN {header.shipment_id}: package {line.package!r} is unknown")
        lot = None
        if line.lot_number or line.expiry_date:
            lot = Lot(lot_number=line.lot_number, expiry_date=line.expiry_date)
        key = (line.purchase_order_number, line.product, line.lot_number if lot else None)
        item = item_of.get(key)
        if item is None:
            item = ShipmentItem(
                sequence=_sequence(len(items) + 1),
                ids=product.ids,
                quantity=Quantity(0, "Eaches", 1),
                purchase_order_number=line.purchase_order_number,
                lot=lot,
            )
            item_of[key] = item
            items.append(item)
        item.quantity.amount += line.quantity
        weight = (product.weight or 0) * line.quantity
        volume += (product.volume or 0) * line.quantity
        if line.package is None:
            loose_weight += weight
            continue
        packed = contents.setdefault(line.package, {})
        amount, _lot = packed.get(item.sequence, (0, lot))
        packed[item.sequence] = (amount + line.quantity, lot)
        _add(weight_of, line.package, weight)

    def container_items(key):
        return [
            ContainerItem(seq, Quantity(amount, "Eaches", 1), lot)
            for seq, (amount, lot) in contents.get(key, {}).items()
        ]

    pallet_keys = [k for k, p in packages.items() if p.is_pallet]
    carton_keys = [k for k, p in packages.items() if not p.is_pallet]
    for key in carton_keys:
        pallet = packages[key].pallet
        if pallet is not None and (pallet not in packages or not packages[pallet].is_pallet):
            raise ValueError(
                f"ASN {header.shipment_id}: carton {packages[key].sscc or key} sits on "
                f"{pallet!r}, which is not a pallet of this shipment"
            )

    def weight(key, computed):
        pkg = packages[key]
        value = pkg.weight if pkg.weight else computed
        if not value:
            return None
        return Weight(Decimal(value).quantize(Decimal("0.01")), header.weight_unit)

    cartons, on_pallet = {}, {k: [] for k in pallet_keys}
    for n, key in enumerate(carton_keys, 1):
        pkg = packages[key]
        carton = Carton(
            sequence=_sequence(n),
            sscc=pkg.sscc,
            items=container_items(key),
            weight=weight(key, weight_of.get(key, 0)),
            dimensions=pkg.dimensions,
            tracking_number=pkg.tracking_number,
        )
        cartons[key] = carton
        if pkg.pallet is not None:
            on_pallet[pkg.pallet].append(carton)
    pallets = []
    for key in pallet_keys:
        pkg = packages[key]
        inside = on_pallet[key]
        computed = weight_of.get(key, 0) + sum(
            (c.weight.value for c in inside if c.weight), Decimal(0)
        )
        pallets.append(
            Pallet(
                sscc=pkg.sscc,
                cartons=inside,
                items=container_items(key),
                weight=weight(key, computed),
                dimensions=pkg.dimensions,
            )
        )
    loose = [cartons[k] for k in carton_keys if packages[k].pallet is None]
    gross = sum((p.weight.value for p in pallets if p.weight), Decimal(0))
    gross += sum((c.weight.value for c in loose if c.weight), Decimal(0)) + loose_weight
    return Shipment(
        shipment_id=header.shipment_id,
        confirmation_date=header.confirmation_date,
        shipped_date=header.shipped_date,
        selling_party=header.selling_party,
        ship_from_party=header.ship_from_party,
        ship_to_party=header.ship_to_party,
        items=items,
        pallets=pallets,
        cartons=loose,
        confirmation_type=header.confirmation_type,
        shipment_type=header.shipment_type,
        shipment_structure=header.shipment_structure or infer_structure(pallets, loose),
        carrier_scac=header.carrier_scac or None,
        pro_number=header.pro_number or None,
        bill_of_lading=header.bill_of_lading or None,
        transportation_mode=header.transportation_mode,
        amazon_reference_number=header.amazon_reference_number,
        estimated_delivery_date=header.estimated_delivery_date,
        gross_weight=Weight(gross.quantize(Decimal("0.01")), header.weight_unit) if gross else None,
        volume=Volume(volume.quantize(Decimal("0.001")), header.volume_unit) if volume else None,
    )


def _single_product(carton):
    return len(carton.items) <= 1


def infer_structure(pallets, loose_cartons):
    """Amazon's shipmentStructure from what is packed where.

    Pallets of cartons: Palletized*Case, *Standard* when every carton holds one product;
    pallets holding eaches but no cartons: PalletOfItems; cartons only: Loose*Case.
    MasterPallet/MasterCase (pallets of pallets, cases of cases) are never inferred: Odoo's
    packages do not nest that deep, so a person chooses them on the picking.
    """
    cartons = [c for p in pallets for c in p.cartons] + list(loose_cartons)
    standard = bool(cartons) and all(_single_product(c) for c in cartons)
    if pallets:
        if not cartons:
            return "PalletOfItems"
        return "PalletizedStandardCase" if standard else "PalletizedAssortmentCase"
    if cartons:
        return "LooseStandardCase" if standard else "LooseAssortmentCase"
    return None


def done_by_product(lines, products):
    """Eaches per product key (ASIN, else SKU/EAN) as AsnContext.picking_done expects."""
    done = {}
    for line in lines:
        ids = products[line.product].ids
        _add(done, ids.asin or ids.vendor_identifier(), line.quantity)
    return done
