"""The sandbox pays: weekly remittances for the invoices it accepted, with Amazon's deductions,
exported as Vendor Central's Payments XLSX or CSV.

Each payment run (``weekday``, 08:00 UTC) pays, per vendor code, the invoices due by then on
their terms (the invoice's own payment terms, else the defaults below: a terms discount when
paid by the discount date), minus:

- shortage claims (``<invoice>SC``): true ones for what its own receipts found short of what
  the vendor's ASN shipped, and false ones (``false_shortage_rate``) on lines it received in
  full, as when Amazon's invoice matching misses a receipt. Its own matching finds some false
  ones again (``reversal_rate``) and reverses them five to seven weeks later (``…SCR``), a few
  of those claimed again (``…SCRSC``); the rest wait for a dispute (sandbox/disputes.py).
  Every claim is kept per ASIN with the truth (``shortage_claims``), so the dispute desk
  knows which were false;
- price claims (``<invoice>PC``);
- chargebacks (``<10 digits>VCBSINV``) for ASNs sent more than a day after the shipment left
  or whose quantities the receipt did not find (history invoices: at ``chargeback_rate``);
- monthly co-op and damage-allowance agreements (``NNNN-NNNNNNNNNN``) on the previous month;
- a provision for receivables (``YYMMDD_PROVISION_FOR_RECEIVABLES``) after the 20th of each
  month, reversed in full (``…-R``) on the next run;
- price protection (``IPAPUS`` + 7 digits) on some runs: a cost decrease Amazon applies to
  the units it holds, a share of the run's invoices.

Some payments' lines are hidden (``hidden_rate``), as when ordering codes are not set up:
the export lists them under the warning row and leaves their lines out. Everything is
deterministic from the seed; payments once made are stored and never change.

Invoices from the history (before the sandbox's epoch) are numbered ``<PO>INV``; invoices a
vendor submitted keep their own numbers. Settings: ``SandboxConfig.payments`` overrides
``PAYMENT_DEFAULTS``.
"""

import csv
import io
import json
import random
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

from .chargebacks import history_draws, issue_id
from .common import date_bounds, invalid, parse_dt, xlsx_sheet
from .config import hash_seed
from .generator import DAY, HOUR, day_of, day_start

CENT = Decimal("0.01")
PAYMENT_DEFAULTS = {
    "net_days": 60,  # terms of history invoices (and of submitted ones without terms)
    "discount_percent": "2",
    "discount_days": 30,
    "weekday": 1,  # Tuesday
    "history_days": 60,  # how far before the epoch payments are generated
    "price_claim_rate": 0.03,
    "chargeback_rate": 0.02,
    "reversal_rate": 0.3,
    "revised_rate": 0.2,
    "hidden_rate": 0.1,
    "coop_percent": "3",
    "damage_allowance_percent": "0.5",
    "provision_percent": "2",
    "price_protection_rate": 0.25,  # share of runs with a price-protection debit note
    "price_protection_percent": "1",
    "false_shortage_rate": 0.2,  # invoices claimed short although received in full
    # The dispute desk (sandbox/disputes.py): a shortage dispute is taken from this many days
    # after the invoice's due date until that many, and answered after review_days.
    "dispute_opens_days": 35,
    "dispute_closes_days": 730,
    "dispute_review_days": 7,
}
PAYMENTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS payments (
    number TEXT PRIMARY KEY, vendor_code TEXT NOT NULL, paid_at REAL NOT NULL,
    currency TEXT NOT NULL, amount TEXT NOT NULL, hidden INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS payments_paid_at ON payments (paid_at);
CREATE TABLE IF NOT EXISTS payment_lines (
    payment TEXT NOT NULL, seq INTEGER NOT NULL, invoice_number TEXT NOT NULL,
    invoice_date REAL NOT NULL, description TEXT NOT NULL, invoice_amount TEXT NOT NULL,
    discount TEXT NOT NULL, amount_paid TEXT NOT NULL, kind TEXT NOT NULL,
    PRIMARY KEY (payment, seq)
);
CREATE TABLE IF NOT EXISTS paid_invoices (number TEXT PRIMARY KEY, payment TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS shortage_claims (
    number TEXT PRIMARY KEY, invoice TEXT NOT NULL, vendor_code TEXT NOT NULL,
    invoice_date REAL NOT NULL, due REAL NOT NULL, claimed_at REAL NOT NULL,
    amount TEXT NOT NULL, discount_percent TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS shortage_claims_invoice ON shortage_claims (invoice);
CREATE TABLE IF NOT EXISTS shortage_claim_items (
    claim TEXT NOT NULL, po TEXT NOT NULL, seq INTEGER NOT NULL, asin TEXT NOT NULL,
    qty INTEGER NOT NULL, net_cost TEXT NOT NULL, received_in_full INTEGER NOT NULL,
    repaid INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS shortage_claim_items_claim ON shortage_claim_items (claim);
CREATE TABLE IF NOT EXISTS deductions_due (
    id INTEGER PRIMARY KEY, vendor_code TEXT NOT NULL, due REAL NOT NULL,
    number TEXT NOT NULL, invoice_date REAL NOT NULL, description TEXT NOT NULL,
    amount TEXT NOT NULL, discount TEXT NOT NULL, kind TEXT NOT NULL,
    paid INTEGER NOT NULL DEFAULT 0
);
"""
PAYMENT_HEADER = (
    "Payment Number",
    "Payment Date",
    "Currency",
    "Amount",
    "Remit-to Name",
    "Site",
    "Vendor Code",
    "Payment Type",
    "Payment Status",
    "Void Reason",
)
LINE_HEADER = (
    "Payment Number",
    "Invoice Number",
    "Invoice Date",
    "Description",
    "Invoice Amount",
    "Invoice Currency",
    "Withholding Amount",
    "Terms Discount Amount",
    "Amount Paid",
    "Remaining Amount",
)
HIDDEN_WARNING = (
    "Invoices for the following payments will not be displayed, as the corresponding "
    "ordering codes are not setup in your account"
)


def _cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _day(ts):
    return datetime.fromtimestamp(ts, timezone.utc).date()


def _line_values(line):
    """A line's stored columns: number, date, description, amount, discount, kind."""
    return (
        line["number"],
        line["date"],
        line["description"],
        str(line["amount"]),
        str(line["discount"]),
        line["kind"],
    )


def payment_settings(overrides):
    unknown = sorted(set(overrides or {}) - set(PAYMENT_DEFAULTS))
    if unknown:
        raise ValueError(
            f"Unknown sandbox payment setting(s) {', '.join(unknown)}; "
            f"valid: {', '.join(sorted(PAYMENT_DEFAULTS))}"
        )
    return {**PAYMENT_DEFAULTS, **(overrides or {})}


class PaymentsMixin:
    """Mixed into VendorCentral: needs self.store, self.cfg, self.currency, self.epoch."""

    _payments_ready = False

    def _payment_settings(self):
        return payment_settings(getattr(self.cfg, "payments", None))

    def pay_until(self, now):
        """Make every payment run due by ``now`` (cheap when none is)."""
        store = self.store
        if not self._payments_ready:
            store.conn.executescript(PAYMENTS_SCHEMA)
            self._payments_ready = True
        epoch = self.epoch
        if epoch is None:
            return
        settings = self._payment_settings()
        last = store.get_meta("payments_until")
        if last is None:
            last = day_of(epoch) - int(settings["history_days"]) - 1
        day = last + 1
        while day_start(day) + 8 * HOUR <= now:
            if date.fromordinal(day).weekday() == int(settings["weekday"]):
                store.x("BEGIN")
                try:
                    for vendor in self.cfg.vendor_codes:
                        self._payment_run(vendor, day_start(day) + 8 * HOUR, settings)
                    store.set_meta("payments_until", day)
                    store.x("COMMIT")
                except BaseException:
                    store.x("ROLLBACK")
                    raise
            else:
                store.set_meta("payments_until", day)
            day += 1

    # ---- one run -------------------------------------------------------------------------

    def _rng(self, *parts):
        return random.Random(hash_seed(":".join(str(p) for p in (self.cfg.seed, "pay", *parts))))

    def _payment_run(self, vendor, at, settings):
        lines = []
        invoices = self._due_invoices(vendor, at, settings)
        for invoice in invoices:
            lines += self._invoice_lines(vendor, invoice, at, settings)
        self._monthly_deductions(vendor, at, settings, invoices)
        self._price_protection(vendor, at, settings, invoices)
        if not any(line["kind"] == "invoice" for line in lines):
            return None  # deductions wait for a run that pays invoices
        for row in self.store.q(
            "SELECT * FROM deductions_due WHERE vendor_code = ? AND due <= ? AND paid = 0 "
            "ORDER BY due, id",
            (vendor, at),
        ):
            lines.append(
                {
                    "number": row["number"],
                    "date": row["invoice_date"],
                    "description": row["description"],
                    "amount": Decimal(row["amount"]),
                    "discount": Decimal(row["discount"]),
                    "kind": row["kind"],
                }
            )
            self.store.x("UPDATE deductions_due SET paid = 1 WHERE id = ?", (row["id"],))
        rng = self._rng("payment", vendor, at)
        number = str(rng.randint(10**7, 10**8 - 1))
        while self.store.one("SELECT 1 FROM payments WHERE number = ?", (number,)):
            number = str(rng.randint(10**7, 10**8 - 1))
        total = sum((line["amount"] - line["discount"] for line in lines), Decimal(0))
        hidden = rng.random() < float(settings["hidden_rate"])
        self.store.x(
            "INSERT INTO payments VALUES (?, ?, ?, ?, ?, ?)",
            (number, vendor, at, self.currency, str(total), int(hidden)),
        )
        for seq, line in enumerate(lines, 1):
            paid = line["amount"] - line["discount"]
            self.store.x(
                "INSERT INTO payment_lines (payment, seq, invoice_number, invoice_date, "
                "description, invoice_amount, discount, kind, amount_paid) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (number, seq, *_line_values(line), str(paid)),
            )
            if line["kind"] in ("invoice", "credit_note"):
                self.store.x("INSERT INTO paid_invoices VALUES (?, ?)", (line["number"], number))
        return number

    def _due_invoices(self, vendor, at, settings):
        """Invoices of the vendor code due by ``at`` and not paid yet, oldest first."""
        start = self.epoch - int(settings["history_days"]) * DAY
        pct = Decimal(str(settings["discount_percent"]))
        days = int(settings["discount_days"]) if pct else int(settings["net_days"])
        live = self._live_invoices(vendor, at, settings)
        billed = {po for invoice in live for po in invoice["pos"]}
        out = []
        for po in self.store.q(
            "SELECT p.number, p.ship_start FROM pos p WHERE p.vendor_code = ? "
            "AND p.created < ? AND p.ship_start + ? <= ? AND p.ship_start + ? > ? "
            "AND EXISTS (SELECT 1 FROM items i WHERE i.po = p.number AND i.invoiced > 0) "
            "ORDER BY p.ship_start, p.number",
            (vendor, self.epoch, days * DAY, at, days * DAY, start),
        ):
            number = f"{po['number']}INV"
            if po["number"] in billed or self._paid(number):
                continue
            amount = sum(
                (
                    Decimal(item["net_cost"]) * item["invoiced"]
                    for item in self.store.q(
                        "SELECT net_cost, invoiced FROM items WHERE po = ?", (po["number"],)
                    )
                ),
                Decimal(0),
            )
            out.append(
                {
                    "number": number,
                    "date": float(po["ship_start"]),
                    "amount": _cents(amount),
                    "discount_percent": pct,
                    "pos": [po["number"]],
                    "kind": "invoice",
                    "history": True,
                    "due": float(po["ship_start"]) + days * DAY,
                }
            )
        return out + [invoice for invoice in live if invoice["due"] <= at]

    def _paid(self, number):
        return self.store.one("SELECT 1 FROM paid_invoices WHERE number = ?", (number,))

    def _live_invoices(self, vendor, at, settings):
        out = []
        for row in self.store.q("SELECT * FROM invoices WHERE created <= ?", (at,)):
            body = json.loads(row["body"])
            party = (body.get("remitToParty") or {}).get("partyId")
            if party not in (vendor, None) or self._paid(row["id"]):
                continue
            if party is None and vendor != self.cfg.vendor_codes[0]:
                continue
            terms = body.get("paymentTerms") or {}
            pct = Decimal(str(terms.get("discountPercent") or 0))
            days = terms.get("discountDueDays") if pct else terms.get("netDueDays")
            days = int(days or settings["net_days"])
            issued = parse_dt("date", body["date"])
            amount = _cents(body["invoiceTotal"]["amount"])
            credit = body.get("invoiceType") == "CreditNote"
            out.append(
                {
                    "number": row["id"],
                    "date": issued,
                    "amount": -abs(amount) if credit else amount,
                    "discount_percent": Decimal(0) if credit else pct,
                    "pos": sorted(
                        {
                            i["purchaseOrderNumber"]
                            for i in body.get("items") or []
                            if i.get("purchaseOrderNumber")
                        }
                    ),
                    "kind": "credit_note" if credit else "invoice",
                    "history": False,
                    "due": max(issued + days * DAY, row["created"]),
                }
            )
        return out

    def _invoice_lines(self, vendor, invoice, at, settings):
        number, amount, pct = invoice["number"], invoice["amount"], invoice["discount_percent"]
        discount = _cents(amount * pct / 100)
        lines = [
            {
                "number": number,
                "date": invoice["date"],
                "description": "Invoice" if invoice["kind"] == "invoice" else "Credit note",
                "amount": amount,
                "discount": discount,
                "kind": invoice["kind"],
            }
        ]
        if invoice["kind"] != "invoice":
            return lines
        rng = self._rng("invoice", number)
        items = self._short_items(invoice["pos"])
        items += self._false_short_items(invoice, items, settings)
        short = _cents(sum((Decimal(i["net_cost"]) * i["qty"] for i in items), Decimal(0)))
        if short > 0:
            claim = min(short, amount)
            lines.append(self._claim(f"{number}SC", invoice, -claim, pct, "Shortage claim"))
            self._record_claim(vendor, f"{number}SC", invoice, at, claim, items)
            false_items = [i for i in items if i["received_in_full"]]
            # Amazon's own matching finds some false claims again and reverses them.
            if rng.random() < float(settings["reversal_rate"]) and false_items:
                later = at + rng.randint(35, 49) * DAY
                back = min(claim, self._repay(f"{number}SC", false_items))
                self._schedule(
                    vendor,
                    later,
                    self._claim(f"{number}SCR", invoice, back, pct, "Shortage claim reversal"),
                )
                if rng.random() < float(settings["revised_rate"]):
                    again = dict(false_items[0], qty=max(1, false_items[0]["qty"] // 2))
                    value = _cents(Decimal(again["net_cost"]) * again["qty"])
                    revised = self._claim(
                        f"{number}SCRSC", invoice, -value, pct, "Revised shortage claim"
                    )
                    self._schedule(vendor, later, revised)
                    self._record_claim(vendor, revised["number"], invoice, later, value, [again])
        if rng.random() < float(settings["price_claim_rate"]):
            price = _cents(amount * Decimal(str(round(rng.uniform(0.01, 0.05), 4))))
            lines.append(self._claim(f"{number}PC", invoice, -price, Decimal(0), "Price claim"))
        reason = self._asn_fault(invoice, settings)
        if reason:
            fee = _cents(amount * Decimal("0.02"))
            # The chargeback list's debit note for the PO, history or live.
            ref = issue_id(self.cfg.seed, invoice["pos"][0], "ASN Accuracy")
            lines.append(
                {
                    "number": f"{ref}VCBSINV",
                    "date": at - rng.randint(1, 6) * DAY,
                    "description": f"ASN Accuracy: {reason}",
                    "amount": -fee,
                    "discount": Decimal(0),
                    "kind": "chargeback",
                }
            )
        return lines

    @staticmethod
    def _claim(number, invoice, amount, pct, description):
        # The terms discount taken on the claimed part is given back (or taken again).
        kind = {
            "SC": "shortage_claim",
            "SCR": "shortage_claim_reversal",
            "SCRSC": "revised_shortage_claim",
            "PC": "price_claim",
        }
        suffix = next(s for s in ("SCRSC", "SCR", "SC", "PC") if number.endswith(s))
        return {
            "number": number,
            "date": invoice["date"],
            "description": description,
            "amount": amount,
            "discount": _cents(amount * pct / 100),
            "kind": kind[suffix],
        }

    def _short_items(self, pos):
        """True shortages: lines Amazon received short of what the vendor's ASN shipped."""
        out = []
        for po in pos:
            for item in self.store.q(
                "SELECT seq, asin, net_cost, shipped, received, receive_status FROM items "
                "WHERE po = ? ORDER BY seq",
                (po,),
            ):
                if item["receive_status"] != "NOT_RECEIVED" and item["shipped"] > item["received"]:
                    out.append(
                        {
                            "po": po,
                            "seq": item["seq"],
                            "asin": item["asin"],
                            "qty": item["shipped"] - item["received"],
                            "net_cost": item["net_cost"],
                            "received_in_full": 0,
                        }
                    )
        return out

    def _false_short_items(self, invoice, true_items, settings):
        """A false shortage, now and then: units claimed on a line Amazon received in full."""
        rng = self._rng("false-shortage", invoice["number"])
        if rng.random() >= float(settings["false_shortage_rate"]):
            return []
        short = {(i["po"], i["seq"]) for i in true_items}
        full = [
            (po, item)
            for po in invoice["pos"]
            for item in self.store.q(
                "SELECT seq, asin, net_cost, shipped, received FROM items "
                "WHERE po = ? AND shipped > 0 AND received >= shipped ORDER BY seq",
                (po,),
            )
            if (po, item["seq"]) not in short
        ]
        if not full:
            return []
        po, item = rng.choice(full)
        qty = max(1, int(item["shipped"] * rng.uniform(0.02, 0.1)))
        return [
            {
                "po": po,
                "seq": item["seq"],
                "asin": item["asin"],
                "qty": min(qty, item["shipped"]),
                "net_cost": item["net_cost"],
                "received_in_full": 1,
            }
        ]

    def _record_claim(self, vendor, number, invoice, at, amount, items):
        """What the sandbox knows of a shortage claim: per ASIN, and whether it was true."""
        self.store.x(
            "INSERT INTO shortage_claims VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                number,
                invoice["number"],
                vendor,
                invoice["date"],
                invoice["due"],
                at,
                str(amount),
                str(invoice["discount_percent"]),
            ),
        )
        for item in items:
            self.store.x(
                "INSERT INTO shortage_claim_items (claim, po, seq, asin, qty, net_cost, "
                "received_in_full) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    number,
                    item["po"],
                    item["seq"],
                    item["asin"],
                    item["qty"],
                    item["net_cost"],
                    item["received_in_full"],
                ),
            )

    def _repay(self, claim, items):
        """Mark the false units of ``items`` repaid; their value."""
        for item in items:
            self.store.x(
                "UPDATE shortage_claim_items SET repaid = qty WHERE claim = ? AND po = ? "
                "AND seq = ?",
                (claim, item["po"], item["seq"]),
            )
        return _cents(sum((Decimal(i["net_cost"]) * i["qty"] for i in items), Decimal(0)))

    def _short_value(self, pos):
        value = Decimal(0)
        for po in pos:
            for item in self.store.q(
                "SELECT net_cost, shipped, received, receive_status FROM items WHERE po = ?",
                (po,),
            ):
                if item["receive_status"] != "NOT_RECEIVED" and item["shipped"] > item["received"]:
                    value += Decimal(item["net_cost"]) * (item["shipped"] - item["received"])
        return _cents(value)

    def _asn_fault(self, invoice, settings):
        if invoice["history"]:  # the chargeback list's draw for the PO (chargebacks.py)
            draw, _label = history_draws(self.cfg.seed, invoice["pos"][0])
            return "Late ASN" if draw < float(settings["chargeback_rate"]) else None
        for po in invoice["pos"]:
            for asn in self.store.q("SELECT created, body FROM asns"):
                body = json.loads(asn["body"])
                items = body.get("shippedItems") or []
                if not any(
                    (i.get("itemDetails") or {}).get("purchaseOrderNumber") == po for i in items
                ):
                    continue
                shipped = body.get("shippedDate")
                if shipped:
                    left = parse_dt("shippedDate", shipped)
                    if asn["created"] - left > DAY:
                        return "Late ASN"
            if self._short_value([po]) > 0:
                return "ASN quantity mismatch"
        return None

    def _schedule(self, vendor, due, line):
        self.store.x(
            "INSERT INTO deductions_due (vendor_code, due, number, invoice_date, description, "
            "amount, discount, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (vendor, due, *_line_values(line)),
        )

    def _monthly_deductions(self, vendor, at, settings, invoices):
        today, week_ago = _day(at), _day(at - 7 * DAY)
        if today.month != week_ago.month:  # first run of the month: last month's agreements
            first = date(week_ago.year, week_ago.month, 1)
            start = datetime(first.year, first.month, 1, tzinfo=timezone.utc).timestamp()
            end = datetime(today.year, today.month, 1, tzinfo=timezone.utc).timestamp()
            billed = sum(
                (
                    Decimal(row[0])
                    for row in self.store.q(
                        "SELECT l.invoice_amount FROM payment_lines l JOIN payments p "
                        "ON p.number = l.payment WHERE p.vendor_code = ? AND l.kind = 'invoice' "
                        "AND p.paid_at >= ? AND p.paid_at < ?",
                        (vendor, start, end),
                    )
                ),
                Decimal(0),
            )
            rng = self._rng("coop", vendor, first.isoformat())
            for description, key in (
                ("Co-op", "coop_percent"),
                ("Damage allowance", "damage_allowance_percent"),
            ):
                fee = _cents(billed * Decimal(str(settings[key])) / 100)
                if fee > 0:
                    agreement = "%04d-%010d" % (
                        rng.randint(1000, 9999),
                        rng.randint(10**9, 10**10 - 1),
                    )
                    self._schedule(
                        vendor,
                        at,
                        {
                            "number": agreement,
                            "date": end - DAY,
                            "description": description,
                            "amount": -fee,
                            "discount": Decimal(0),
                            "kind": "coop",
                        },
                    )
        if today.day >= 20 and (week_ago.day < 20 or week_ago.month != today.month):
            held = _cents(
                sum((i["amount"] for i in invoices if i["kind"] == "invoice"), Decimal(0))
                * Decimal(str(settings["provision_percent"]))
                / 100
            )
            if held > 0:
                name = f"{today:%y%m%d}_PROVISION_FOR_RECEIVABLES"
                line = {
                    "number": name,
                    "date": at,
                    "description": "Provision for receivables",
                    "amount": -held,
                    "discount": Decimal(0),
                    "kind": "provision",
                }
                self._schedule(vendor, at, line)
                self._schedule(
                    vendor,
                    at + 7 * DAY,
                    {**line, "number": name + "-R", "amount": held, "kind": "provision_reversal"},
                )

    def _price_protection(self, vendor, at, settings, invoices):
        """Now and then a price-protection debit note on the run (``IPAPUS`` + 7 digits)."""
        rng = self._rng("price-protection", vendor, at)
        if rng.random() >= float(settings["price_protection_rate"]):
            return
        billed = sum((i["amount"] for i in invoices if i["kind"] == "invoice"), Decimal(0))
        fee = _cents(billed * Decimal(str(settings["price_protection_percent"])) / 100)
        if fee > 0:
            self._schedule(
                vendor,
                at,
                {
                    "number": "IPAPUS%07d" % rng.randint(10**6, 10**7 - 1),
                    "date": at - DAY,
                    "description": "Price protection",
                    "amount": -fee,
                    "discount": Decimal(0),
                    "kind": "price_protection",
                },
            )

    # ---- export ---------------------------------------------------------------------------

    def payments_between(self, start=None, end=None):
        """Stored payments paid in [start, end] (dates), each with its lines, oldest first."""
        self.tick()
        where, args = [], []
        if start is not None:
            where.append("paid_at >= ?")
            args.append(
                datetime(start.year, start.month, start.day, tzinfo=timezone.utc).timestamp()
            )
        if end is not None:
            where.append("paid_at < ?")
            args.append(
                datetime(end.year, end.month, end.day, tzinfo=timezone.utc).timestamp() + DAY
            )
        sql = "SELECT * FROM payments" + (" WHERE " + " AND ".join(where) if where else "")
        out = []
        for row in self.store.q(sql + " ORDER BY paid_at, number", args):
            lines = self.store.q(
                "SELECT * FROM payment_lines WHERE payment = ? ORDER BY seq", (row["number"],)
            )
            out.append((row, lines))
        return out

    def export_payments(self, params):
        """(content, content type, file name) of GET /_sandbox/payments/export."""
        fmt = (params.get("format") or "xlsx").lower()
        if fmt not in ("xlsx", "csv", "json"):
            raise invalid(f"format {fmt!r}: expected xlsx, csv or json")
        bounds = date_bounds(params)
        if fmt == "json":  # what the simulated Amazon sends as 820s: hidden lines included
            payload = json.dumps(self._payments_json(self.payments_between(*bounds)))
            return payload.encode(), "application/json", "Payments.json"
        rows = self._export_rows(self.payments_between(*bounds), fmt)
        if fmt == "csv":
            return self._csv(rows), "text/csv; charset=utf-8", "Payments.csv"
        return (
            self._xlsx(rows),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Payments.xlsx",
        )

    def _export_rows(self, payments, fmt):
        us = self.currency == "USD"
        if fmt == "xlsx":
            show_date, show_amount = _day, float
        else:
            pattern = "%m/%d/%Y" if us else "%d/%m/%Y"

            def show_date(ts):
                return _day(ts).strftime(pattern)

            def show_amount(value):
                text = f"{abs(Decimal(value)):,.2f}"
                if not us:
                    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
                return f"-{text}" if Decimal(value) < 0 else text

        rows = [["Payments"], [], list(PAYMENT_HEADER)]
        for payment, _lines in payments:
            rows.append(
                [
                    payment["number"],
                    show_date(payment["paid_at"]),
                    payment["currency"],
                    show_amount(payment["amount"]),
                    "Acorn sandbox vendor",
                    self.cfg.marketplace,
                    payment["vendor_code"],
                    "ACH",
                    "Paid",
                    "",
                ]
            )
        hidden = [p["number"] for p, _lines in payments if p["hidden"]]
        if hidden:
            rows += [[], ["Payment Number", HIDDEN_WARNING]] + [[number] for number in hidden]
        rows += [[], ["Invoices"], list(LINE_HEADER)]
        for payment, lines in payments:
            if payment["hidden"]:
                continue
            for line in lines:
                rows.append(
                    [
                        payment["number"],
                        line["invoice_number"],
                        show_date(line["invoice_date"]),
                        line["description"],
                        show_amount(line["invoice_amount"]),
                        payment["currency"],
                        show_amount("0"),
                        show_amount(line["discount"]),
                        show_amount(line["amount_paid"]),
                        show_amount("0"),
                    ]
                )
        return rows

    def export_open_invoices(self, params):
        """(content, content type, file name) of GET /_sandbox/invoices/open?days=N: the
        history invoices (``<PO>INV``, issued before the epoch by the simulated vendor) that
        the payment runs of the next ``days`` (default 35) will pay, in the JSON payments'
        line shape, so a demo can post them before Amazon pays them."""
        try:
            days = int(params.get("days") or 35)
        except ValueError:
            raise invalid(f"days {params.get('days')!r}: expected a whole number") from None
        now = self.tick()
        settings = self._payment_settings()
        until = now + days * DAY
        invoices = [
            {
                "invoice_number": invoice["number"],
                "invoice_date": _day(invoice["date"]).isoformat(),
                "invoice_amount": str(invoice["amount"]),
                "due_date": _day(invoice["due"]).isoformat(),
                "vendor_code": vendor,
                "kind": "invoice",
            }
            for vendor in self.cfg.vendor_codes
            for invoice in self._due_invoices(vendor, until, settings)
            if invoice["history"]
        ]
        return json.dumps({"invoices": invoices}).encode(), "application/json", "Invoices.json"

    @staticmethod
    def _payments_json(payments):
        """Payments with all their lines, in ``./acorn finance parse --json``'s shape."""
        return {
            "payments": [
                {
                    "number": payment["number"],
                    "date": _day(payment["paid_at"]).isoformat(),
                    "currency": payment["currency"],
                    "amount": payment["amount"],
                    "lines_hidden": bool(payment["hidden"]),
                    "lines": [
                        {
                            "invoice_number": line["invoice_number"],
                            "invoice_date": _day(line["invoice_date"]).isoformat(),
                            "description": line["description"],
                            "invoice_amount": line["invoice_amount"],
                            "discount": line["discount"],
                            "amount_paid": line["amount_paid"],
                            "kind": line["kind"],
                        }
                        for line in lines
                    ],
                }
                for payment, lines in payments
            ]
        }

    def _csv(self, rows):
        out = io.StringIO(newline="")
        delimiter = "," if self.currency == "USD" else ";"
        csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
        return out.getvalue().encode("utf-8-sig")

    def _xlsx(self, rows):
        return xlsx_sheet("Remittance payments", rows, self.currency == "USD")
