"""The sandbox's chargeback list: Vendor Central's Operational Performance defect list
(Chargebacks, CSV export), drawn from what the sandbox saw of the vendor's POs and ASNs.

A chargeback is raised once Amazon received the PO (its notice date is the last receipt):

- *ASN Accuracy: Late ASN* when the ASN was sent more than ``asn_due_hours`` after the
  shipment left (the rule the sandbox's payments use), *ASN quantity mismatch* when the
  receipt found fewer units than the ASN shipped; 2% of the shipped units' cost;
- *ASN Accuracy: Missing ASN* for a routing request (SubmitShipments) two days old that no ASN
  followed; 2% of the accepted units' cost;
- *PO On-Time Accuracy: Not on time* when the ASN's shipped date is after the PO's ship window;
  3% of the shipped units' cost;
- for history POs (shipped before the sandbox's epoch, without ASNs) an ASN chargeback at the
  payments' ``chargeback_rate`` (``history_draws``: the payments draw the same), and a carton
  content label one at half that rate.

Issue IDs derive from the seed, the PO and the type, and an ASN chargeback's debit note
(``<issue id>VCBSINV``), live or history, is the number the sandbox's remittance deducts it
under, so the ledger can tie the two. Deterministic; the clock decides what is raised yet.
"""

import csv
import io
import json
import random
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

from .common import date_bounds, invalid, parse_dt, xlsx_sheet
from .config import hash_seed

DAY = 86400.0
ASN_DUE_HOURS = 24
HEADER = (
    "Issue ID",
    "Vendor Code",
    "Issue Type",
    "Issue Sub Type",
    "PO Number",
    "Fulfillment Center",
    "Shipment ID",
    "Carrier",
    "Quantity",
    "Chargeback Amount",
    "Currency",
    "Issue Date",
    "Status",
    "Invoice Number",
)
FEES = {"ASN Accuracy": Decimal("0.02"), "PO On-Time Accuracy": Decimal("0.03")}
LABEL_FEE = Decimal(5)  # per carton (finance.md §2)


def issue_id(seed, po, issue_type):
    """The 10-digit issue ID of ``issue_type`` on ``po`` (stable for a seed)."""
    rng = random.Random(hash_seed(f"{seed}:chargeback:{po}:{issue_type}"))
    return "%010d" % rng.randint(10**9, 10**10 - 1)


def history_draws(seed, po):
    """(ASN draw, label draw) of a history PO: an ASN chargeback when the first is below the
    chargeback rate, a label one when the second is below half of it. The chargeback list and
    the payments read the same draws, so both charge the same POs under the same number."""
    rng = random.Random(hash_seed(f"{seed}:chargeback-history:{po}"))
    return rng.random(), rng.random()


def _cents(value):
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _day(ts):
    return datetime.fromtimestamp(ts, timezone.utc).date()


class _Lister:
    def __init__(self, engine, now):
        self.engine, self.store, self.now = engine, engine.store, now
        self.seed = engine.cfg.seed
        self.out = {}

    def items(self, po):
        return self.store.q("SELECT * FROM items WHERE po = ?", (po,))

    def received_at(self, items):
        """When Amazon finished receiving (None while nothing was received)."""
        times = [item["last_receive"] for item in items if item["last_receive"] is not None]
        return max(times) if times else None

    def add(self, po, issue_type, sub_type, notice, units, cost, **extra):
        if notice is None or notice > self.now or cost <= 0:
            return
        key = (po["number"], issue_type)
        if key in self.out:
            return  # one chargeback per PO and type; the first reason found names it
        ident = issue_id(self.seed, po["number"], issue_type)
        self.out[key] = {
            "issue_id": ident,
            "vendor_code": po["vendor_code"],
            "issue_type": issue_type,
            "sub_type": sub_type,
            "po": po["number"],
            "fc": po["ship_to"],
            "shipment": extra.get("shipment", ""),
            "carrier": extra.get("carrier", ""),
            "quantity": units,
            "amount": _cents(cost * FEES.get(issue_type, Decimal(1))),
            "notice": notice,
            "debit_note": f"{ident}VCBSINV",
        }

    def live_asns(self):
        for asn in self.store.q("SELECT * FROM asns WHERE created <= ?", (self.now,)):
            body = json.loads(asn["body"])
            shipped = body.get("shippedDate")
            left = parse_dt("shippedDate", shipped) if shipped else None
            carrier = (body.get("transportationDetails") or {}).get("carrierScac") or ""
            numbers = sorted(
                {
                    (item.get("itemDetails") or {}).get("purchaseOrderNumber")
                    for item in body.get("shippedItems") or []
                }
                - {None}
            )
            for number in numbers:
                po = self.store.one("SELECT * FROM pos WHERE number = ?", (number,))
                if po is None:
                    continue
                items = self.items(number)
                notice = self.received_at(items)
                units = sum(item["shipped"] for item in items)
                cost = sum(Decimal(item["net_cost"]) * item["shipped"] for item in items)
                extra = {"shipment": asn["shipment_id"], "carrier": carrier}
                if left is not None and asn["created"] - left > ASN_DUE_HOURS * 3600:
                    self.add(po, "ASN Accuracy", "Late ASN", notice, units, cost, **extra)
                short = any(
                    item["receive_status"] != "NOT_RECEIVED" and item["shipped"] > item["received"]
                    for item in items
                )
                if short:
                    self.add(
                        po, "ASN Accuracy", "ASN quantity mismatch", notice, units, cost, **extra
                    )
                if left is not None and left > po["ship_end"]:
                    self.add(po, "PO On-Time Accuracy", "Not on time", notice, units, cost, **extra)

    def missing_asns(self):
        confirmed = {row[0] for row in self.store.q("SELECT shipment_id FROM asns")}
        for row in self.store.q(
            "SELECT * FROM shipments WHERE cancelled IS NULL AND created + ? <= ?",
            (2 * DAY, self.now),
        ):
            if row["vendor_shipment_id"] in confirmed:
                continue
            for order in json.loads(row["body"]).get("purchaseOrders") or []:
                po = self.store.one(
                    "SELECT * FROM pos WHERE number = ?", (order.get("purchaseOrderNumber"),)
                )
                if po is None:
                    continue
                items = self.items(po["number"])
                units = sum(item["accepted"] for item in items)
                cost = sum(Decimal(item["net_cost"]) * item["accepted"] for item in items)
                self.add(
                    po,
                    "ASN Accuracy",
                    "Missing ASN",
                    row["created"] + 2 * DAY,
                    units,
                    cost,
                    shipment=row["vendor_shipment_id"],
                )

    def history(self, rate):
        for po in self.store.q(
            "SELECT * FROM pos WHERE created < ? ORDER BY created, number", (self.engine.epoch,)
        ):
            draw, label_draw = history_draws(self.seed, po["number"])
            if draw >= rate and label_draw >= rate / 2:
                continue
            items = self.items(po["number"])
            notice = self.received_at(items)
            units = sum(item["shipped"] for item in items)
            cost = sum(Decimal(item["net_cost"]) * item["shipped"] for item in items)
            if draw < rate:
                self.add(po, "ASN Accuracy", "Late ASN", notice, units, cost)
            if label_draw < rate / 2:
                cartons = max(1, units // max(1, max((i["unit_size"] for i in items), default=1)))
                self.add(
                    po,
                    "Carton Content Label",
                    "No carton content label",
                    notice,
                    units,
                    LABEL_FEE * cartons,
                )


def chargeback_list(engine):
    """Every chargeback raised by the sandbox's clock, oldest first (dicts)."""
    now = engine.tick()
    lister = _Lister(engine, now)
    lister.live_asns()
    lister.missing_asns()
    lister.history(float(engine._payment_settings()["chargeback_rate"]))
    return sorted(lister.out.values(), key=lambda c: (c["notice"], c["issue_id"]))


def export_chargebacks(engine, params):
    """(content, content type, file name) of GET /_sandbox/chargebacks/export: CSV (default)
    or XLSX, ``from`` / ``to`` bounding the issue date."""
    fmt = (params.get("format") or "csv").lower()
    if fmt not in ("xlsx", "csv"):
        raise invalid(f"format {fmt!r}: expected csv or xlsx")
    start, end = date_bounds(params)
    rows = []
    us = engine.currency == "USD"
    for item in chargeback_list(engine):
        day = _day(item["notice"])
        if (start and day < start) or (end and day > end):
            continue
        rows.append(
            [
                item["issue_id"],
                item["vendor_code"],
                item["issue_type"],
                item["sub_type"],
                item["po"],
                item["fc"],
                item["shipment"],
                item["carrier"],
                item["quantity"],
                item["amount"],
                engine.currency,
                day,
                "Charged",
                item["debit_note"],
            ]
        )
    if fmt == "xlsx":
        return (
            xlsx_sheet(
                "Chargebacks", [HEADER] + [[*r[:9], float(r[9]), *r[10:]] for r in rows], us
            ),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Chargebacks.xlsx",
        )
    return _csv(rows, us), "text/csv; charset=utf-8", "Chargebacks.csv"


def _csv(rows, us):
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter="," if us else ";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        row = list(row)
        row[9] = f"{row[9]:.2f}" if us else f"{row[9]:.2f}".replace(".", ",")
        row[11] = row[11].strftime("%m/%d/%Y" if us else "%d/%m/%Y")
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")
