"""Is a deduction worth disputing? One rule per sub-kind, run over a whole table at once.

The caller (the Odoo model, the bench) gathers the evidence per deduction into a DataFrame
(``EVIDENCE_COLUMNS``; a missing column means unknown); ``assess`` answers, per row, a verdict
(``dispute`` with a strength, ``accept``, or ``needs_evidence``), the amount worth disputing,
an explanation in words and the evidence still missing, named so a person can act ("upload
the POD for shipment WH/OUT/00012").

- shortage: invoiced units vs units Amazon received vs units our accepted ASN says we shipped,
  and the evidence for the shipment: ASN accepted, an SSCC on every carton, bill of lading,
  proof of delivery;
- price claim: our invoice prices vs the PO's net cost (the overbilled value is gathered);
- ASN accuracy: ASN sent (and accepted) in time after the shipment left, cartons labelled;
- PO on-time: ship date inside the PO's ship window, with carrier proof;
- carton content label, labelling: an SSCC label on every carton of the shipment;
- prep: nothing in the ERP proves it, photos are needed;
- co-op, price protection: the agreed amount.

Rules that depend on Amazon's habits are ``AssessmentRules`` (settings, defaults today's).
"""

from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

VERDICTS = ("dispute", "accept", "needs_evidence")
STRENGTHS = ("strong", "medium", "weak")

# column -> default when absent (NaN/NaT: unknown).
EVIDENCE_COLUMNS = {
    "sub_kind": "other",
    "amount": 0.0,  # what Amazon took: positive; a credit (reversal) is negative
    "invoice": "",  # the invoice's number, for the words
    "shipments": "",  # delivery names, for the words; empty: no delivery traced
    "purchase_order": "",  # the Amazon PO's number, for the words
    "invoiced_units": np.nan,
    "received_units": np.nan,  # Amazon's receipts (PO status)
    "shipped_units": np.nan,  # units in deliveries whose ASN Amazon accepted
    "unit_price": np.nan,  # invoiced amount / invoiced units
    # Per invoice line, summed: units our accepted ASN shipped that Amazon's receipts miss,
    # and their invoiced value (NaN: not known per line; the totals above decide).
    "short_units": np.nan,
    "short_value": np.nan,
    "asn_state": "",  # "" (none), to_send, sent, accepted, rejected
    "asn_sent_at": pd.NaT,
    "asn_accepted_at": pd.NaT,  # when Amazon accepted it (a resent ASN counts then)
    "shipped_at": pd.NaT,
    "ship_window_start": pd.NaT,
    "ship_window_end": pd.NaT,
    "cartons": 0,
    "cartons_with_sscc": 0,
    "has_bol": False,
    "has_pod": False,
    "has_carrier": False,
    "priced_lines": 0,  # invoice lines traced to a PO line's net cost
    "overbilled": 0.0,  # sum of (invoice price - PO net cost) * quantity, where above
    "agreement_amount": np.nan,  # co-op / price protection: what the agreement allows
}


@dataclass(frozen=True)
class AssessmentRules:
    """``asn_due_hours``: an ASN is late when sent this long after the shipment left (the
    sandbox's rule; Amazon wants it before arrival [U]). ``ship_window_grace_days``: days
    after the ship window still counted on time. ``price_tolerance``: overbilling below this
    (per deduction) is rounding. ``unit_tolerance``: units short below this are noise."""

    asn_due_hours: int = 24
    ship_window_grace_days: int = 0
    price_tolerance: float = 0.01
    unit_tolerance: int = 0

    def __post_init__(self):
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"Assessment rule {item.name} must be 0 or more, not {value!r}")


DEFAULT_RULES = AssessmentRules()


def rules_from_settings(values):
    """AssessmentRules from stored settings; empty keeps the default, unknown is an error."""
    known = {item.name for item in fields(AssessmentRules)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"Unknown assessment rule settings: {', '.join(unknown)}")
    return replace(DEFAULT_RULES, **{k: v for k, v in values.items() if v not in (None, "")})


def evidence_frame(rows):
    """A DataFrame of ``rows`` (dicts) with every evidence column, defaults filled in."""
    frame = pd.DataFrame(list(rows))
    return complete(frame)


def complete(frame):
    frame = frame.copy()
    for name, default in EVIDENCE_COLUMNS.items():
        if name not in frame.columns:
            frame[name] = default
    for name in (
        "asn_sent_at",
        "asn_accepted_at",
        "shipped_at",
        "ship_window_start",
        "ship_window_end",
    ):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    for name in ("has_bol", "has_pod", "has_carrier"):
        frame[name] = frame[name].fillna(False).astype(bool)
    for name in (
        "invoiced_units",
        "received_units",
        "shipped_units",
        "unit_price",
        "agreement_amount",
        "amount",
        "overbilled",
        "short_units",
        "short_value",
    ):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
    for name in ("cartons", "cartons_with_sscc", "priced_lines"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").fillna(0).astype(int)
    for name in ("sub_kind", "invoice", "shipments", "purchase_order", "asn_state"):
        frame[name] = frame[name].fillna("").astype(str)
    frame["amount"] = frame["amount"].fillna(0.0)
    frame["overbilled"] = frame["overbilled"].fillna(0.0)
    return frame


# ---- words ---------------------------------------------------------------------------------


def _money(values):
    return values.map("{:,.2f}".format)


def _units(values):
    return values.fillna(0).round().astype(int).astype(str)


def _day(values):
    return values.dt.strftime("%Y-%m-%d").fillna("?")


def _shipment(frame):
    names = frame["shipments"]
    return names.where(names != "", "the shipment")


def _join(parts, sep="; "):
    """Row-wise join of string Series, skipping empty pieces."""
    table = pd.concat(parts, axis=1)
    return table.apply(lambda row: sep.join(p for p in row if p), axis=1, raw=True)


def _when(mask, words):
    if isinstance(words, str):
        words = pd.Series(words, index=mask.index)
    return words.where(mask, "")


def _shipment_proof(frame):
    """(missing words per row, count of pieces present out of four): ASN accepted, SSCC on
    every carton, bill of lading, POD."""
    ship = _shipment(frame)
    asn_ok = frame["asn_state"] == "accepted"
    sscc_ok = (frame["cartons"] > 0) & (frame["cartons_with_sscc"] >= frame["cartons"])
    missing = _join(
        [
            _when(~asn_ok, "an ASN Amazon accepted for " + ship),
            _when(
                ~sscc_ok,
                "SSCC labels on every carton of "
                + ship
                + " ("
                + frame["cartons_with_sscc"].astype(str)
                + " of "
                + frame["cartons"].astype(str)
                + " cartons labelled)",
            ),
            _when(~frame["has_bol"], "the bill of lading for " + ship),
            _when(~frame["has_pod"], "upload the POD for " + ship),
        ]
    )
    present = (
        asn_ok.astype(int)
        + sscc_ok.astype(int)
        + frame["has_bol"].astype(int)
        + frame["has_pod"].astype(int)
    )
    return missing, present, asn_ok, sscc_ok


# ---- rules ---------------------------------------------------------------------------------


def _untraced(frame, out):
    """Rows whose chargeback names no delivery Odoo knows: nothing to judge the ASN or the
    ship date by. Marks them needs_evidence in ``out``; returns the mask."""
    untraced = frame["shipments"] == ""
    po = frame["purchase_order"].where(frame["purchase_order"] != "", "this chargeback")
    out.loc[untraced, "verdict"] = "needs_evidence"
    out.loc[untraced, "missing"] = ("the delivery of PO " + po + " (not found in Odoo)")[untraced]
    out.loc[untraced, "explanation"] = "Acorn cannot trace this chargeback to a delivery."
    return untraced


def _shortage(frame, rules):
    out = _empty(frame)
    invoiced, received, shipped = (
        frame["invoiced_units"],
        frame["received_units"],
        frame["shipped_units"],
    )
    price = frame["unit_price"]
    amount = frame["amount"]
    known = invoiced.notna() & (invoiced > 0) & price.notna() & (price > 0)
    claimed_units = (amount / price.where(price > 0)).round()
    # What Amazon says it received: its receipts, else what the claim implies.
    amazon_received = received.fillna(invoiced - claimed_units)
    ours = shipped.fillna(0).clip(upper=invoiced)
    per_line = frame["short_units"].notna() & received.notna()
    disputable_units = frame["short_units"].where(per_line, (ours - amazon_received).clip(lower=0))
    value = frame["short_value"].where(per_line, disputable_units * price)
    disputable = value.clip(upper=amount).fillna(0).round(2)
    missing, present, asn_ok, _sscc = _shipment_proof(frame)
    all_received = received.notna() & (received >= invoiced)
    worth = disputable_units > rules.unit_tolerance
    facts = (
        "Invoiced "
        + _units(invoiced)
        + " units; Amazon received "
        + _units(amazon_received)
        + (received.isna().map({True: " (as the claim implies)", False: ""}))
        + "; our accepted ASN and cartons show "
        + _units(shipped)
        + " shipped."
    )
    unknown = ~known
    out.loc[unknown, "verdict"] = "needs_evidence"
    out.loc[unknown, "missing"] = (
        "the invoice "
        + frame["invoice"].where(frame["invoice"] != "", "this claim is for")
        + " with its quantities (not found in Odoo)"
    )[unknown]
    out.loc[unknown, "explanation"] = "A shortage claim that Acorn cannot trace to an invoice."
    rest = known
    case = rest & all_received
    out.loc[case, "verdict"] = "dispute"
    out.loc[case, "strength"] = "strong"
    out.loc[case, "disputable"] = amount[case]
    out.loc[case, "explanation"] = (
        facts + " Amazon's own receipts show every invoiced unit received: the claim is false."
    )[case]
    out.loc[case, "missing"] = missing[case]
    rest = rest & ~all_received
    no_asn = rest & ~asn_ok
    out.loc[no_asn, "verdict"] = "needs_evidence"
    out.loc[no_asn, "explanation"] = (
        facts + " Without an accepted ASN nothing proves what left our dock."
    )[no_asn]
    out.loc[no_asn, "missing"] = missing[no_asn]
    rest = rest & asn_ok
    case = rest & ~worth
    out.loc[case, "verdict"] = "accept"
    out.loc[case, "explanation"] = (
        facts + " Amazon received what we shipped: the claim covers units we did not ship."
    )[case]
    rest = rest & worth
    no_proof = rest & ~frame["has_pod"] & ~frame["has_bol"]
    out.loc[no_proof, "verdict"] = "needs_evidence"
    out.loc[no_proof, "missing"] = missing[no_proof]
    out.loc[no_proof, "explanation"] = (
        facts + " " + _money(disputable) + " is disputable once the carrier's proof is here."
    )[no_proof]
    out.loc[no_proof, "disputable"] = disputable[no_proof]
    case = rest & ~no_proof
    out.loc[case, "verdict"] = "dispute"
    # Our proof against Amazon's own receipt: the carrier's POD decides, so never strong
    # (strong is kept for claims Amazon's receipts themselves contradict).
    out.loc[case, "strength"] = np.where(present[case] >= 4, "medium", "weak")
    out.loc[case, "disputable"] = disputable[case]
    partly = (disputable < amount - rules.price_tolerance).map(
        {True: " (part of the claim)", False: ""}
    )
    out.loc[case, "explanation"] = (
        facts
        + " "
        + _units(disputable_units)
        + " units shipped but not received: "
        + _money(disputable)
        + partly
        + " to dispute; Amazon's receipts show them short, so the carrier's proof decides."
    )[case]
    out.loc[case, "missing"] = missing[case]
    return out


def _price_claim(frame, rules):
    out = _empty(frame)
    amount, over = frame["amount"], frame["overbilled"]
    invoice = frame["invoice"].where(frame["invoice"] != "", "the invoice")
    unknown = frame["priced_lines"] <= 0
    out.loc[unknown, "verdict"] = "needs_evidence"
    out.loc[unknown, "missing"] = ("the PO net cost of each line of " + invoice)[unknown]
    out.loc[unknown, "explanation"] = (
        "No line of " + invoice + " is traced to an Amazon PO line, so its price cannot be "
        "compared."
    )[unknown]
    clean = ~unknown & (over <= rules.price_tolerance)
    out.loc[clean, "verdict"] = "dispute"
    out.loc[clean, "strength"] = "strong"
    out.loc[clean, "disputable"] = amount[clean]
    out.loc[clean, "explanation"] = (
        invoice
        + " billed the PO's net cost on all "
        + frame["priced_lines"].astype(str)
        + " lines: the price claim of "
        + _money(amount)
        + " has no ground (the PO is the "
        "evidence)."
    )[clean]
    covered = ~unknown & ~clean & (over >= amount - rules.price_tolerance)
    out.loc[covered, "verdict"] = "accept"
    out.loc[covered, "explanation"] = (
        invoice
        + " billed "
        + _money(over)
        + " above the PO's net cost; the claim of "
        + _money(amount)
        + " does not exceed it."
    )[covered]
    part = ~unknown & ~clean & ~covered
    out.loc[part, "verdict"] = "dispute"
    out.loc[part, "strength"] = "medium"
    out.loc[part, "disputable"] = (amount - over).round(2)[part]
    out.loc[part, "explanation"] = (
        invoice
        + " billed "
        + _money(over)
        + " above the PO's net cost but Amazon claims "
        + _money(amount)
        + ": dispute "
        + _money((amount - over).round(2))
        + "."
    )[part]
    return out


def _asn_accuracy(frame, rules):
    out = _empty(frame)
    ship = _shipment(frame)
    state = frame["asn_state"]
    late_hours = (frame["asn_sent_at"] - frame["shipped_at"]).dt.total_seconds() / 3600
    missing, _present, _asn_ok, sscc_ok = _shipment_proof(frame)
    untraced = _untraced(frame, out)
    none = ~untraced & state.isin(["", "to_send"])
    out.loc[none, "verdict"] = "accept"
    out.loc[none, "explanation"] = ("No ASN was sent for " + ship + ".")[none]
    rejected = ~untraced & ~none & (state == "rejected")
    out.loc[rejected, "verdict"] = "accept"
    out.loc[rejected, "explanation"] = ("Amazon rejected our ASN for " + ship + ".")[rejected]
    rest = ~untraced & ~none & ~rejected
    no_dates = rest & (frame["asn_sent_at"].isna() | frame["shipped_at"].isna())
    out.loc[no_dates, "verdict"] = "needs_evidence"
    out.loc[no_dates, "missing"] = ("when " + ship + " left and when its ASN was sent")[no_dates]
    out.loc[no_dates, "explanation"] = "Acorn does not know both times, so it cannot judge."
    rest = rest & ~no_dates
    accepted_hours = (frame["asn_accepted_at"] - frame["shipped_at"]).dt.total_seconds() / 3600
    # Sent late; or sent in time but the ASN Amazon accepted came late (a rejected one resent).
    for hours, words, after in (
        (late_hours, "Our ASN for {} was sent ", ")."),
        (accepted_hours, "Amazon accepted our ASN for {} ", "); the first ASN was rejected."),
    ):
        late = rest & (hours > rules.asn_due_hours)
        out.loc[late, "verdict"] = "accept"
        out.loc[late, "explanation"] = (
            ship.map(words.format)
            + hours.round(1).astype(str)
            + " hours after the shipment left (allowed: "
            + str(rules.asn_due_hours)
            + after
        )[late]
        rest = rest & ~late
    pending = rest & (state != "accepted")
    out.loc[pending, "verdict"] = "needs_evidence"
    out.loc[pending, "missing"] = ("Amazon's acceptance of the ASN for " + ship)[pending]
    out.loc[pending, "explanation"] = "The ASN was sent in time; Amazon has not accepted it yet."
    case = rest & ~pending
    strong = case & sscc_ok & (frame["has_pod"] | frame["has_bol"])
    out.loc[case, "verdict"] = "dispute"
    out.loc[case, "strength"] = np.where(strong[case], "strong", "medium")
    out.loc[case, "disputable"] = frame["amount"][case]
    out.loc[case, "explanation"] = (
        "Our ASN for "
        + ship
        + " was sent "
        + late_hours.round(1).astype(str)
        + " hours after the shipment left and Amazon accepted it; "
        + frame["cartons_with_sscc"].astype(str)
        + " of "
        + frame["cartons"].astype(str)
        + " cartons carry an SSCC."
    )[case]
    out.loc[case, "missing"] = missing[case]
    return out


def _po_on_time(frame, rules):
    out = _empty(frame)
    ship = _shipment(frame)
    shipped, start, end = frame["shipped_at"], frame["ship_window_start"], frame["ship_window_end"]
    grace = pd.Timedelta(days=rules.ship_window_grace_days)
    untraced = _untraced(frame, out)
    unknown = ~untraced & (shipped.isna() | end.isna())
    out.loc[unknown, "verdict"] = "needs_evidence"
    out.loc[unknown, "missing"] = _join(
        [
            _when(shipped.isna(), "the ship date of " + ship),
            _when(end.isna(), "the PO's ship window"),
        ]
    )[unknown]
    out.loc[unknown, "explanation"] = "Acorn cannot compare the ship date with the window."
    late = ~untraced & ~unknown & (shipped.dt.normalize() > end.dt.normalize() + grace)
    early = (
        ~untraced
        & ~unknown
        & ~late
        & start.notna()
        & (shipped.dt.normalize() < start.dt.normalize())
    )
    words = (
        ship
        + " left on "
        + _day(shipped)
        + "; the ship window was "
        + _day(start)
        + " to "
        + _day(end)
        + "."
    )
    for mask, verdict in ((late, "accept"), (early, "accept")):
        out.loc[mask, "verdict"] = verdict
        out.loc[mask, "explanation"] = (words + " Outside the window: the chargeback stands.")[mask]
    inside = ~untraced & ~unknown & ~late & ~early
    proof = frame["has_pod"] | frame["has_bol"]
    out.loc[inside & ~proof, "verdict"] = "needs_evidence"
    out.loc[inside & ~proof, "missing"] = (
        "the carrier appointment, bill of lading or POD of " + ship + " with its date"
    )[inside & ~proof]
    out.loc[inside & ~proof, "explanation"] = (words + " On time, but nothing proves it.")[
        inside & ~proof
    ]
    case = inside & proof
    out.loc[case, "verdict"] = "dispute"
    out.loc[case, "strength"] = "strong"
    out.loc[case, "disputable"] = frame["amount"][case]
    out.loc[case, "explanation"] = (words + " Shipped inside the window.")[case]
    return out


def _labels(frame, rules):
    out = _empty(frame)
    ship = _shipment(frame)
    cartons, labelled = frame["cartons"], frame["cartons_with_sscc"]
    none = cartons <= 0
    out.loc[none, "verdict"] = "needs_evidence"
    out.loc[none, "missing"] = ("the cartons of " + ship + " (none packed in Odoo)")[none]
    out.loc[none, "explanation"] = "Acorn has no cartons for this shipment."
    short = ~none & (labelled < cartons)
    out.loc[short, "verdict"] = "accept"
    out.loc[short, "explanation"] = (
        (cartons - labelled).astype(str)
        + " of "
        + cartons.astype(str)
        + " cartons of "
        + ship
        + " had no SSCC label."
    )[short]
    case = ~none & ~short
    out.loc[case, "verdict"] = "dispute"
    out.loc[case, "strength"] = np.where(frame["asn_state"][case] == "accepted", "medium", "weak")
    out.loc[case, "disputable"] = frame["amount"][case]
    out.loc[case, "explanation"] = (
        "All "
        + cartons.astype(str)
        + " cartons of "
        + ship
        + " were labelled with an SSCC"
        + (frame["asn_state"] == "accepted").map(
            {True: " that the accepted ASN lists.", False: "."}
        )
    )[case]
    out.loc[case, "missing"] = ("photos of the labelled cartons of " + ship)[case]
    return out


def _prep(frame, rules):
    out = _empty(frame)
    out["verdict"] = "needs_evidence"
    out["missing"] = "photos of the prepared units of " + _shipment(frame)
    out["explanation"] = "Nothing in Odoo shows how the units were prepared."
    return out


def _agreement(frame, rules):
    out = _empty(frame)
    amount, agreed = frame["amount"], frame["agreement_amount"]
    unknown = agreed.isna()
    out.loc[unknown, "verdict"] = "needs_evidence"
    out.loc[unknown, "missing"] = "the agreement and the amount it allows"
    out.loc[unknown, "explanation"] = "No agreement amount is recorded for this deduction."
    within = ~unknown & (amount <= agreed + rules.price_tolerance)
    out.loc[within, "verdict"] = "accept"
    out.loc[within, "explanation"] = (
        "Within the agreement: " + _money(amount) + " of " + _money(agreed) + " agreed."
    )[within]
    above = ~unknown & ~within
    out.loc[above, "verdict"] = "dispute"
    out.loc[above, "strength"] = "strong"
    out.loc[above, "disputable"] = (amount - agreed).round(2)[above]
    out.loc[above, "explanation"] = (
        _money(amount)
        + " taken but the agreement allows "
        + _money(agreed)
        + ": dispute "
        + _money((amount - agreed).round(2))
        + "."
    )[above]
    return out


def _no_dispute(words, verdict="accept", missing=""):
    def rule(frame, rules):
        out = _empty(frame)
        out["verdict"] = verdict
        out["explanation"] = words
        out["missing"] = missing
        return out

    return rule


RULES = {
    "shortage": _shortage,
    "price_claim": _price_claim,
    "asn_accuracy": _asn_accuracy,
    "po_on_time": _po_on_time,
    "carton_content_label": _labels,
    "labelling": _labels,
    "prep": _prep,
    "coop": _agreement,
    "price_protection": _agreement,
    "provision": _no_dispute("A holdback Amazon reverses itself on a later payment."),
    "return": _no_dispute(
        "A return: check it against the return authorisation (VRET) and what came back.",
        "needs_evidence",
        "the return authorisation and the goods received back",
    ),
    "other_chargeback": _no_dispute(
        "A chargeback type Acorn does not know.", "needs_evidence", "what this chargeback is for"
    ),
    "other": _no_dispute(
        "A deduction Acorn does not know.", "needs_evidence", "what this deduction is for"
    ),
}


def _empty(frame):
    out = pd.DataFrame(index=frame.index)
    out["verdict"] = "needs_evidence"
    out["strength"] = ""
    out["disputable"] = 0.0
    out["explanation"] = ""
    out["missing"] = ""
    return out


def assess(frame, rules=DEFAULT_RULES):
    """verdict, strength, disputable, explanation, missing per row of ``frame`` (same
    index). A credit (negative amount: a reversal) is accepted; there is nothing to win."""
    frame = complete(frame)
    parts = []
    credit = frame["amount"] <= 0
    if credit.any():
        part = _empty(frame[credit])
        part["verdict"] = "accept"
        part["explanation"] = "A credit from Amazon (a reversal): nothing to dispute."
        parts.append(part)
    for sub_kind, rows in frame[~credit].groupby("sub_kind", sort=False):
        rule = RULES.get(sub_kind, RULES["other"])
        parts.append(rule(rows, rules))
    if not parts:
        return _empty(frame)
    return pd.concat(parts).reindex(frame.index)
