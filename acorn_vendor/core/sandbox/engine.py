"""The simulated Vendor Central: purchase orders, their life over sandbox time, and what
happens to acknowledgements, ASNs, routing requests and invoices a vendor submits.

No HTTP here: the server turns requests into calls and ApiError into Amazon's envelopes.
"""

import json
import logging
import random
from decimal import Decimal, InvalidOperation

from ..spapi_models import PayloadInvalid, validate_definition
from .catalogue import BILL_TO, FULFILMENT_CENTRES, default_catalogue, fc_key, load_catalogue
from .common import (
    SEVEN_DAYS,
    ApiError,
    date_window,
    decode_token,
    encode_token,
    fingerprint,
    invalid,
    iso,
    money,
    parse_bool,
    parse_dt,
    parse_enum,
    parse_limit,
    qty_in,
    qty_out,
    transaction_id,
)
from .config import hash_seed
from .disputes import DisputesMixin
from .generator import (
    DAY,
    HOUR,
    Generator,
    confirmation,
    day_of,
    receive_status,
)
from .payments import PaymentsMixin
from .reports import ReportsMixin
from .shipping import ShippingMixin

_logger = logging.getLogger(__name__)


class VendorCentral(ShippingMixin, ReportsMixin, PaymentsMixin, DisputesMixin):
    def __init__(self, store, cfg, clock):
        self.store = store
        self.cfg = cfg
        self.clock = clock
        products, fcs = None, None
        if cfg.catalogue is not None:
            products, fcs = load_catalogue(cfg.catalogue)
        self.products = products or default_catalogue()
        info = cfg.marketplace_info
        self.currency = info.currency
        self.fcs = fcs or FULFILMENT_CENTRES[fc_key(info.code, info.region)]
        self.fc_by_code = {fc.code: fc for fc in self.fcs}
        self.bill_to = BILL_TO.get(info.code if info.code in BILL_TO else "NA")
        self.generator = Generator(cfg, self.products, self.fcs)
        self._last_tick = None
        self._parties = {}
        self._bill_to_party = self._bill_to()

    # ---- lifecycle -------------------------------------------------------------------

    def initialise(self):
        """Create the history on a fresh file; check the file matches the config otherwise."""
        store = self.store
        with store.lock:
            seed = store.get_meta("seed")
            if seed is not None:
                if seed != self.cfg.seed:
                    raise ValueError(
                        f"Sandbox database {store.path} was created with seed {seed}, not "
                        f"{self.cfg.seed}; use another --db or run 'acorn sandbox reset'"
                    )
                return False
            start = self.cfg.start_time.timestamp() if self.cfg.start_time else None
            epoch = float(int(start if start is not None else self.clock.now()))
            self.clock.start_at(epoch)
            store.set_meta("seed", self.cfg.seed)
            store.set_meta("epoch", epoch)
            store.set_meta("marketplace", self.cfg.marketplace)
            store.set_meta(
                "credentials",
                {
                    "client_id": self.cfg.client_id,
                    "client_secret": self.cfg.client_secret,
                    "refresh_token": self.cfg.refresh_token,
                },
            )
        today = day_of(epoch)
        first = today - self.cfg.history_days
        count = self.generator.generate(store, first, today, epoch)
        with store.lock:
            store.set_meta("generated_until", today)
            store.x("PRAGMA wal_checkpoint(TRUNCATE)")  # do not leave a WAL as big as the db
        _logger.info(
            "Sandbox history generated: %d purchase orders over %d days",
            count,
            self.cfg.history_days + 1,
        )
        return True

    @property
    def epoch(self):
        return self.store.get_meta("epoch")

    def tick(self, force=False):
        """Play out everything due up to the sandbox clock (cheap when nothing is due)."""
        now = self.clock.now()
        if not force and self._last_tick is not None and 0 <= now - self._last_tick < 1.0:
            return now
        with self.store.lock:
            self._last_tick = now
            until = self.store.get_meta("generated_until")
            today = day_of(now)
            if until is not None and today > until:
                self.generator.generate(self.store, until + 1, today, self.epoch)
                self.store.set_meta("generated_until", today)
            self._apply_cancellations(now)
            self._complete_transactions(now)
            self._receive(now)
            self._close(now)
            self.pay_until(now)
        return now

    def _apply_cancellations(self, now):
        rows = self.store.q(
            "SELECT i.po, i.seq, p.state FROM items i JOIN pos p ON p.number = i.po "
            "WHERE i.cancel_at IS NOT NULL AND i.cancel_at <= ?",
            (now,),
        )
        for row in rows:
            cancel_at = self.store.one(
                "SELECT cancel_at FROM items WHERE po = ? AND seq = ?", (row["po"], row["seq"])
            )[0]
            if row["state"] == "New":
                self.store.x(
                    "UPDATE items SET cancelled = 1, cancel_at = NULL WHERE po = ? AND seq = ?",
                    (row["po"], row["seq"]),
                )
                self.store.x(
                    "UPDATE pos SET changed = ?, last_updated = ? WHERE number = ?",
                    (cancel_at, cancel_at, row["po"]),
                )
            else:  # acknowledged first: Amazon no longer changes the line
                self.store.x(
                    "UPDATE items SET cancel_at = NULL WHERE po = ? AND seq = ?",
                    (row["po"], row["seq"]),
                )

    def _complete_transactions(self, now):
        due = self.store.q(
            "SELECT * FROM transactions WHERE status = 'Processing' AND complete_at <= ? "
            "ORDER BY complete_at, created",
            (now,),
        )
        for tx in due:
            body = json.loads(tx["body"])
            handler = {
                "acknowledgement": self._process_acknowledgements,
                "shipmentConfirmation": self._process_asns,
                "shipment": self._process_shipments,
                "invoice": self._process_invoices,
            }[tx["kind"]]
            self.store.x("BEGIN")
            try:
                errors = handler(body, tx["created"], tx["complete_at"])
                status = "Failure" if errors else "Success"
                self.store.x(
                    "UPDATE transactions SET status = ?, errors = ? WHERE id = ?",
                    (status, json.dumps(errors), tx["id"]),
                )
                self.store.x("COMMIT")
            except BaseException:
                self.store.x("ROLLBACK")
                raise
            _logger.debug("Transaction %s (%s) -> %s", tx["id"], tx["kind"], status)

    def _shortage(self, po, seq, qty, salt):
        rng = random.Random(hash_seed(f"{self.cfg.seed}:short:{po}:{seq}:{salt}"))
        if qty <= 0 or rng.random() >= self.cfg.shortage_rate:
            return 0
        return min(qty, max(1, int(qty * rng.uniform(0.01, 0.1))))

    def _receive(self, now):
        # Receipts announced by ASNs.
        for rc in self.store.q(
            "SELECT * FROM receipts WHERE done = 0 AND receive_at <= ? ORDER BY receive_at",
            (now,),
        ):
            qty = rc["qty"] - self._shortage(rc["po"], rc["seq"], rc["qty"], rc["id"])
            self.store.x("UPDATE receipts SET done = 1 WHERE id = ?", (rc["id"],))
            self._add_received(rc["po"], rc["seq"], qty, rc["receive_at"])
            self._maybe_close_received(rc["po"], rc["receive_at"])
        # History POs the simulated vendor already shipped before the epoch.
        for po in self.store.q(
            "SELECT number, auto_receive_at FROM pos WHERE auto_receive_at IS NOT NULL "
            "AND auto_receive_at <= ?",
            (now,),
        ):
            at = po["auto_receive_at"]
            for item in self.store.q(
                "SELECT seq, shipped FROM items WHERE po = ? AND shipped > 0", (po["number"],)
            ):
                qty = item["shipped"] - self._shortage(
                    po["number"], item["seq"], item["shipped"], "auto"
                )
                self._add_received(po["number"], item["seq"], qty, at)
            self.store.x(
                "UPDATE pos SET auto_receive_at = NULL, state = 'Closed', status = 'CLOSED', "
                "state_changed = ?, last_updated = ?, close_at = NULL WHERE number = ?",
                (at, at, po["number"]),
            )

    def _add_received(self, po, seq, qty, at):
        item = self.store.one(
            "SELECT accepted, received FROM items WHERE po = ? AND seq = ?", (po, seq)
        )
        if item is None:
            return
        received = item["received"] + max(qty, 0)
        if qty > 0:  # what the inventory report counts as received in its period
            self.store.x(
                "INSERT INTO receipt_log (po, seq, qty, at) VALUES (?, ?, ?, ?)", (po, seq, qty, at)
            )
        self.store.x(
            "UPDATE items SET received = ?, receive_status = ?, last_receive = ? "
            "WHERE po = ? AND seq = ?",
            (received, receive_status(received, item["accepted"]), at, po, seq),
        )
        self.store.x("UPDATE pos SET last_updated = ? WHERE number = ?", (at, po))

    def _maybe_close_received(self, po, at):
        pending = self.store.one("SELECT COUNT(*) FROM receipts WHERE po = ? AND done = 0", (po,))[
            0
        ]
        open_lines = self.store.one(
            "SELECT COUNT(*) FROM items WHERE po = ? AND accepted > shipped", (po,)
        )[0]
        if not pending and not open_lines:
            self.store.x(
                "UPDATE pos SET state = 'Closed', status = 'CLOSED', state_changed = ?, "
                "last_updated = ?, close_at = NULL WHERE number = ? AND status = 'OPEN'",
                (at, at, po),
            )

    def _close(self, now):
        for po in self.store.q(
            "SELECT number, close_at FROM pos WHERE close_at IS NOT NULL AND close_at <= ? "
            "AND status = 'OPEN'",
            (now,),
        ):
            pending = self.store.one(
                "SELECT COUNT(*) FROM receipts WHERE po = ? AND done = 0", (po["number"],)
            )[0]
            if pending:
                continue
            self.store.x(
                "UPDATE pos SET state = 'Closed', status = 'CLOSED', state_changed = ?, "
                "last_updated = ?, close_at = NULL WHERE number = ?",
                (po["close_at"], po["close_at"], po["number"]),
            )

    # ---- orders ----------------------------------------------------------------------

    def _party(self, code, with_address=True):
        # Built once per code: a page of 100 detailed orders needs 200 of these.
        key = (code, with_address)
        if key not in self._parties:
            self._parties[key] = self._build_party(code, with_address)
        return self._parties[key]

    def _build_party(self, code, with_address):
        fc = self.fc_by_code.get(code)
        party = {"partyId": code}
        if fc and with_address:
            party["address"] = {
                "name": fc.name,
                "addressLine1": fc.address_line1,
                "city": fc.city,
                "stateOrRegion": fc.state,
                "postalCode": fc.postal_code,
                "countryCode": fc.country,
            }
        return party

    def _bill_to(self):
        pid, name, line1, city, state, postal, country, vat = self.bill_to
        party = {
            "partyId": pid,
            "address": {
                "name": name,
                "addressLine1": line1,
                "city": city,
                "stateOrRegion": state,
                "postalCode": postal,
                "countryCode": country,
            },
        }
        if vat:
            party["taxInfo"] = {"taxRegistrationType": "VAT", "taxRegistrationNumber": vat}
        return party

    def _items_for(self, numbers):
        out = {n: [] for n in numbers}
        for i in range(0, len(numbers), 500):
            chunk = numbers[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.store.q(
                f"SELECT * FROM items WHERE po IN ({marks}) ORDER BY po, seq", chunk
            ):
                out[row["po"]].append(row)
        return out

    def order_json(self, po, items, details=True):
        order = {"purchaseOrderNumber": po["number"], "purchaseOrderState": po["state"]}
        if not details:
            return order
        od = {
            "purchaseOrderDate": iso(po["created"]),
            "purchaseOrderStateChangedDate": iso(po["state_changed"]),
            "purchaseOrderType": po["po_type"],
            "paymentMethod": po["payment_method"],
            "buyingParty": self._party(po["ship_to"]),
            "sellingParty": {"partyId": po["vendor_code"]},
            "shipToParty": self._party(po["ship_to"]),
            "billToParty": self._bill_to_party,
            "shipWindow": f"{iso(po['ship_start'])}--{iso(po['ship_end'])}",
            "deliveryWindow": f"{iso(po['deliv_start'])}--{iso(po['deliv_end'])}",
            "items": [],
        }
        if po["changed"] is not None:
            od["purchaseOrderChangedDate"] = iso(po["changed"])
        if po["deal_code"]:
            od["dealCode"] = po["deal_code"]
        if po["import_json"]:
            od["importDetails"] = json.loads(po["import_json"])
        for it in items:
            ordered = 0 if it["cancelled"] else it["ordered"]
            od["items"].append(
                {
                    "itemSequenceNumber": str(it["seq"]),
                    "amazonProductIdentifier": it["asin"],
                    "vendorProductIdentifier": it["ean"] or it["sku"],
                    "orderedQuantity": qty_out(ordered, it["unit"], it["unit_size"]),
                    "isBackOrderAllowed": bool(it["backorder"]),
                    "netCost": money(it["net_cost"], self.currency),
                    "listPrice": money(it["list_price"], self.currency),
                }
            )
        order["orderDetails"] = od
        return order

    def get_order(self, number):
        now = self.tick()
        if not number or number == "null":
            raise invalid("purchaseOrderNumber cannot be null")
        po = self.store.one("SELECT * FROM pos WHERE number = ? AND created <= ?", (number, now))
        if po is None:
            raise ApiError(
                404,
                "NotFound",
                f"Purchase order {number} was not found",
                "Check the number; only POs of your vendor group are visible.",
            )
        return self.order_json(po, self._items_for([number])[number])

    def list_orders(self, params):
        now = self.tick()
        limit = parse_limit(params, 100)
        sort = parse_enum(params, "sortOrder", ("ASC", "DESC")) or "DESC"
        details = parse_bool(params, "includeDetails", True)
        created = date_window(params, "createdAfter", "createdBefore", now, "created")
        changed = date_window(params, "changedAfter", "changedBefore", now, "changed")
        if created is None and changed is None:
            created = (now - SEVEN_DAYS, now)
        where, args = ["p.created <= ?"], [now]
        if created:
            where.append("p.created BETWEEN ? AND ?")
            args += list(created)
        if changed:
            where.append("p.changed BETWEEN ? AND ?")
            args += list(changed)
        if parse_enum(params, "poItemState", ("Cancelled",)):
            where.append("EXISTS (SELECT 1 FROM items i WHERE i.po = p.number AND i.cancelled)")
        if parse_bool(params, "isPOChanged", False):
            where.append("p.changed IS NOT NULL")
        state = parse_enum(params, "purchaseOrderState", ("New", "Acknowledged", "Closed"))
        if state:
            where.append("p.state = ?")
            args.append(state)
        if params.get("orderingVendorCode"):
            where.append("p.vendor_code = ?")
            args.append(params["orderingVendorCode"])
        offset = (
            decode_token(params["nextToken"], fingerprint(params)) if params.get("nextToken") else 0
        )
        rows = self.store.q(
            f"SELECT p.* FROM pos p WHERE {' AND '.join(where)} "
            f"ORDER BY p.created {sort}, p.number {sort} LIMIT ? OFFSET ?",
            args + [limit + 1, offset],
        )
        more = len(rows) > limit
        rows = rows[:limit]
        items = self._items_for([r["number"] for r in rows]) if details else {}
        payload = {"orders": [self.order_json(r, items.get(r["number"]), details) for r in rows]}
        if more:
            payload["pagination"] = {"nextToken": encode_token(offset + limit, fingerprint(params))}
        return payload

    def status_json(self, po, items):
        lines = []
        for it in items:
            unit, size = it["unit"], it["unit_size"]
            ordered = 0 if it["cancelled"] else it["ordered"]
            details = [
                {
                    "updatedDate": iso(po["created"]),
                    "orderedQuantity": qty_out(it["ordered"], unit, size),
                }
            ]
            if it["cancelled"]:
                details.append(
                    {
                        "updatedDate": iso(po["changed"] or po["created"]),
                        "orderedQuantity": qty_out(0, unit, size),
                        "cancelledQuantity": qty_out(it["ordered"], unit, size),
                    }
                )
            ack = {"confirmationStatus": it["confirmation"]}
            if it["confirmation"] != "UNCONFIRMED":
                ack["acceptedQuantity"] = qty_out(it["accepted"], unit, size)
                ack["rejectedQuantity"] = qty_out(it["rejected"], unit, size)
                ack["acknowledgementStatusDetails"] = [
                    {
                        "acknowledgementDate": iso(d["date"]),
                        "acceptedQuantity": qty_out(d["accepted"], unit, size),
                        "rejectedQuantity": qty_out(d["rejected"], unit, size),
                    }
                    for d in json.loads(it["ack_details"])
                ]
            # A short receipt of a Cases line is no whole number of cases: give it in eaches.
            whole = it["received"] % max(size, 1) == 0
            receiving = {
                "receiveStatus": it["receive_status"],
                "receivedQuantity": qty_out(it["received"], unit if whole else "Eaches", size),
            }
            if it["last_receive"] is not None:
                receiving["lastReceiveDate"] = iso(it["last_receive"])
            lines.append(
                {
                    "itemSequenceNumber": str(it["seq"]),
                    "buyerProductIdentifier": it["asin"],
                    "vendorProductIdentifier": it["ean"] or it["sku"],
                    "netCost": money(it["net_cost"], self.currency),
                    "listPrice": money(it["list_price"], self.currency),
                    "orderedQuantity": {
                        "orderedQuantity": qty_out(ordered, unit, size),
                        "orderedQuantityDetails": details,
                    },
                    "acknowledgementStatus": ack,
                    "receivingStatus": receiving,
                }
            )
        return {
            "purchaseOrderNumber": po["number"],
            "purchaseOrderStatus": po["status"],
            "purchaseOrderDate": iso(po["created"]),
            "lastUpdatedDate": iso(po["last_updated"]),
            "sellingParty": {"partyId": po["vendor_code"]},
            "shipToParty": self._party(po["ship_to"]),
            "itemStatus": lines,
        }

    def list_status(self, params):
        now = self.tick()
        limit = parse_limit(params, 100)
        sort = parse_enum(params, "sortOrder", ("ASC", "DESC")) or "DESC"
        created = date_window(params, "createdAfter", "createdBefore", now, "created")
        updated = date_window(params, "updatedAfter", "updatedBefore", now, "updated")
        number = params.get("purchaseOrderNumber")
        if created is None and updated is None and not number:
            created = (now - SEVEN_DAYS, now)
        where, args = ["p.created <= ?"], [now]
        if created:
            where.append("p.created BETWEEN ? AND ?")
            args += list(created)
        if updated:
            where.append("p.last_updated BETWEEN ? AND ?")
            args += list(updated)
        if number:
            where.append("p.number = ?")
            args.append(number)
        status = parse_enum(params, "purchaseOrderStatus", ("OPEN", "CLOSED"))
        if status:
            where.append("p.status = ?")
            args.append(status)
        conf = parse_enum(
            params,
            "itemConfirmationStatus",
            ("ACCEPTED", "PARTIALLY_ACCEPTED", "REJECTED", "UNCONFIRMED"),
        )
        if conf:
            where.append(
                "EXISTS (SELECT 1 FROM items i WHERE i.po = p.number AND i.confirmation = ?)"
            )
            args.append(conf)
        recv = parse_enum(
            params, "itemReceiveStatus", ("NOT_RECEIVED", "PARTIALLY_RECEIVED", "RECEIVED")
        )
        if recv:
            where.append(
                "EXISTS (SELECT 1 FROM items i WHERE i.po = p.number AND i.receive_status = ?)"
            )
            args.append(recv)
        if params.get("orderingVendorCode"):
            where.append("p.vendor_code = ?")
            args.append(params["orderingVendorCode"])
        if params.get("shipToPartyId"):
            where.append("p.ship_to = ?")
            args.append(params["shipToPartyId"])
        offset = (
            decode_token(params["nextToken"], fingerprint(params)) if params.get("nextToken") else 0
        )
        rows = self.store.q(
            f"SELECT p.* FROM pos p WHERE {' AND '.join(where)} "
            f"ORDER BY p.created {sort}, p.number {sort} LIMIT ? OFFSET ?",
            args + [limit + 1, offset],
        )
        more = len(rows) > limit
        rows = rows[:limit]
        items = self._items_for([r["number"] for r in rows])
        payload = {"ordersStatus": [self.status_json(r, items[r["number"]]) for r in rows]}
        if more:
            payload["pagination"] = {"nextToken": encode_token(offset + limit, fingerprint(params))}
        return payload

    # ---- submissions -----------------------------------------------------------------

    SUBMISSIONS = {
        # kind: (list key, model file, definition, label)
        "acknowledgement": (
            "acknowledgements",
            "vendorOrders.json",
            "OrderAcknowledgement",
            "purchaseOrderNumber",
        ),
        "shipmentConfirmation": (
            "shipmentConfirmations",
            "vendorShipments.json",
            "ShipmentConfirmation",
            "shipmentIdentifier",
        ),
        "shipment": ("shipments", "vendorShipments.json", "Shipment", "vendorShipmentIdentifier"),
        "invoice": ("invoices", "vendorInvoices.json", "Invoice", "id"),
    }

    def submit(self, kind, body):
        """Validate against the official model and queue the document; return transactionId."""
        now = self.tick()
        key, filename, definition, label = self.SUBMISSIONS[kind]
        if not isinstance(body, dict) or not isinstance(body.get(key), list) or not body[key]:
            raise invalid(f"The request body must be an object with a non-empty '{key}' list")
        errors = []
        for index, doc in enumerate(body[key]):
            try:
                validate_definition(filename, definition, doc)
            except PayloadInvalid as exc:
                name = doc.get(label) if isinstance(doc, dict) else None
                where = f"{key}[{index}]" + (f" ({label} {name})" if name else "")
                for path, message in exc.errors[:20]:
                    errors.append(
                        {
                            "code": "InvalidInput",
                            "message": f"{where}: {message}",
                            "details": path.replace("$", f"$.{key}[{index}]", 1),
                        }
                    )
        if errors:
            raise ApiError(400, "InvalidInput", "", errors=errors[:50])
        tx = transaction_id(now)
        with self.store.lock:
            self.store.x(
                "INSERT INTO transactions (id, kind, created, complete_at, status, body) "
                "VALUES (?, ?, ?, ?, 'Processing', ?)",
                (tx, kind, now, now + self.cfg.transaction_delay, json.dumps(body)),
            )
        if self.cfg.transaction_delay <= 0:
            self.tick(force=True)
        return tx

    def get_transaction(self, tx_id):
        self.tick()
        if not tx_id or len(tx_id) < 16:
            raise invalid("Invalid transmission ID.", f"{tx_id!r} is not a transaction id.")
        row = self.store.one("SELECT * FROM transactions WHERE id = ?", (tx_id,))
        if row is None:
            raise ApiError(
                404,
                "ResourceNotFound",
                f"Transaction {tx_id} was not found",
                "Transaction ids are only known to the sandbox that issued them.",
            )
        out = {"transactionId": row["id"], "status": row["status"]}
        errors = json.loads(row["errors"])
        if errors:
            out["errors"] = errors
        return {"transactionStatus": out}

    # -- business rules, run when a transaction completes --

    def _visible_po(self, number, now):
        return self.store.one("SELECT * FROM pos WHERE number = ? AND created <= ?", (number, now))

    def _po_items(self, number):
        return {r["seq"]: r for r in self.store.q("SELECT * FROM items WHERE po = ?", (number,))}

    @staticmethod
    def _match_item(items, seq=None, asin=None, vendor_id=None):
        if asin or vendor_id:
            for it in items.values():
                if (asin and it["asin"] == asin) or (
                    vendor_id and vendor_id in (it["ean"], it["sku"])
                ):
                    return it
            return None
        try:
            return items.get(int(seq))
        except (TypeError, ValueError):
            return None

    def _process_acknowledgements(self, body, submitted, now):
        errors = []
        for ack in body["acknowledgements"]:
            number = ack["purchaseOrderNumber"]
            where = f"Acknowledgement for PO {number}"
            po = self._visible_po(number, submitted)
            if po is None:
                errors.append(_err("INVALID_PO_NUMBER", f"{where}: purchase order not found."))
                continue
            problems = []
            if ack["sellingParty"]["partyId"] != po["vendor_code"]:
                problems.append(
                    _err(
                        "INVALID_SELLING_PARTY",
                        f"{where}: sellingParty {ack['sellingParty']['partyId']} is not the PO's "
                        f"vendor code {po['vendor_code']}.",
                    )
                )
            if po["state"] == "Closed":
                problems.append(_err("PO_CLOSED", f"{where}: the purchase order is closed."))
            items = self._po_items(number)
            updates = {}
            for line in ack["items"]:
                it = self._match_item(
                    items,
                    line.get("itemSequenceNumber"),
                    line.get("amazonProductIdentifier"),
                    line.get("vendorProductIdentifier"),
                )
                ref = (
                    line.get("itemSequenceNumber")
                    or line.get("amazonProductIdentifier")
                    or line.get("vendorProductIdentifier")
                )
                if it is None:
                    problems.append(_err("INVALID_ITEM", f"{where}: item {ref} is not on the PO."))
                    continue
                ordered = 0 if it["cancelled"] else it["ordered"]
                acc = back = rej = 0
                for ia in line["itemAcknowledgements"]:
                    q = qty_in(ia["acknowledgedQuantity"])
                    code = ia["acknowledgementCode"]
                    if code == "Accepted":
                        acc += q
                    elif code == "Backordered":
                        back += q
                        if not it["backorder"]:
                            problems.append(
                                _err(
                                    "BACKORDER_NOT_ALLOWED",
                                    f"{where}, line {it['seq']} ({it['asin']}): backorder is not "
                                    "allowed on this item (isBackOrderAllowed false).",
                                )
                            )
                    else:
                        rej += q
                        if not ia.get("rejectionReason"):
                            problems.append(
                                _err(
                                    "MISSING_REJECTION_REASON",
                                    f"{where}, line {it['seq']}: a Rejected quantity needs a "
                                    "rejectionReason.",
                                )
                            )
                if acc + back + rej > ordered:
                    problems.append(
                        _err(
                            "ACKNOWLEDGED_QUANTITY_EXCEEDS_ORDERED",
                            f"{where}, line {it['seq']} ({it['asin']}): acknowledged "
                            f"{acc + back + rej} eaches but {ordered} were ordered.",
                        )
                    )
                cost = _decimal(line.get("netCost", {}).get("amount"))
                if cost is not None and cost > Decimal(it["net_cost"]):
                    problems.append(
                        _err(
                            "PRICE_EXCEEDS_PO_COST",
                            f"{where}, line {it['seq']} ({it['asin']}): netCost {cost} is above "
                            f"the PO net cost {it['net_cost']}.",
                        )
                    )
                updates[it["seq"]] = (acc + back, back, rej + max(ordered - acc - back - rej, 0))
            if problems:
                errors.extend(problems)
                continue
            self._apply_ack(po, items, updates, now)
        return errors

    def _apply_ack(self, po, items, updates, now):
        first = po["state"] == "New"
        any_accepted = False
        for seq, it in items.items():
            ordered = 0 if it["cancelled"] else it["ordered"]
            if seq in updates:
                accepted, backordered, rejected = updates[seq]
            elif first:  # lines missing from the first acknowledgement are rejected
                accepted, backordered, rejected = 0, 0, ordered
            else:
                any_accepted = any_accepted or it["accepted"] > 0
                continue
            details = json.loads(it["ack_details"])
            details.append({"date": now, "accepted": accepted, "rejected": rejected})
            self.store.x(
                "UPDATE items SET accepted = ?, backordered = ?, rejected = ?, confirmation = ?, "
                "ack_details = ?, cancel_at = NULL WHERE po = ? AND seq = ?",
                (
                    accepted,
                    backordered,
                    rejected,
                    confirmation(ordered, accepted, rejected),
                    json.dumps(details),
                    po["number"],
                    seq,
                ),
            )
            any_accepted = any_accepted or accepted > 0
        if any_accepted:
            self.store.x(
                "UPDATE pos SET state = 'Acknowledged', state_changed = CASE WHEN state = 'New' "
                "THEN ? ELSE state_changed END, last_updated = ? WHERE number = ?",
                (now, now, po["number"]),
            )
        else:
            self.store.x(
                "UPDATE pos SET state = 'Closed', status = 'CLOSED', state_changed = ?, "
                "last_updated = ?, close_at = NULL WHERE number = ?",
                (now, now, po["number"]),
            )

    def _process_asns(self, body, submitted, now):
        errors = []
        for asn in body["shipmentConfirmations"]:
            sid = asn["shipmentIdentifier"]
            where = f"Shipment confirmation {sid}"
            problems = []
            selling = asn["sellingParty"]["partyId"]
            existing = self.store.one("SELECT * FROM asns WHERE shipment_id = ?", (sid,))
            replace = asn["shipmentConfirmationType"] == "Replace"
            if existing and not replace:
                errors.append(
                    _err(
                        "DUPLICATE_SHIPMENT_IDENTIFIER",
                        f"{where}: shipmentIdentifier was already used; send a Replace to "
                        "change it or use a new identifier (not reused within 365 days).",
                    )
                )
                continue
            if replace and (existing is None or existing["selling_party"] != selling):
                problems.append(
                    _err(
                        "SHIPMENT_NOT_FOUND",
                        f"{where}: Replace needs an earlier Original with the same "
                        "shipmentIdentifier and sellingParty.",
                    )
                )
            shipped_at = None
            if asn.get("shippedDate"):
                try:
                    shipped_at = parse_dt("shippedDate", asn["shippedDate"])
                except ApiError:
                    problems.append(_err("INVALID_SHIPPED_DATE", f"{where}: bad shippedDate."))
                if shipped_at is not None and shipped_at > submitted + 300:
                    problems.append(
                        _err(
                            "SHIPPED_DATE_IN_FUTURE",
                            f"{where}: shippedDate {asn['shippedDate']} is in the future; send the "
                            "ASN after the truck left (within 30 minutes of departure).",
                        )
                    )
            previous = {}
            if replace and existing is not None:
                previous = self._asn_quantities(json.loads(existing["body"]))
            totals, lines = self._asn_lines(where, asn, submitted, selling, problems)
            for k, qty in totals.items():
                it = lines[k]
                already = it["shipped"] - previous.get(k, 0)
                if already + qty > it["accepted"]:
                    problems.append(
                        _err(
                            "SHIPPED_QUANTITY_EXCEEDS_ACCEPTED",
                            f"{where}: PO {k[0]} line {k[1]} ({it['asin']}) ships {qty} eaches; "
                            f"{already} already shipped and only {it['accepted']} were accepted.",
                        )
                    )
            if problems:
                errors.extend(problems)
                continue
            self._apply_asn(asn, sid, selling, replace, previous, totals, shipped_at, now)
        return errors

    def _asn_lines(self, where, asn, submitted, selling, problems):
        """Eaches per (PO, line) shipped by one ASN; PO/item problems go to `problems`."""
        totals, lines, checked = {}, {}, set()
        for item in asn["shippedItems"]:
            details = item.get("itemDetails") or {}
            number = details.get("purchaseOrderNumber")
            ref = (
                item.get("amazonProductIdentifier")
                or item.get("vendorProductIdentifier")
                or item["itemSequenceNumber"]
            )
            if not number:
                problems.append(
                    _err(
                        "MISSING_PURCHASE_ORDER_NUMBER",
                        f"{where}, item {ref}: itemDetails.purchaseOrderNumber is required.",
                    )
                )
                continue
            po = self._visible_po(number, submitted)
            if po is None:
                problems.append(
                    _err("INVALID_PO_NUMBER", f"{where}, item {ref}: PO {number} not found.")
                )
                continue
            if number not in checked:
                checked.add(number)
                problems.extend(self._asn_po_problems(where, asn, po, selling))
            items = self._po_items(number)
            it = self._match_item(
                items,
                None,
                item.get("amazonProductIdentifier"),
                item.get("vendorProductIdentifier"),
            )
            if it is None:
                problems.append(
                    _err("ITEM_NOT_ON_PO", f"{where}: item {ref} is not on PO {number}.")
                )
                continue
            k = (number, it["seq"])
            lines[k] = it
            totals[k] = totals.get(k, 0) + qty_in(item["shippedQuantity"])
        return totals, lines

    def _apply_asn(self, asn, sid, selling, replace, previous, totals, shipped_at, now):
        if replace:
            for (number, seq), qty in previous.items():
                self.store.x(
                    "UPDATE items SET shipped = shipped - ? WHERE po = ? AND seq = ?",
                    (qty, number, seq),
                )
            self.store.x("DELETE FROM receipts WHERE shipment_id = ? AND done = 0", (sid,))
        arrival = None
        if asn.get("estimatedDeliveryDate"):
            arrival = parse_dt("estimatedDeliveryDate", asn["estimatedDeliveryDate"])
        elif shipped_at is not None:
            arrival = shipped_at + 2 * DAY
        arrival = max(arrival or now + 2 * DAY, now + HOUR)
        for (number, seq), qty in totals.items():
            self.store.x(
                "UPDATE items SET shipped = shipped + ? WHERE po = ? AND seq = ?",
                (qty, number, seq),
            )
            self.store.x("UPDATE pos SET last_updated = ? WHERE number = ?", (now, number))
            self.store.x(
                "INSERT INTO receipts (po, seq, qty, receive_at, shipment_id) "
                "VALUES (?, ?, ?, ?, ?)",
                (number, seq, qty, arrival, sid),
            )
        self.store.x(
            "INSERT INTO asns (shipment_id, selling_party, created, body) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (shipment_id) DO UPDATE SET body = excluded.body",
            (sid, selling, now, json.dumps(asn)),
        )

    @staticmethod
    def _asn_po_problems(where, asn, po, selling):
        number, problems = po["number"], []
        if po["vendor_code"] != selling:
            problems.append(
                _err(
                    "INVALID_SELLING_PARTY",
                    f"{where}: PO {number} belongs to vendor code {po['vendor_code']}, "
                    f"not {selling}.",
                )
            )
        if po["state"] == "New":
            problems.append(
                _err(
                    "PO_NOT_ACKNOWLEDGED",
                    f"{where}: PO {number} is not acknowledged; acknowledge it first.",
                )
            )
        if asn["shipToParty"]["partyId"] != po["ship_to"]:
            problems.append(
                _err(
                    "SHIP_TO_MISMATCH",
                    f"{where}: shipToParty {asn['shipToParty']['partyId']} differs from PO "
                    f"{number}'s fulfilment centre {po['ship_to']}.",
                )
            )
        return problems

    def _asn_quantities(self, asn):
        out = {}
        for item in asn["shippedItems"]:
            number = (item.get("itemDetails") or {}).get("purchaseOrderNumber")
            it = self._match_item(
                self._po_items(number),
                None,
                item.get("amazonProductIdentifier"),
                item.get("vendorProductIdentifier"),
            )
            if it is not None:
                k = (number, it["seq"])
                out[k] = out.get(k, 0) + qty_in(item["shippedQuantity"])
        return out

    def _process_shipments(self, body, submitted, now):
        errors = []
        for shipment in body["shipments"]:
            vsid = shipment["vendorShipmentIdentifier"]
            where = f"Shipment {vsid}"
            existing = self.store.one(
                "SELECT * FROM shipments WHERE vendor_shipment_id = ?", (vsid,)
            )
            if shipment["transactionType"] == "Cancel":
                if existing is None:
                    errors.append(
                        _err(
                            "SHIPMENT_NOT_FOUND",
                            f"{where}: nothing to cancel under this identifier.",
                        )
                    )
                else:
                    self.store.x(
                        "UPDATE shipments SET cancelled = ? WHERE vendor_shipment_id = ?",
                        (now, vsid),
                    )
                continue
            problems = []
            if existing is not None:
                problems.append(
                    _err(
                        "DUPLICATE_VENDOR_SHIPMENT_IDENTIFIER",
                        f"{where}: vendorShipmentIdentifier already used.",
                    )
                )
            for order in shipment.get("purchaseOrders") or []:
                number = order.get("purchaseOrderNumber")
                po = self._visible_po(number, submitted) if number else None
                if po is None:
                    problems.append(
                        _err("INVALID_PO_NUMBER", f"{where}: purchase order {number} not found.")
                    )
                    continue
                items = self._po_items(number)
                for item in order.get("items") or []:
                    if (
                        self._match_item(
                            items,
                            None,
                            item.get("buyerProductIdentifier"),
                            item.get("vendorProductIdentifier"),
                        )
                        is None
                    ):
                        ref = (
                            item.get("buyerProductIdentifier")
                            or item.get("vendorProductIdentifier")
                            or item["itemSequenceNumber"]
                        )
                        problems.append(
                            _err("ITEM_NOT_ON_PO", f"{where}: item {ref} is not on PO {number}.")
                        )
            if problems:
                errors.extend(problems)
                continue
            rng = random.Random(hash_seed(f"{self.cfg.seed}:arn:{vsid}"))
            self.store.x(
                "INSERT INTO shipments (vendor_shipment_id, created, buyer_reference, body) "
                "VALUES (?, ?, ?, ?)",
                (vsid, now, "%010d" % rng.randint(10**9, 10**10 - 1), json.dumps(shipment)),
            )
        return errors

    def _process_invoices(self, body, submitted, now):
        errors = []
        seen = set()
        for inv in body["invoices"]:
            iid = inv["id"]
            where = f"{inv['invoiceType']} {iid}"
            problems = []
            if iid in seen or self.store.one("SELECT 1 FROM invoices WHERE id = ?", (iid,)):
                problems.append(
                    _err(
                        "DUPLICATE_INVOICE_NUMBER",
                        f"{where}: invoice number {iid} was already submitted; invoice numbers "
                        "must be unique.",
                    )
                )
            seen.add(iid)
            try:
                inv_date = parse_dt("date", inv["date"])
            except ApiError:
                inv_date = None
                problems.append(_err("INVALID_DATE", f"{where}: date {inv['date']!r} is invalid."))
            adds, dated = {}, set()
            for line in inv.get("items") or []:
                if inv["invoiceType"] == "Invoice":
                    self._invoice_line(where, inv, line, inv_date, submitted, adds, dated, problems)
            expected = _invoice_expected(inv)
            total = _decimal(inv["invoiceTotal"].get("amount"))
            tolerance = Decimal("0.01") * (1 + len(inv.get("items") or []))
            if inv.get("items") and (total is None or abs(total - expected) > tolerance):
                problems.append(
                    _err(
                        "INVOICE_TOTAL_MISMATCH",
                        f"{where}: invoiceTotal {inv['invoiceTotal'].get('amount')} differs from "
                        f"the sum of lines, taxes, charges and allowances {expected}.",
                    )
                )
            if problems:
                errors.extend(problems)
                continue
            for (number, seq), qty in adds.items():
                self.store.x(
                    "UPDATE items SET invoiced = invoiced + ? WHERE po = ? AND seq = ?",
                    (qty, number, seq),
                )
            self.store.x(
                "INSERT INTO invoices (id, created, body) VALUES (?, ?, ?)",
                (iid, now, json.dumps(inv)),
            )
        return errors

    def _invoice_line(self, where, inv, line, inv_date, submitted, adds, dated, problems):
        """Check one Invoice line against its PO; eaches to invoice accumulate in `adds`."""
        ref = (
            line.get("amazonProductIdentifier")
            or line.get("vendorProductIdentifier")
            or line["itemSequenceNumber"]
        )
        qty = qty_in(line["invoicedQuantity"])
        cost = _decimal(line["netCost"].get("amount"))
        number = line.get("purchaseOrderNumber")
        if not number:
            problems.append(
                _err(
                    "MISSING_PURCHASE_ORDER_NUMBER",
                    f"{where}, item {ref}: purchaseOrderNumber is required.",
                )
            )
            return
        po = self._visible_po(number, submitted)
        if po is None:
            problems.append(
                _err("INVALID_PO_NUMBER", f"{where}, item {ref}: PO {number} not found.")
            )
            return
        if inv_date is not None and number not in dated and inv_date < po["created"] - DAY:
            dated.add(number)
            problems.append(
                _err(
                    "INVOICE_DATE_BEFORE_PO_DATE",
                    f"{where}: invoice date {inv['date']} is before PO {number}'s date "
                    f"{iso(po['created'])}.",
                )
            )
        it = self._match_item(
            self._po_items(number),
            line["itemSequenceNumber"],
            line.get("amazonProductIdentifier"),
            line.get("vendorProductIdentifier"),
        )
        if it is None:
            problems.append(_err("ITEM_NOT_ON_PO", f"{where}: item {ref} is not on PO {number}."))
            return
        currency = line["netCost"].get("currencyCode")
        if currency and currency != self.currency:
            problems.append(
                _err(
                    "CURRENCY_MISMATCH",
                    f"{where}, PO {number} line {it['seq']}: currency {currency} differs "
                    f"from the PO currency {self.currency}.",
                )
            )
        if cost is None or cost != Decimal(it["net_cost"]):
            problems.append(
                _err(
                    "NET_COST_MISMATCH",
                    f"{where}, PO {number} line {it['seq']} ({it['asin']}): netCost "
                    f"{line['netCost'].get('amount')} differs from the PO net cost "
                    f"{it['net_cost']}.",
                )
            )
        k = (number, it["seq"])
        adds[k] = adds.get(k, 0) + qty
        if it["invoiced"] + adds[k] > it["shipped"]:
            problems.append(
                _err(
                    "INVOICED_QUANTITY_EXCEEDS_SHIPPED",
                    f"{where}, PO {number} line {it['seq']} ({it['asin']}): invoicing "
                    f"{adds[k]} eaches but only {it['shipped'] - it['invoiced']} shipped and "
                    "not yet invoiced.",
                )
            )


def _invoice_expected(inv):
    """Lines at net cost plus taxes (header, else lines), charges minus allowances."""
    expected = Decimal(0)
    for line in inv.get("items") or []:
        cost = _decimal(line["netCost"].get("amount"))
        if cost is not None:
            expected += cost * qty_in(line["invoicedQuantity"])
        if not inv.get("taxDetails"):
            for tax in line.get("taxDetails") or []:
                expected += _decimal(tax["taxAmount"].get("amount")) or 0
        expected += _charges(line)
    for tax in inv.get("taxDetails") or []:
        expected += _decimal(tax["taxAmount"].get("amount")) or 0
    return expected + _charges(inv)


def _err(code, message, details=""):
    return {"code": code, "message": message, "details": details}


def _decimal(value):
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _charges(doc):
    total = Decimal(0)
    for charge in doc.get("chargeDetails") or []:
        total += _decimal(charge["chargeAmount"].get("amount")) or 0
    for allowance in doc.get("allowanceDetails") or []:
        total -= _decimal(allowance["allowanceAmount"].get("amount")) or 0
    return total
