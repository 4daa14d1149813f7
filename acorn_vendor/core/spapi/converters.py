"""SP-API JSON <-> the shared domain objects (``acorn_vendor.core.domain``).

The domain is the same for both transports; only the SP-API speaks this JSON, so its converters
live beside the client. Field names map 1:1 to Amazon's vendorOrders, vendorShipments and
vendorInvoices models; the ``*_from_spapi`` readers of what Acorn sends let the EDI channel turn
stored payloads back into documents.
"""

from datetime import datetime, timezone
from decimal import Decimal

from ..domain import (
    Acknowledgement,
    AcknowledgementItem,
    Address,
    Carton,
    Charge,
    ContainerItem,
    CreditNoteDetails,
    Dimensions,
    ImportDetails,
    Invoice,
    InvoiceItem,
    ItemAcknowledgement,
    Lot,
    Money,
    Pallet,
    Party,
    PaymentTerms,
    ProductIds,
    PurchaseOrder,
    PurchaseOrderItem,
    Quantity,
    Shipment,
    ShipmentItem,
    TaxDetail,
    Weight,
    decimal_str,
)

UTC = timezone.utc


# --------------------------------------------------------------------------------------------
# SP-API JSON converters
# --------------------------------------------------------------------------------------------


def parse_datetime(value):
    """SP-API date-time (``Z``, an offset or naive = UTC, per Amazon's DF docs) -> aware UTC."""
    if value is None:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_datetime(value):
    """Aware datetime -> ``YYYY-MM-DDTHH:MM:SSZ`` (UTC); a date becomes midnight UTC."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: the domain only holds UTC-aware datetimes")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_interval(value):
    """``start--end`` (Amazon's DateTimeInterval) -> (start, end)."""
    if not value:
        return None
    start, sep, end = value.partition("--")
    if not sep:
        raise ValueError(f"date-time interval {value!r} has no '--' separator")
    return parse_datetime(start), parse_datetime(end)


def format_interval(interval):
    if not interval:
        return None
    return f"{format_datetime(interval[0])}--{format_datetime(interval[1])}"


def _drop_none(data):
    return {k: v for k, v in data.items() if v is not None and v != [] and v != {}}


def money_from_spapi(data):
    if not data:
        return None
    return Money(Decimal(data["amount"]), data.get("currencyCode") or "USD")


def money_to_spapi(money):
    if money is None:
        return None
    return {"currencyCode": money.currency, "amount": decimal_str(money.amount)}


# Amazon's own sandbox sends "CASES"/"EACHES" at times; the model spells Cases/Eaches.
_UNITS = {"cases": "Cases", "eaches": "Eaches"}


def quantity_from_spapi(data):
    unit = data.get("unitOfMeasure", "Eaches")
    if unit not in ("Eaches", "Cases"):  # the usual spellings skip the lookup
        unit = _UNITS.get(str(unit).lower(), unit)
    return Quantity(int(data["amount"]), unit, data.get("unitSize"))


def quantity_to_spapi(qty):
    return _drop_none(
        {"amount": int(qty.amount), "unitOfMeasure": qty.unit, "unitSize": qty.unit_size}
    )


def address_from_spapi(data):
    if not data:
        return None
    return Address(
        name=data.get("name", ""),
        line1=data.get("addressLine1", ""),
        country_code=data.get("countryCode", ""),
        line2=data.get("addressLine2"),
        line3=data.get("addressLine3"),
        city=data.get("city"),
        county=data.get("county"),
        district=data.get("district"),
        state=data.get("stateOrRegion"),
        postal_code=data.get("postalCode") or data.get("postalOrZipCode"),
        phone=data.get("phone"),
    )


def address_to_spapi(addr, postal_key="postalCode"):
    if addr is None:
        return None
    return _drop_none(
        {
            "name": addr.name,
            "addressLine1": addr.line1,
            "addressLine2": addr.line2,
            "addressLine3": addr.line3,
            "city": addr.city,
            "county": addr.county,
            "district": addr.district,
            "stateOrRegion": addr.state,
            postal_key: addr.postal_code,
            "countryCode": addr.country_code,
            "phone": addr.phone,
        }
    )


def party_from_spapi(data):
    if not data:
        return None
    tax = data.get("taxInfo") or (data.get("taxRegistrationDetails") or [None])[0] or {}
    return Party(
        party_id=data["partyId"],
        address=address_from_spapi(data.get("address")),
        tax_registration_type=tax.get("taxRegistrationType"),
        tax_registration_number=tax.get("taxRegistrationNumber"),
    )


def party_to_spapi(party, tax_style="taxInfo", postal_key="postalCode"):
    """``tax_style``: vendorOrders uses a ``taxInfo`` object, shipments/invoices a list."""
    if party is None:
        return None
    data = {"partyId": party.party_id, "address": address_to_spapi(party.address, postal_key)}
    if party.tax_registration_number:
        tax = {
            "taxRegistrationType": party.tax_registration_type or "VAT",
            "taxRegistrationNumber": party.tax_registration_number,
        }
        data[tax_style] = tax if tax_style == "taxInfo" else [tax]
    return _drop_none(data)


def purchase_order_from_spapi(data):
    """An SP-API ``Order`` (getPurchaseOrder payload) -> PurchaseOrder."""
    details = data.get("orderDetails") or {}
    items = []
    for raw in details.get("items", []):
        net_cost = money_from_spapi(raw.get("netCost"))
        items.append(
            PurchaseOrderItem(
                sequence=str(raw["itemSequenceNumber"]),
                ids=ProductIds(
                    asin=raw.get("amazonProductIdentifier"),
                    vendor_product_id=raw.get("vendorProductIdentifier"),
                ),
                ordered_quantity=quantity_from_spapi(raw["orderedQuantity"]),
                back_order_allowed=bool(raw.get("isBackOrderAllowed", False)),
                net_cost=net_cost,
                list_price=money_from_spapi(raw.get("listPrice")),
            )
        )
    imp = details.get("importDetails")
    currency = next((i.net_cost.currency for i in items if i.net_cost), None)
    return PurchaseOrder(
        number=data["purchaseOrderNumber"],
        state=data.get("purchaseOrderState", "New"),
        date=parse_datetime(details.get("purchaseOrderDate")),
        changed_date=parse_datetime(details.get("purchaseOrderChangedDate")),
        state_changed_date=parse_datetime(details.get("purchaseOrderStateChangedDate")),
        order_type=details.get("purchaseOrderType"),
        payment_method=details.get("paymentMethod"),
        deal_code=details.get("dealCode"),
        import_details=ImportDetails(
            method_of_payment=imp.get("methodOfPayment"),
            incoterms=imp.get("internationalCommercialTerms"),
            port_of_delivery=imp.get("portOfDelivery"),
            import_containers=imp.get("importContainers"),
            shipping_instructions=imp.get("shippingInstructions"),
        )
        if imp
        else None,
        buying_party=party_from_spapi(details.get("buyingParty")),
        selling_party=party_from_spapi(details.get("sellingParty")),
        ship_to_party=party_from_spapi(details.get("shipToParty")),
        bill_to_party=party_from_spapi(details.get("billToParty")),
        ship_window=parse_interval(details.get("shipWindow")),
        delivery_window=parse_interval(details.get("deliveryWindow")),
        currency=currency,
        items=items,
    )


def purchase_order_to_spapi(po):
    """PurchaseOrder -> SP-API ``Order`` (what the sandbox serves and EDI-parsed POs look like)."""
    imp = po.import_details
    details = {
        "purchaseOrderDate": format_datetime(po.date),
        "purchaseOrderChangedDate": format_datetime(po.changed_date),
        "purchaseOrderStateChangedDate": format_datetime(po.state_changed_date or po.date),
        "purchaseOrderType": po.order_type,
        "importDetails": _drop_none(
            {
                "methodOfPayment": imp.method_of_payment,
                "internationalCommercialTerms": imp.incoterms,
                "portOfDelivery": imp.port_of_delivery,
                "importContainers": imp.import_containers,
                "shippingInstructions": imp.shipping_instructions,
            }
        )
        if imp
        else None,
        "dealCode": po.deal_code,
        "paymentMethod": po.payment_method,
        "buyingParty": party_to_spapi(po.buying_party),
        "sellingParty": party_to_spapi(po.selling_party),
        "shipToParty": party_to_spapi(po.ship_to_party),
        "billToParty": party_to_spapi(po.bill_to_party),
        "shipWindow": format_interval(po.ship_window),
        "deliveryWindow": format_interval(po.delivery_window),
        "items": [
            _drop_none(
                {
                    "itemSequenceNumber": item.sequence,
                    "amazonProductIdentifier": item.ids.asin,
                    "vendorProductIdentifier": item.ids.vendor_identifier(),
                    "orderedQuantity": quantity_to_spapi(item.ordered_quantity),
                    "isBackOrderAllowed": item.back_order_allowed,
                    "netCost": money_to_spapi(item.net_cost),
                    "listPrice": money_to_spapi(item.list_price),
                }
            )
            for item in po.items
        ],
    }
    details = _drop_none(details)
    details.setdefault("items", [])
    return {
        "purchaseOrderNumber": po.number,
        "purchaseOrderState": po.state,
        "orderDetails": details,
    }


def acknowledgement_to_spapi(ack):
    """Acknowledgement -> SP-API ``OrderAcknowledgement`` (one entry of submitAcknowledgement)."""
    items = []
    for item in ack.items:
        lines = [
            _drop_none(
                {
                    "acknowledgementCode": a.code,
                    "acknowledgedQuantity": quantity_to_spapi(a.quantity),
                    "scheduledShipDate": format_datetime(a.scheduled_ship_date),
                    "scheduledDeliveryDate": format_datetime(a.scheduled_delivery_date),
                    "rejectionReason": a.rejection_reason,
                }
            )
            for a in item.acknowledgements
        ]
        entry = _drop_none(
            {
                "itemSequenceNumber": item.sequence,
                "amazonProductIdentifier": item.ids.asin,
                "vendorProductIdentifier": item.ids.vendor_identifier(),
                "orderedQuantity": quantity_to_spapi(item.ordered_quantity),
                "netCost": money_to_spapi(item.net_cost),
                "listPrice": money_to_spapi(item.list_price),
                "discountMultiplier": item.discount_multiplier,
            }
        )
        entry["itemAcknowledgements"] = lines
        items.append(entry)
    return {
        "purchaseOrderNumber": ack.purchase_order_number,
        "sellingParty": party_to_spapi(ack.selling_party),
        "acknowledgementDate": format_datetime(ack.date),
        "items": items,
    }


def _weight_to_spapi(weight):
    if weight is None:
        return None
    return {"unitOfMeasure": weight.unit, "value": decimal_str(weight.value)}


def _volume_to_spapi(volume):
    if volume is None:
        return None
    return {"unitOfMeasure": volume.unit, "value": decimal_str(volume.value)}


def _dimensions_to_spapi(dim):
    if dim is None:
        return None
    return {
        "length": decimal_str(dim.length),
        "width": decimal_str(dim.width),
        "height": decimal_str(dim.height),
        "unitOfMeasure": dim.unit,
    }


def _item_details_to_spapi(lot, po_number=None, origin=None, handling=None):
    expiry = None
    if lot and (lot.expiry_date or lot.manufacture_date):
        expiry = _drop_none(
            {
                "manufacturerDate": format_datetime(lot.manufacture_date),
                "expiryDate": format_datetime(lot.expiry_date),
            }
        )
    return _drop_none(
        {
            "purchaseOrderNumber": po_number,
            "lotNumber": lot.lot_number if lot else None,
            "countryOfOrigin": origin,
            "expiry": expiry,
            "handlingCode": handling,
        }
    )


def _container_items_to_spapi(items):
    return [
        _drop_none(
            {
                "itemReference": ci.item_sequence,
                "shippedQuantity": quantity_to_spapi(ci.quantity),
                "itemDetails": _item_details_to_spapi(ci.lot),
            }
        )
        for ci in items
    ]


def _carton_to_spapi(carton):
    ids = []
    if carton.sscc:
        ids.append(
            {"containerIdentificationType": "SSCC", "containerIdentificationNumber": carton.sscc}
        )
    for kind, value in carton.other_ids.items():
        ids.append({"containerIdentificationType": kind, "containerIdentificationNumber": value})
    data = _drop_none(
        {
            "cartonIdentifiers": ids,
            "cartonSequenceNumber": carton.sequence,
            "dimensions": _dimensions_to_spapi(carton.dimensions),
            "weight": _weight_to_spapi(carton.weight),
            "trackingNumber": carton.tracking_number,
        }
    )
    data["items"] = _container_items_to_spapi(carton.items)  # required, even when empty
    return data


def shipment_confirmation_to_spapi(asn):
    """Shipment -> SP-API ``ShipmentConfirmation`` (one entry of submitShipmentConfirmations)."""
    transport = _drop_none(
        {
            "carrierScac": asn.carrier_scac,
            "carrierShipmentReferenceNumber": asn.pro_number,
            "transportationMode": asn.transportation_mode,
            "billOfLadingNumber": asn.bill_of_lading,
        }
    )
    cartons = asn.all_cartons()
    measurements = _drop_none(
        {
            "grossShipmentWeight": _weight_to_spapi(asn.gross_weight),
            "shipmentVolume": _volume_to_spapi(asn.volume),
            "cartonCount": len(cartons) or None,
            "palletCount": len(asn.pallets) or None,
        }
    )
    pallets = []
    for pallet in asn.pallets:
        entry = {
            "palletIdentifiers": [
                {
                    "containerIdentificationType": "SSCC",
                    "containerIdentificationNumber": pallet.sscc,
                }
            ],
            "tier": pallet.tier,
            "block": pallet.block,
            "dimensions": _dimensions_to_spapi(pallet.dimensions),
            "weight": _weight_to_spapi(pallet.weight),
            "items": _container_items_to_spapi(pallet.items),
        }
        if pallet.cartons:
            entry["cartonReferenceDetails"] = {
                "cartonCount": len(pallet.cartons),
                "cartonReferenceNumbers": [c.sequence for c in pallet.cartons],
            }
        pallets.append(_drop_none(entry))
    return _drop_none(
        {
            "shipmentIdentifier": asn.shipment_id,
            "shipmentConfirmationType": asn.confirmation_type,
            "shipmentType": asn.shipment_type,
            "shipmentStructure": asn.shipment_structure,
            "transportationDetails": transport,
            "amazonReferenceNumber": asn.amazon_reference_number,
            "shipmentConfirmationDate": format_datetime(asn.confirmation_date),
            "shippedDate": format_datetime(asn.shipped_date),
            "estimatedDeliveryDate": format_datetime(asn.estimated_delivery_date),
            "sellingParty": party_to_spapi(asn.selling_party, "taxRegistrationDetails"),
            "shipFromParty": party_to_spapi(asn.ship_from_party, "taxRegistrationDetails"),
            "shipToParty": party_to_spapi(asn.ship_to_party, "taxRegistrationDetails"),
            "shipmentMeasurements": measurements,
            "shippedItems": [
                _drop_none(
                    {
                        "itemSequenceNumber": item.sequence,
                        "amazonProductIdentifier": item.ids.asin,
                        "vendorProductIdentifier": item.ids.vendor_identifier(),
                        "shippedQuantity": quantity_to_spapi(item.quantity),
                        "itemDetails": _item_details_to_spapi(
                            item.lot,
                            item.purchase_order_number,
                            item.country_of_origin,
                            item.handling_code,
                        ),
                    }
                )
                for item in asn.items
            ],
            "cartons": [_carton_to_spapi(c) for c in cartons],
            "pallets": pallets,
        }
    )


def _tax_to_spapi(tax):
    return _drop_none(
        {
            "taxType": tax.tax_type,
            "taxRate": decimal_str(tax.rate) if tax.rate is not None else None,
            "taxAmount": money_to_spapi(tax.amount),
            "taxableAmount": money_to_spapi(tax.taxable_amount),
        }
    )


def _charges_to_spapi(charges, allowances):
    key = "allowanceAmount" if allowances else "chargeAmount"
    return [
        _drop_none(
            {
                "type": c.charge_type,
                "description": c.description,
                key: money_to_spapi(c.amount),
                "taxDetails": [_tax_to_spapi(t) for t in c.taxes],
            }
        )
        for c in charges
        if c.is_allowance == allowances
    ]


def invoice_to_spapi(inv):
    """Invoice -> SP-API ``Invoice`` (one entry of submitInvoices)."""

    def party(p):
        return party_to_spapi(p, "taxRegistrationDetails", "postalOrZipCode")

    terms = None
    if inv.payment_terms:
        pt = inv.payment_terms
        terms = _drop_none(
            {
                "type": pt.terms_type,
                "discountPercent": decimal_str(pt.discount_percent)
                if pt.discount_percent is not None
                else None,
                "discountDueDays": pt.discount_due_days,
                "netDueDays": pt.net_due_days,
            }
        )
    items = []
    for item in inv.items:
        cn = item.credit_note
        credit = None
        if cn:
            credit = _drop_none(
                {
                    "referenceInvoiceNumber": cn.reference_invoice_number,
                    "debitNoteNumber": cn.debit_note_number,
                    "returnsReferenceNumber": cn.returns_reference_number,
                    "goodsReturnDate": format_datetime(cn.goods_return_date),
                    "rmaId": cn.rma_id,
                    "coopReferenceNumber": cn.coop_reference_number,
                    "consignorsReferenceNumber": cn.consignors_reference_number,
                }
            )
        items.append(
            _drop_none(
                {
                    "itemSequenceNumber": int(item.sequence),
                    "amazonProductIdentifier": item.ids.asin,
                    "vendorProductIdentifier": item.ids.vendor_identifier(),
                    "invoicedQuantity": quantity_to_spapi(item.quantity),
                    "netCost": money_to_spapi(item.net_cost),
                    "purchaseOrderNumber": item.purchase_order_number,
                    "hsnCode": item.hsn_code,
                    "creditNoteDetails": credit,
                    "taxDetails": [_tax_to_spapi(t) for t in item.taxes],
                    "chargeDetails": _charges_to_spapi(item.charges, False),
                    "allowanceDetails": _charges_to_spapi(item.charges, True),
                }
            )
        )
    return _drop_none(
        {
            "invoiceType": inv.invoice_type,
            "id": inv.number,
            "referenceNumber": inv.reference_number,
            "date": format_datetime(inv.date),
            "remitToParty": party(inv.remit_to_party),
            "shipToParty": party(inv.ship_to_party),
            "shipFromParty": party(inv.ship_from_party),
            "billToParty": party(inv.bill_to_party),
            "paymentTerms": terms,
            "invoiceTotal": money_to_spapi(inv.total),
            "taxDetails": [_tax_to_spapi(t) for t in inv.taxes],
            "additionalDetails": [{"type": t, "detail": d} for t, d in inv.additional_details],
            "chargeDetails": _charges_to_spapi(inv.charges, False),
            "allowanceDetails": _charges_to_spapi(inv.charges, True),
            "items": items,
        }
    )


# --------------------------------------------------------------------------------------------
# SP-API JSON readers for what Acorn sends (the EDI channel turns them back into documents)
# --------------------------------------------------------------------------------------------


def _date_from_spapi(value):
    parsed = parse_datetime(value)
    return parsed.date() if parsed else None


def acknowledgement_from_spapi(data):
    """SP-API ``OrderAcknowledgement`` -> Acknowledgement (inverse of acknowledgement_to_spapi).

    SP-API carries neither the PO date nor the ship-to party: both stay None.
    """
    items = []
    for raw in data.get("items") or []:
        items.append(
            AcknowledgementItem(
                sequence=str(raw["itemSequenceNumber"]) if "itemSequenceNumber" in raw else "",
                ids=ProductIds(
                    asin=raw.get("amazonProductIdentifier"),
                    vendor_product_id=raw.get("vendorProductIdentifier"),
                ),
                ordered_quantity=quantity_from_spapi(raw["orderedQuantity"]),
                acknowledgements=[
                    ItemAcknowledgement(
                        code=line["acknowledgementCode"],
                        quantity=quantity_from_spapi(line["acknowledgedQuantity"]),
                        scheduled_ship_date=parse_datetime(line.get("scheduledShipDate")),
                        scheduled_delivery_date=parse_datetime(line.get("scheduledDeliveryDate")),
                        rejection_reason=line.get("rejectionReason"),
                    )
                    for line in raw.get("itemAcknowledgements") or []
                ],
                net_cost=money_from_spapi(raw.get("netCost")),
                list_price=money_from_spapi(raw.get("listPrice")),
                discount_multiplier=raw.get("discountMultiplier"),
            )
        )
    return Acknowledgement(
        purchase_order_number=data["purchaseOrderNumber"],
        selling_party=party_from_spapi(data.get("sellingParty")),
        date=parse_datetime(data.get("acknowledgementDate")),
        items=items,
    )


def _weight_from_spapi(data):
    if not data:
        return None
    return Weight(Decimal(str(data["value"])), data.get("unitOfMeasure") or "Lb")


def _dimensions_from_spapi(data):
    if not data:
        return None
    return Dimensions(
        Decimal(str(data["length"])),
        Decimal(str(data["width"])),
        Decimal(str(data["height"])),
        data.get("unitOfMeasure") or "In",
    )


def _lot_from_spapi(details):
    details = details or {}
    expiry = details.get("expiry") or {}
    if not (details.get("lotNumber") or expiry):
        return None
    return Lot(
        lot_number=details.get("lotNumber"),
        expiry_date=_date_from_spapi(expiry.get("expiryDate")),
        manufacture_date=_date_from_spapi(expiry.get("manufacturerDate")),
    )


def _container_items_from_spapi(items):
    return [
        ContainerItem(
            item_sequence=str(raw["itemReference"]),
            quantity=quantity_from_spapi(raw["shippedQuantity"]),
            lot=_lot_from_spapi(raw.get("itemDetails")),
        )
        for raw in items or []
    ]


def _carton_from_spapi(data):
    sscc, others = None, {}
    for ident in data.get("cartonIdentifiers") or []:
        kind = ident["containerIdentificationType"]
        if kind == "SSCC" and sscc is None:
            sscc = ident["containerIdentificationNumber"]
        else:
            others[kind] = ident["containerIdentificationNumber"]
    return Carton(
        sequence=str(data["cartonSequenceNumber"]),
        sscc=sscc,
        items=_container_items_from_spapi(data.get("items")),
        other_ids=others,
        weight=_weight_from_spapi(data.get("weight")),
        dimensions=_dimensions_from_spapi(data.get("dimensions")),
        tracking_number=data.get("trackingNumber"),
    )


def shipment_confirmation_from_spapi(data):
    """SP-API ``ShipmentConfirmation`` -> Shipment (inverse of shipment_confirmation_to_spapi).

    Cartons a pallet lists in ``cartonReferenceDetails`` go on that pallet, the rest stay loose.
    """
    transport = data.get("transportationDetails") or {}
    measurements = data.get("shipmentMeasurements") or {}
    cartons = [_carton_from_spapi(c) for c in data.get("cartons") or []]
    by_sequence = {c.sequence: c for c in cartons}
    placed = set()
    pallets = []
    for raw in data.get("pallets") or []:
        sscc = next(
            (
                i["containerIdentificationNumber"]
                for i in raw.get("palletIdentifiers") or []
                if i.get("containerIdentificationType") == "SSCC"
            ),
            None,
        )
        refs = (raw.get("cartonReferenceDetails") or {}).get("cartonReferenceNumbers") or []
        mine = [by_sequence[str(r)] for r in refs if str(r) in by_sequence]
        placed.update(c.sequence for c in mine)
        pallets.append(
            Pallet(
                sscc=sscc,
                cartons=mine,
                items=_container_items_from_spapi(raw.get("items")),
                tier=raw.get("tier"),
                block=raw.get("block"),
                weight=_weight_from_spapi(raw.get("weight")),
                dimensions=_dimensions_from_spapi(raw.get("dimensions")),
            )
        )
    items = []
    for raw in data.get("shippedItems") or []:
        details = raw.get("itemDetails") or {}
        items.append(
            ShipmentItem(
                sequence=str(raw["itemSequenceNumber"]),
                ids=ProductIds(
                    asin=raw.get("amazonProductIdentifier"),
                    vendor_product_id=raw.get("vendorProductIdentifier"),
                ),
                quantity=quantity_from_spapi(raw["shippedQuantity"]),
                purchase_order_number=details.get("purchaseOrderNumber"),
                lot=_lot_from_spapi(details),
                country_of_origin=details.get("countryOfOrigin"),
                handling_code=details.get("handlingCode"),
            )
        )
    return Shipment(
        shipment_id=data["shipmentIdentifier"],
        confirmation_date=parse_datetime(data.get("shipmentConfirmationDate")),
        shipped_date=parse_datetime(data.get("shippedDate")),
        selling_party=party_from_spapi(data.get("sellingParty")),
        ship_from_party=party_from_spapi(data.get("shipFromParty")),
        ship_to_party=party_from_spapi(data.get("shipToParty")),
        items=items,
        pallets=pallets,
        cartons=[c for c in cartons if c.sequence not in placed],
        confirmation_type=data.get("shipmentConfirmationType") or "Original",
        shipment_type=data.get("shipmentType"),
        shipment_structure=data.get("shipmentStructure"),
        carrier_scac=transport.get("carrierScac"),
        pro_number=transport.get("carrierShipmentReferenceNumber"),
        bill_of_lading=transport.get("billOfLadingNumber"),
        transportation_mode=transport.get("transportationMode"),
        amazon_reference_number=data.get("amazonReferenceNumber"),
        estimated_delivery_date=parse_datetime(data.get("estimatedDeliveryDate")),
        gross_weight=_weight_from_spapi(measurements.get("grossShipmentWeight")),
    )


def _tax_from_spapi(data):
    return TaxDetail(
        tax_type=data["taxType"],
        amount=money_from_spapi(data.get("taxAmount")),
        rate=Decimal(str(data["taxRate"])) if data.get("taxRate") is not None else None,
        taxable_amount=money_from_spapi(data.get("taxableAmount")),
    )


def _charges_from_spapi(data):
    charges = []
    for key, allowance in (("chargeDetails", False), ("allowanceDetails", True)):
        for raw in data.get(key) or []:
            charges.append(
                Charge(
                    charge_type=raw["type"],
                    amount=money_from_spapi(
                        raw.get("allowanceAmount" if allowance else "chargeAmount")
                    ),
                    is_allowance=allowance,
                    description=raw.get("description"),
                    taxes=[_tax_from_spapi(t) for t in raw.get("taxDetails") or []],
                )
            )
    return charges


def invoice_from_spapi(data):
    """SP-API ``Invoice`` -> Invoice (inverse of invoice_to_spapi); SP-API has no field for
    the ASN an invoice bills, so ``shipment_id`` stays None."""
    terms = data.get("paymentTerms")
    items = []
    for raw in data.get("items") or []:
        cn = raw.get("creditNoteDetails")
        items.append(
            InvoiceItem(
                sequence=int(raw["itemSequenceNumber"]),
                ids=ProductIds(
                    asin=raw.get("amazonProductIdentifier"),
                    vendor_product_id=raw.get("vendorProductIdentifier"),
                ),
                quantity=quantity_from_spapi(raw["invoicedQuantity"]),
                net_cost=money_from_spapi(raw.get("netCost")),
                purchase_order_number=raw.get("purchaseOrderNumber"),
                hsn_code=raw.get("hsnCode"),
                credit_note=CreditNoteDetails(
                    reference_invoice_number=cn.get("referenceInvoiceNumber"),
                    debit_note_number=cn.get("debitNoteNumber"),
                    returns_reference_number=cn.get("returnsReferenceNumber"),
                    goods_return_date=parse_datetime(cn.get("goodsReturnDate")),
                    rma_id=cn.get("rmaId"),
                    coop_reference_number=cn.get("coopReferenceNumber"),
                    consignors_reference_number=cn.get("consignorsReferenceNumber"),
                )
                if cn
                else None,
                taxes=[_tax_from_spapi(t) for t in raw.get("taxDetails") or []],
                charges=_charges_from_spapi(raw),
            )
        )
    return Invoice(
        number=data["id"],
        date=parse_datetime(data.get("date")),
        remit_to_party=party_from_spapi(data.get("remitToParty")),
        total=money_from_spapi(data.get("invoiceTotal")),
        items=items,
        invoice_type=data.get("invoiceType") or "Invoice",
        reference_number=data.get("referenceNumber"),
        ship_to_party=party_from_spapi(data.get("shipToParty")),
        ship_from_party=party_from_spapi(data.get("shipFromParty")),
        bill_to_party=party_from_spapi(data.get("billToParty")),
        payment_terms=PaymentTerms(
            terms_type=terms.get("type"),
            discount_percent=Decimal(str(terms["discountPercent"]))
            if terms.get("discountPercent") is not None
            else None,
            discount_due_days=terms.get("discountDueDays"),
            net_due_days=terms.get("netDueDays"),
        )
        if terms
        else None,
        taxes=[_tax_from_spapi(t) for t in data.get("taxDetails") or []],
        charges=_charges_from_spapi(data),
        additional_details=[
            (d.get("type"), d.get("detail")) for d in data.get("additionalDetails") or []
        ],
    )
