"""The sandbox's dispute desk: the demo's stand-in for Vendor Central's shortage dispute pages.

``POST /_sandbox/disputes`` takes a shortage dispute::

    {"kind": "shortage", "reference": "DSP/0001",
     "invoiceNumbers": ["1A2B3C4DINV"],
     "items": [{"invoiceNumber": "1A2B3C4DINV", "asin": "B0...", "quantity": 3,
                "shippedDate": "2026-01-02", "explanation": "..."}],
     "evidence": ["asn.json", "pod.pdf"]}

and answers ``{"caseId", "status": "PendingAmazonAction", "filedAt", "answerBy"}``. The desk
knows the truth of every claim it made (``shortage_claims``, sandbox/payments.py): units it
claimed on a line it had received in full are approved, units it really did not receive are
denied, and a dispute filed before the window opens (Amazon still matches receipts until
``dispute_opens_days`` after the due date) or after it closes is denied whole. One dispute and
one re-dispute per invoice. After ``dispute_review_days`` the answer shows in ``GET
/_sandbox/disputes/<case>`` and what was approved is paid back as ``<invoice>SCR`` in the next
payment run. Everything is decided from the stored state, so the same filings give the same
answers. ``GET /_sandbox/shortages/<invoice>`` shows the units claimed per ASIN, as Vendor
Central's shortage page does.
"""

import json
from datetime import datetime, timezone
from decimal import Decimal

from .common import ApiError, iso
from .config import hash_seed
from .generator import DAY

DISPUTES_SCHEMA = """
CREATE TABLE IF NOT EXISTS disputes (
    case_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, kind TEXT NOT NULL,
    filed_at REAL NOT NULL, decided_at REAL NOT NULL, body TEXT NOT NULL,
    decision TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dispute_invoices (case_id TEXT NOT NULL, invoice TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS dispute_invoices_invoice ON dispute_invoices (invoice);
"""
CENT = Decimal("0.01")
MAX_DISPUTES_PER_INVOICE = 2  # a dispute, then one re-dispute


def _date(ts):
    return datetime.fromtimestamp(ts, timezone.utc).date().isoformat()


def _problems(body):
    """Every problem of a dispute body, each naming its place."""
    if not isinstance(body, dict):
        return ["the body must be a JSON object"]
    problems = []
    kind = body.get("kind")
    if kind != "shortage":
        problems.append(
            f"kind: {kind!r} is not taken here; the sandbox desk answers shortage disputes "
            "(price claims and chargebacks have their own forms in Vendor Central)"
        )
    invoices = body.get("invoiceNumbers")
    if (
        not isinstance(invoices, list)
        or not invoices
        or not all(isinstance(n, str) and n.strip() for n in invoices)
    ):
        problems.append("invoiceNumbers: a non-empty list of invoice numbers is required")
        invoices = []
    items = body.get("items")
    if not isinstance(items, list) or not items:
        problems.append("items: a non-empty list of {invoiceNumber, asin, quantity} is required")
        items = []
    for index, item in enumerate(items):
        where = f"items[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected an object")
            continue
        if item.get("invoiceNumber") not in invoices:
            problems.append(f"{where}.invoiceNumber: {item.get('invoiceNumber')!r} is not listed")
        if not isinstance(item.get("asin"), str) or not item.get("asin"):
            problems.append(f"{where}.asin: required")
        quantity = item.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            problems.append(f"{where}.quantity: a whole number above 0, not {quantity!r}")
    evidence = body.get("evidence")
    if (
        not isinstance(evidence, list)
        or not evidence
        or not all(isinstance(name, str) and name for name in evidence)
    ):
        problems.append(
            "evidence: name at least one attached file (proof of delivery, bill of lading, ASN)"
        )
    return problems


class DisputesMixin:
    """Mixed into VendorCentral: needs the payments tables and settings (PaymentsMixin)."""

    _disputes_ready = False

    def _disputes_schema(self):
        if not self._disputes_ready:
            self.store.conn.executescript(DISPUTES_SCHEMA)
            self._disputes_ready = True

    def file_dispute(self, body):
        """A new case for a shortage dispute (the answer is decided now, shown later)."""
        problems = _problems(body)
        if problems:
            raise ApiError(
                400,
                "InvalidInput",
                "The dispute is not valid",
                errors=[
                    {"code": "InvalidInput", "message": problem, "details": ""}
                    for problem in problems
                ],
            )
        now = self.tick()
        self._disputes_schema()
        settings = self._payment_settings()
        store = self.store
        seq = store.one("SELECT COUNT(*) FROM disputes")[0] + 1
        case_id = "%010d" % (hash_seed(f"{self.cfg.seed}:dispute:{seq}") % 10**10)
        decided_at = now + int(settings["dispute_review_days"]) * DAY
        store.x("BEGIN")
        try:
            decision = self._decide(body, now, decided_at, settings)
            store.x(
                "INSERT INTO disputes VALUES (?, ?, ?, ?, ?, ?, ?)",
                (case_id, seq, body["kind"], now, decided_at, json.dumps(body))
                + (json.dumps(decision),),
            )
            for invoice in dict.fromkeys(body["invoiceNumbers"]):
                store.x("INSERT INTO dispute_invoices VALUES (?, ?)", (case_id, invoice))
            store.x("COMMIT")
        except BaseException:
            store.x("ROLLBACK")
            raise
        return {
            "caseId": case_id,
            "status": "PendingAmazonAction",
            "filedAt": iso(now),
            "answerBy": iso(decided_at),
        }

    def dispute(self, case_id):
        """The case as Vendor Central shows it: pending until answered, then the answer."""
        now = self.tick()
        self._disputes_schema()
        row = self.store.one("SELECT * FROM disputes WHERE case_id = ?", (case_id,))
        if row is None:
            raise ApiError(404, "NotFound", f"No dispute case {case_id}")
        body, decision = json.loads(row["body"]), json.loads(row["decision"])
        out = {
            "caseId": row["case_id"],
            "kind": row["kind"],
            "reference": body.get("reference"),
            "invoiceNumbers": body["invoiceNumbers"],
            "evidence": body["evidence"],
            "filedAt": iso(row["filed_at"]),
            "answerBy": iso(row["decided_at"]),
            "currency": self.currency,
            "status": "PendingAmazonAction",
            "answer": None,
            "approvedAmount": None,
            "reversals": [],
            "items": [
                {k: item[k] for k in ("invoiceNumber", "asin", "disputedQuantity")}
                for item in decision["items"]
            ],
        }
        if now >= row["decided_at"]:
            out.update(
                status=decision["status"],
                answer=decision["answer"],
                approvedAmount=decision["approvedAmount"],
                reversals=decision["reversals"],
                items=decision["items"],
            )
        return out

    def shortage_detail(self, invoice):
        """What Vendor Central's *Review/Dispute Shortages* page shows for an invoice: the
        units claimed per ASIN (never whether the claim was true)."""
        self.tick()
        rows = self.store.q(
            "SELECT c.number, ci.asin, SUM(ci.qty) AS qty, ci.net_cost FROM shortage_claims c "
            "JOIN shortage_claim_items ci ON ci.claim = c.number WHERE c.invoice = ? "
            "GROUP BY c.number, ci.asin ORDER BY c.claimed_at, c.number, MIN(ci.rowid)",
            (invoice,),
        )
        if not rows:
            raise ApiError(404, "NotFound", f"Invoice {invoice} has no shortage claim")
        return {
            "invoiceNumber": invoice,
            "claims": [
                {
                    "claimNumber": row["number"],
                    "asin": row["asin"],
                    "quantity": row["qty"],
                    "amount": str((Decimal(row["net_cost"]) * row["qty"]).quantize(CENT)),
                }
                for row in rows
            ],
        }

    def list_disputes(self):
        self.tick()
        self._disputes_schema()
        cases = self.store.q("SELECT case_id FROM disputes ORDER BY seq")
        return {"disputes": [self.dispute(row["case_id"]) for row in cases]}

    # ---- the decision --------------------------------------------------------------------

    def _decide(self, body, now, decided_at, settings):
        opens_days = int(settings["dispute_opens_days"])
        closes_days = int(settings["dispute_closes_days"])
        items, reversals, notes = [], [], []
        approved_total = disputed_total = Decimal(0)
        for invoice in dict.fromkeys(body["invoiceNumbers"]):
            wanted = [i for i in body["items"] if i["invoiceNumber"] == invoice]
            claims = self.store.q(
                "SELECT * FROM shortage_claims WHERE invoice = ? ORDER BY claimed_at", (invoice,)
            )
            refusal = None
            if not claims:
                refusal = f"Invoice {invoice} has no shortage claim."
            else:
                due = claims[0]["due"]
                opens, closes = due + opens_days * DAY, due + closes_days * DAY
                earlier = self.store.one(
                    "SELECT COUNT(*) FROM dispute_invoices WHERE invoice = ?", (invoice,)
                )[0]
                if now < opens:
                    refusal = (
                        f"Invoice {invoice}: disputed on {_date(now)}, before its dispute window "
                        f"opens on {_date(opens)} (Amazon matches receipts for {opens_days} days "
                        "after the due date)."
                    )
                elif now > closes:
                    refusal = (
                        f"Invoice {invoice}: disputed on {_date(now)}, after its dispute window "
                        f"closed on {_date(closes)}."
                    )
                elif earlier >= MAX_DISPUTES_PER_INVOICE:
                    refusal = (
                        f"Invoice {invoice} was already disputed and re-disputed; open a "
                        "Contact-Us case (Statement of Open Items) instead."
                    )
            if refusal:
                notes.append(refusal)
            recovered = Decimal(0)
            for item in wanted:
                value, approved, reason = self._decide_item(invoice, item, refusal)
                disputed_total += value["disputed"]
                recovered += value["approved"]
                items.append(
                    {
                        "invoiceNumber": invoice,
                        "asin": item["asin"],
                        "disputedQuantity": item["quantity"],
                        "approvedQuantity": approved,
                        "reason": reason,
                    }
                )
            if recovered > 0:
                claim = claims[0]
                pct = Decimal(claim["discount_percent"])
                line = self._claim(
                    f"{invoice}SCR",
                    {"date": claim["invoice_date"]},
                    recovered,
                    pct,
                    "Shortage claim reversal",
                )
                self._schedule(claim["vendor_code"], decided_at, line)
                reversals.append({"invoiceNumber": line["number"], "amount": str(recovered)})
                approved_total += recovered
        if approved_total and approved_total >= disputed_total:
            status = "Approved"
            verdict = "Approved: the units were received; the claim is reversed."
        elif approved_total:
            status = "PartiallyApproved"
            verdict = "Partially approved: some units were received, the rest stay short."
        else:
            status, verdict = "Denied", "Denied."
        answer = " ".join([verdict, *notes, *(i["reason"] for i in items)])
        return {
            "status": status,
            "answer": answer,
            "approvedAmount": str(approved_total),
            "reversals": reversals,
            "items": items,
        }

    def _decide_item(self, invoice, item, refusal):
        """(values disputed/approved, approved quantity, reason) of one disputed ASIN; the
        approved units are marked repaid so that no later dispute recovers them again."""
        rows = self.store.q(
            "SELECT ci.rowid AS rid, ci.*, i.shipped, i.received FROM shortage_claim_items ci "
            "JOIN shortage_claims c ON c.number = ci.claim "
            "JOIN items i ON i.po = ci.po AND i.seq = ci.seq "
            "WHERE c.invoice = ? AND ci.asin = ? ORDER BY c.claimed_at, ci.rowid",
            (invoice, item["asin"]),
        )
        asin, wanted = item["asin"], item["quantity"]
        cost = Decimal(rows[0]["net_cost"]) if rows else Decimal(0)
        claimed = sum(r["qty"] for r in rows)
        value = {"disputed": cost * min(wanted, claimed), "approved": Decimal(0)}
        if refusal:
            return value, 0, f"{asin}: not reviewed."
        if not rows:
            return value, 0, f"{asin}: no shortage was claimed on invoice {invoice}."
        approved = 0
        for row in rows:
            if not row["received_in_full"] or approved >= wanted:
                continue
            take = min(row["qty"] - row["repaid"], wanted - approved)
            if take > 0:
                approved += take
                self.store.x(
                    "UPDATE shortage_claim_items SET repaid = repaid + ? WHERE rowid = ?",
                    (take, row["rid"]),
                )
        value["approved"] = (cost * approved).quantize(CENT)
        value["disputed"] = value["disputed"].quantize(CENT)
        first = rows[0]
        if approved:
            reason = (
                f"{asin}: Amazon received all {first['shipped']} units shipped on PO "
                f"{first['po']}; {approved} unit(s) paid back."
            )
        elif any(r["received_in_full"] for r in rows):
            reason = f"{asin}: already paid back (reversal {invoice}SCR)."
        else:
            reason = (
                f"{asin}: Amazon received {first['received']} of {first['shipped']} units "
                f"shipped on PO {first['po']}; the shortage stands."
            )
        return value, approved, reason
