"""Routing requests (SubmitShipments) as Vendor Central shows them afterwards:
GetShipmentDetails with a status history, and carrier labels for Collect freight."""

import base64
import json
import random

from .common import (
    ApiError,
    date_window,
    decode_token,
    encode_token,
    fingerprint,
    iso,
    parse_dt,
    parse_enum,
    parse_limit,
)
from .config import hash_seed

HOUR = 3600.0
DAY = 86400.0

# Query parameter prefix -> function(shipment json) -> date-time string or None
_DATE_FILTERS = {
    "created": lambda s: s.get("shipmentCreateDate"),
    "shipmentConfirmed": lambda s: s.get("shipmentConfirmDate"),
    "packageLabelCreated": lambda s: s.get("packageLabelCreateDate"),
    "shipped": lambda s: (s.get("transportationDetails") or {}).get("shippedDate"),
    "estimatedDelivery": lambda s: (s.get("transportationDetails") or {}).get(
        "estimatedDeliveryDate"
    ),
    "shipmentDelivery": lambda s: (s.get("transportationDetails") or {}).get(
        "shipmentDeliveryDate"
    ),
    "requestedPickUp": lambda s: (s.get("collectFreightPickupDetails") or {}).get(
        "requestedPickUp"
    ),
    "scheduledPickUp": lambda s: (s.get("collectFreightPickupDetails") or {}).get(
        "scheduledPickUp"
    ),
}
CARRIERS = (("UPSN", "UPS"), ("FDEG", "FedEx Ground"), ("ODFL", "Old Dominion"))


def _pdf(text):
    """A small valid one-page PDF carrying the label text (carriers send PDF labels)."""
    stream = f"BT /F1 14 Tf 36 260 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 288 432] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class ShippingMixin:
    def _shipment_timeline(self, row, shipment, now):
        created = row["created"]
        collect = shipment.get("shipmentFreightTerm") == "Collect"
        steps = [("Created", created)]
        if collect:
            requested = (shipment.get("collectFreightPickupDetails") or {}).get("requestedPickUp")
            pickup = parse_dt("requestedPickUp", requested) if requested else created + DAY
            steps += [
                ("TransportationRequested", created + HOUR),
                ("CarrierAssigned", created + 4 * HOUR),
                ("Shipped", max(pickup, created + 5 * HOUR)),
            ]
        else:
            shipped = (shipment.get("transportationDetails") or {}).get("shippedDate")
            steps.append(
                ("Shipped", parse_dt("shippedDate", shipped) if shipped else created + DAY)
            )
        return [(s, t) for s, t in steps if t <= now]

    def shipment_json(self, row, now):
        shipment = json.loads(row["body"])
        timeline = self._shipment_timeline(row, shipment, now)
        status, status_at = timeline[-1]
        shipment["buyerReferenceNumber"] = (
            shipment.get("buyerReferenceNumber") or row["buyer_reference"]
        )
        shipment["shipmentCreateDate"] = iso(row["created"])
        shipment["currentShipmentStatus"] = status
        shipment["currentshipmentStatusDate"] = iso(status_at)
        shipment["shipmentStatusDetails"] = [
            {"shipmentStatus": s, "shipmentStatusDate": iso(t)} for s, t in timeline
        ]
        asn = self.store.one(
            "SELECT created FROM asns WHERE shipment_id = ?",
            (shipment["vendorShipmentIdentifier"],),
        )
        if asn is not None:
            shipment["shipmentConfirmDate"] = iso(asn["created"])
        if shipment.get("shipmentFreightTerm") == "Collect":
            pickup = dict(shipment.get("collectFreightPickupDetails") or {})
            assigned = [t for s, t in timeline if s == "CarrierAssigned"]
            if assigned:
                pickup.setdefault("carrierAssignmentDate", iso(assigned[0]))
                pickup.setdefault(
                    "scheduledPickUp", pickup.get("requestedPickUp") or iso(row["created"] + DAY)
                )
                shipment["packageLabelCreateDate"] = iso(assigned[0])
            if pickup:
                shipment["collectFreightPickupDetails"] = pickup
        return shipment

    def _page(self, params, rows, limit):
        offset = (
            decode_token(params["nextToken"], fingerprint(params)) if params.get("nextToken") else 0
        )
        page = rows[offset : offset + limit]
        pagination = None
        if offset + limit < len(rows):
            pagination = {"nextToken": encode_token(offset + limit, fingerprint(params))}
        return page, pagination

    def list_shipments(self, params):
        now = self.tick()
        limit = parse_limit(params, 50)
        sort = parse_enum(params, "sortOrder", ("ASC", "DESC")) or "DESC"
        windows = {
            key: date_window(params, f"{key}After", f"{key}Before", now, key, None)
            for key in _DATE_FILTERS
        }
        rows = self.store.q(
            "SELECT * FROM shipments WHERE cancelled IS NULL AND created <= ? ORDER BY created "
            + sort,
            (now,),
        )
        out = []
        for row in rows:
            s = self.shipment_json(row, now)
            keep = True
            for key, window in windows.items():
                if window is None:
                    continue
                value = _DATE_FILTERS[key](s)
                if value is None or not window[0] <= parse_dt(key, value) <= window[1]:
                    keep = False
            for param, value in (
                ("vendorShipmentIdentifier", s["vendorShipmentIdentifier"]),
                ("buyerReferenceNumber", s.get("buyerReferenceNumber")),
                ("currentShipmentStatus", s["currentShipmentStatus"]),
                ("buyerWarehouseCode", s["shipToParty"]["partyId"]),
                ("sellerWarehouseCode", s["shipFromParty"]["partyId"]),
            ):
                if params.get(param) and params[param] != value:
                    keep = False
            if keep:
                out.append(s)
        page, pagination = self._page(params, out, limit)
        payload = {"shipments": page}
        if pagination:
            payload["pagination"] = pagination
        return payload

    def _labels(self, shipment, row):
        if shipment.get("shipmentFreightTerm") != "Collect":
            return None
        if shipment["currentShipmentStatus"] not in ("CarrierAssigned", "Shipped"):
            return None
        vsid = shipment["vendorShipmentIdentifier"]
        rng = random.Random(hash_seed(f"{self.cfg.seed}:label:{vsid}"))
        mode = (shipment.get("transportationDetails") or {}).get("shipMode")
        small = mode == "SmallParcel"
        carrier = CARRIERS[0] if small else rng.choice(CARRIERS[1:])
        count = 1
        if small:
            count = max(
                1, int((shipment.get("shipmentMeasurements") or {}).get("totalCartonCount") or 1)
            )
        labels = []
        for i in range(1, count + 1):
            tracking = "1Z%s%010d" % (
                "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(6)),
                rng.randint(0, 10**10 - 1),
            )
            pdf = _pdf(f"{carrier[1]} {tracking} ship to {shipment['shipToParty']['partyId']}")
            labels.append(
                {
                    "labelSequenceNumber": i,
                    "labelFormat": "PDF",
                    "carrierCode": carrier[0],
                    "trackingId": tracking,
                    "label": base64.b64encode(pdf).decode(),
                }
            )
        return {
            "labelCreateDateTime": shipment["packageLabelCreateDate"],
            "shipmentInformation": {
                "vendorDetails": {
                    "sellingParty": shipment["sellingParty"],
                    "vendorShipmentIdentifier": vsid,
                },
                "buyerReferenceNumber": shipment["buyerReferenceNumber"],
                "shipToParty": shipment["shipToParty"],
                "shipFromParty": shipment["shipFromParty"],
                "warehouseId": shipment["shipFromParty"]["partyId"],
                "masterTrackingId": labels[0]["trackingId"],
                "totalLabelCount": len(labels),
                "shipMode": "SmallParcel" if small else "LTL",
            },
            "labelData": labels,
        }

    def list_labels(self, params):
        now = self.tick()
        limit = parse_limit(params, 50)
        sort = parse_enum(params, "sortOrder", ("ASC", "DESC")) or "DESC"
        window = date_window(
            params, "labelCreatedAfter", "labelCreatedBefore", now, "labelCreated", None
        )
        out = []
        for row in self.store.q(
            "SELECT * FROM shipments WHERE cancelled IS NULL AND created <= ? ORDER BY created "
            + sort,
            (now,),
        ):
            shipment = self.shipment_json(row, now)
            label = self._labels(shipment, row)
            if label is None:
                continue
            created = parse_dt("labelCreateDateTime", label["labelCreateDateTime"])
            info = label["shipmentInformation"]
            if window and not window[0] <= created <= window[1]:
                continue
            if any(
                params.get(p) and params[p] != v
                for p, v in (
                    ("buyerReferenceNumber", info["buyerReferenceNumber"]),
                    ("vendorShipmentIdentifier", info["vendorDetails"]["vendorShipmentIdentifier"]),
                    ("sellerWarehouseCode", info["warehouseId"]),
                )
            ):
                continue
            out.append(label)
        if params.get("vendorShipmentIdentifier") and not out:
            known = self.store.one(
                "SELECT 1 FROM shipments WHERE vendor_shipment_id = ?",
                (params["vendorShipmentIdentifier"],),
            )
            if known is None:
                raise ApiError(
                    404,
                    "NotFound",
                    f"Shipment {params['vendorShipmentIdentifier']} was not found",
                )
        page, pagination = self._page(params, out, limit)
        payload = {"transportLabels": page}
        if pagination:
            payload["pagination"] = pagination
        return payload
