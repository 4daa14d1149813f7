"""Helpers for tests against a running sandbox: a tiny SP-API session that checks every
response against the official models, and builders of valid vendor documents for a PO.

Uses `requests` (not needed by the sandbox itself)."""

import gzip
import json
from datetime import datetime, timezone
from decimal import Decimal

import requests

from ..spapi_models import operations, validate_response


class SandboxSession:
    """Calls operations by operationId with a fresh LWA token; validates each response
    (by default only when the sandbox is not in strict mode, which already checks them)."""

    def __init__(self, sandbox, validate=None, timeout=10):
        self.sb = sandbox
        self.validate = (not sandbox.cfg.strict) if validate is None else validate
        self.timeout = timeout
        self.http = requests.Session()
        self.token = None
        self.refresh()

    def refresh(self):
        resp = self.http.post(
            self.sb.token_url,
            data={"grant_type": "refresh_token", **self.sb.credentials},
            timeout=self.timeout,
        )
        resp.raise_for_status()
        self.token = resp.json()["access_token"]
        # Refresh a minute early, on the sandbox clock, as a real client would.
        self.expires_at = self.sb.clock.now() + resp.json()["expires_in"] - 60
        return self.token

    def call(self, operation_id, params=None, body=None, token=None, **path):
        _file, method, template, _op = operations()[operation_id]
        if token is None and self.sb.clock.now() >= self.expires_at:
            self.refresh()
        url = self.sb.url + template.format(**path)
        headers = {"x-amz-access-token": self.token if token is None else token}
        resp = self.http.request(
            method, url, params=params, json=body, headers=headers, timeout=self.timeout
        )
        if self.validate and resp.content:
            validate_response(operation_id, resp.status_code, resp.json())
        return resp

    def ok(self, operation_id, params=None, body=None, **path):
        resp = self.call(operation_id, params=params, body=body, **path)
        if resp.status_code not in (200, 201, 202):
            raise AssertionError(f"{operation_id} answered {resp.status_code}: {resp.text[:1000]}")
        return resp.json() if resp.content else None

    def settle(self, operation_id, body):
        """Submit ``body``, let the sandbox's transaction delay pass, return the status."""
        transaction = self.ok(operation_id, body=body)["payload"]["transactionId"]
        self.sb.advance(self.sb.cfg.transaction_delay + 1)
        status = self.ok("getTransaction", transactionId=transaction)["payload"]
        return status["transactionStatus"]["status"]

    def download_report(self, document_id):
        doc = self.ok("getReportDocument", reportDocumentId=document_id)
        raw = self.http.get(doc["url"], timeout=self.timeout)
        raw.raise_for_status()
        data = gzip.decompress(raw.content) if doc.get("compressionAlgorithm") else raw.content
        return json.loads(data)


def now_iso(sandbox, offset=0.0):
    ts = sandbox.clock.now() + offset
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def acknowledgement_for(order, when, decisions=None):
    """Acknowledgement body for a PO (from getPurchaseOrder). decisions maps
    itemSequenceNumber -> list of (code, amount[, rejectionReason]); default accepts all."""
    decisions = decisions or {}
    items = []
    for item in order["orderDetails"]["items"]:
        qty = item["orderedQuantity"]
        acks = []
        for entry in decisions.get(item["itemSequenceNumber"], [("Accepted", qty["amount"])]):
            ack = {
                "acknowledgementCode": entry[0],
                "acknowledgedQuantity": {**qty, "amount": entry[1]},
            }
            if entry[0] == "Rejected":
                ack["rejectionReason"] = entry[2] if len(entry) > 2 else "TemporarilyUnavailable"
            acks.append(ack)
        items.append(
            {
                "itemSequenceNumber": item["itemSequenceNumber"],
                "amazonProductIdentifier": item["amazonProductIdentifier"],
                "vendorProductIdentifier": item["vendorProductIdentifier"],
                "orderedQuantity": qty,
                "netCost": item["netCost"],
                "itemAcknowledgements": acks,
            }
        )
    return {
        "acknowledgements": [
            {
                "purchaseOrderNumber": order["purchaseOrderNumber"],
                "sellingParty": order["orderDetails"]["sellingParty"],
                "acknowledgementDate": when,
                "items": items,
            }
        ]
    }


def asn_for(order, shipment_id, shipped_date, quantities=None, ship_to=None):
    """ASN (SubmitShipmentConfirmations body) shipping the given eaches per
    itemSequenceNumber (default: the ordered quantity of every line)."""
    details = order["orderDetails"]
    shipped = []
    for n, item in enumerate(details["items"], 1):
        qty = item["orderedQuantity"]
        eaches = (
            qty["amount"] * (qty.get("unitSize") or 1)
            if qty["unitOfMeasure"] == "Cases"
            else qty["amount"]
        )
        amount = (quantities or {}).get(item["itemSequenceNumber"], eaches)
        if amount <= 0:
            continue
        shipped.append(
            {
                "itemSequenceNumber": "%03d" % n,
                "amazonProductIdentifier": item["amazonProductIdentifier"],
                "vendorProductIdentifier": item["vendorProductIdentifier"],
                "shippedQuantity": {"amount": amount, "unitOfMeasure": "Eaches", "unitSize": 1},
                "itemDetails": {"purchaseOrderNumber": order["purchaseOrderNumber"]},
            }
        )
    return {
        "shipmentConfirmations": [
            {
                "shipmentIdentifier": shipment_id,
                "shipmentConfirmationType": "Original",
                "shipmentType": "LessThanTruckLoad",
                "shipmentStructure": "PalletizedAssortmentCase",
                "shipmentConfirmationDate": shipped_date,
                "shippedDate": shipped_date,
                "sellingParty": details["sellingParty"],
                "shipFromParty": {
                    "partyId": "WH01",
                    "address": {
                        "name": "Acorn Housewares DC",
                        "addressLine1": "100 Industrial Way",
                        "city": "Allentown",
                        "stateOrRegion": "PA",
                        "postalCode": "18106",
                        "countryCode": "US",
                    },
                },
                "shipToParty": {"partyId": ship_to or details["shipToParty"]["partyId"]},
                "shippedItems": shipped,
            }
        ]
    }


def invoice_for(order, invoice_id, date, quantities=None, cost_override=None, total=None):
    """Invoice body for shipped eaches per itemSequenceNumber (default: every line in full)."""
    details = order["orderDetails"]
    currency = details["items"][0]["netCost"]["currencyCode"]
    items, amount = [], Decimal(0)
    for n, item in enumerate(details["items"], 1):
        qty = item["orderedQuantity"]
        eaches = (
            qty["amount"] * (qty.get("unitSize") or 1)
            if qty["unitOfMeasure"] == "Cases"
            else qty["amount"]
        )
        eaches = (quantities or {}).get(item["itemSequenceNumber"], eaches)
        if eaches <= 0:
            continue
        cost = Decimal(
            (cost_override or {}).get(item["itemSequenceNumber"], item["netCost"]["amount"])
        )
        amount += cost * eaches
        items.append(
            {
                "itemSequenceNumber": n,
                "amazonProductIdentifier": item["amazonProductIdentifier"],
                "vendorProductIdentifier": item["vendorProductIdentifier"],
                "invoicedQuantity": {"amount": eaches, "unitOfMeasure": "Eaches"},
                "netCost": {"currencyCode": currency, "amount": str(cost)},
                "purchaseOrderNumber": order["purchaseOrderNumber"],
            }
        )
    return {
        "invoices": [
            {
                "invoiceType": "Invoice",
                "id": invoice_id,
                "date": date,
                "remitToParty": {
                    "partyId": details["sellingParty"]["partyId"],
                    "address": {
                        "name": "Acorn Housewares Inc",
                        "addressLine1": "100 Industrial Way",
                        "city": "Allentown",
                        "stateOrRegion": "PA",
                        "postalOrZipCode": "18106",
                        "countryCode": "US",
                    },
                },
                "invoiceTotal": {
                    "currencyCode": currency,
                    "amount": str(total if total is not None else amount),
                },
                "items": items,
            }
        ]
    }
