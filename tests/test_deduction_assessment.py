"""Each assessment rule with its evidence present and missing: shortages (Amazon's receipts,
our accepted ASN and cartons, BOL and POD), price claims against the PO's net cost, ASN and
on-time chargebacks against the ASN's times and the ship window, labels, prep, co-op."""

import pandas as pd
import pytest

from acorn_vendor.core.deductions.assessment import (
    AssessmentRules,
    assess,
    evidence_frame,
    rules_from_settings,
)

SHIPPED = pd.Timestamp("2026-02-02T15:00:00Z")
FULL_PROOF = {
    "asn_state": "accepted",
    "cartons": 4,
    "cartons_with_sscc": 4,
    "has_bol": True,
    "has_pod": True,
    "shipments": "WH/OUT/00012",
}


def one(row, rules=None):
    result = assess(evidence_frame([row]), **({"rules": rules} if rules else {}))
    return result.iloc[0].to_dict()


def shortage(**changes):
    row = {
        "sub_kind": "shortage",
        "amount": 200.0,
        "invoice": "INV-7",
        "invoiced_units": 100,
        "unit_price": 10.0,
        "received_units": 80,
        "shipped_units": 100,
        **FULL_PROOF,
    }
    row.update(changes)
    return row


def test_shortage_shipped_in_full_with_every_proof_against_amazons_receipt_is_medium():
    result = one(shortage())
    assert (result["verdict"], result["strength"], result["disputable"]) == (
        "dispute",
        "medium",
        200.0,
    )
    assert "the carrier's proof decides" in result["explanation"]
    assert "Invoiced 100 units; Amazon received 80" in result["explanation"]
    assert "show 100 shipped" in result["explanation"]
    assert result["missing"] == ""


def test_shortage_without_pod_is_a_weak_dispute_naming_the_pod():
    result = one(shortage(has_pod=False))
    assert (result["verdict"], result["strength"]) == ("dispute", "weak")
    assert result["missing"] == "upload the POD for WH/OUT/00012"


def test_shortage_without_pod_and_bol_needs_evidence():
    result = one(shortage(has_pod=False, has_bol=False))
    assert result["verdict"] == "needs_evidence"
    assert "the bill of lading for WH/OUT/00012" in result["missing"]
    assert "upload the POD for WH/OUT/00012" in result["missing"]
    assert result["disputable"] == 200.0


def test_shortage_without_accepted_asn_needs_evidence():
    result = one(shortage(asn_state="sent", cartons_with_sscc=3))
    assert result["verdict"] == "needs_evidence"
    assert "an ASN Amazon accepted for WH/OUT/00012" in result["missing"]
    assert "3 of 4 cartons labelled" in result["missing"]


def test_shortage_of_units_we_did_not_ship_is_accepted():
    result = one(shortage(shipped_units=80))
    assert result["verdict"] == "accept"
    assert "covers units we did not ship" in result["explanation"]


def test_shortage_partly_ours_disputes_only_what_we_shipped():
    result = one(shortage(shipped_units=90))
    assert (result["verdict"], result["disputable"]) == ("dispute", 100.0)
    assert (
        "10 units shipped but not received: 100.00 (part of the claim)" in (result["explanation"])
    )


def test_shortage_valued_per_invoice_line_when_known():
    # Two products at different prices: the short units are valued at their own price.
    result = one(shortage(short_units=2, short_value=49.2, amount=60.0))
    assert (result["verdict"], result["disputable"]) == ("dispute", 49.2)
    assert "2 units shipped but not received: 49.20 (part of the claim)" in result["explanation"]
    none_short = one(shortage(short_units=0, short_value=0.0))
    assert none_short["verdict"] == "accept"


def test_shortage_amazon_received_everything_is_strong_even_without_proof():
    result = one(shortage(received_units=100, has_pod=False, has_bol=False, asn_state=""))
    assert (result["verdict"], result["strength"]) == ("dispute", "strong")
    assert "claim is false" in result["explanation"]


def test_shortage_without_receipts_reads_what_the_claim_implies():
    result = one(shortage(received_units=None))
    assert result["verdict"] == "dispute"
    assert "Amazon received 80 (as the claim implies)" in result["explanation"]


def test_shortage_not_traced_to_an_invoice_needs_the_invoice():
    result = one({"sub_kind": "shortage", "amount": 50.0, "invoice": "VC17413"})
    assert result["verdict"] == "needs_evidence"
    assert "VC17413" in result["missing"]


@pytest.mark.parametrize(
    "overbilled, verdict, disputable",
    [(0.0, "dispute", 45.0), (45.0, "accept", 0.0), (60.0, "accept", 0.0), (15.0, "dispute", 30.0)],
)
def test_price_claim_against_the_po_net_cost(overbilled, verdict, disputable):
    row = {"sub_kind": "price_claim", "amount": 45.0, "invoice": "INV-9", "priced_lines": 3}
    result = one({**row, "overbilled": overbilled})
    assert (result["verdict"], result["disputable"]) == (verdict, disputable)


def test_price_claim_without_po_prices_needs_them():
    result = one({"sub_kind": "price_claim", "amount": 45.0, "invoice": "INV-9"})
    assert result["verdict"] == "needs_evidence"
    assert result["missing"] == "the PO net cost of each line of INV-9"


def asn(**changes):
    row = {
        "sub_kind": "asn_accuracy",
        "amount": 30.0,
        "shipped_at": SHIPPED,
        "asn_sent_at": SHIPPED + pd.Timedelta(hours=2),
        **FULL_PROOF,
    }
    row.update(changes)
    return row


def test_asn_sent_in_time_and_accepted_is_a_strong_dispute():
    result = one(asn())
    assert (result["verdict"], result["strength"]) == ("dispute", "strong")
    assert "sent 2.0 hours after the shipment left" in result["explanation"]


def test_asn_sent_in_time_but_accepted_late_after_a_resend_is_accepted():
    accepted_in_time = one(asn(asn_accepted_at=SHIPPED + pd.Timedelta(hours=3)))
    assert accepted_in_time["verdict"] == "dispute"
    result = one(asn(asn_accepted_at=SHIPPED + pd.Timedelta(hours=31)))
    assert result["verdict"] == "accept"
    assert "accepted our ASN for WH/OUT/00012 31.0 hours after" in result["explanation"]


def test_asn_in_time_without_carrier_proof_is_medium():
    result = one(asn(has_pod=False, has_bol=False))
    assert (result["verdict"], result["strength"]) == ("dispute", "medium")
    assert "upload the POD for WH/OUT/00012" in result["missing"]


def test_asn_sent_late_missing_or_rejected_is_accepted():
    late = one(asn(asn_sent_at=SHIPPED + pd.Timedelta(hours=30)))
    assert late["verdict"] == "accept"
    assert "30.0 hours after" in late["explanation"]
    assert one(asn(asn_state="", asn_sent_at=None))["verdict"] == "accept"
    assert one(asn(asn_state="rejected"))["verdict"] == "accept"
    relaxed = one(
        asn(asn_sent_at=SHIPPED + pd.Timedelta(hours=30)), AssessmentRules(asn_due_hours=48)
    )
    assert relaxed["verdict"] == "dispute"


@pytest.mark.parametrize("sub_kind", ["asn_accuracy", "po_on_time"])
def test_chargeback_for_a_delivery_odoo_does_not_know_needs_it(sub_kind):
    row = {"sub_kind": sub_kind, "amount": 30.0, "purchase_order": "4Q8XK2ZB"}
    result = one(row)
    assert result["verdict"] == "needs_evidence"
    assert result["missing"] == "the delivery of PO 4Q8XK2ZB (not found in Odoo)"


def test_asn_without_a_ship_date_needs_it():
    result = one(asn(shipped_at=None))
    assert result["verdict"] == "needs_evidence"
    assert result["missing"] == "when WH/OUT/00012 left and when its ASN was sent"


def on_time(**changes):
    row = {
        "sub_kind": "po_on_time",
        "amount": 12.0,
        "shipped_at": SHIPPED,
        "ship_window_start": "2026-01-30T00:00:00Z",
        "ship_window_end": "2026-02-03T00:00:00Z",
        **FULL_PROOF,
    }
    row.update(changes)
    return row


def test_on_time_inside_the_window_with_proof_is_disputed():
    result = one(on_time())
    assert (result["verdict"], result["strength"]) == ("dispute", "strong")
    assert (
        "left on 2026-02-02; the ship window was 2026-01-30 to 2026-02-03"
        in (result["explanation"])
    )


def test_on_time_inside_the_window_without_proof_needs_it():
    result = one(on_time(has_pod=False, has_bol=False))
    assert result["verdict"] == "needs_evidence"
    assert "bill of lading or POD of WH/OUT/00012" in result["missing"]


def test_shipped_after_the_window_is_accepted_unless_within_grace():
    late = on_time(shipped_at=pd.Timestamp("2026-02-04T09:00:00Z"))
    assert one(late)["verdict"] == "accept"
    assert one(late, AssessmentRules(ship_window_grace_days=1))["verdict"] == "dispute"
    assert one(on_time(ship_window_end=None))["missing"] == "the PO's ship window"


def test_carton_labels_all_present_disputed_some_missing_accepted():
    row = {"sub_kind": "carton_content_label", "amount": 20.0, **FULL_PROOF}
    assert (one(row)["verdict"], one(row)["strength"]) == ("dispute", "medium")
    assert "photos of the labelled cartons" in one(row)["missing"]
    missing = one({**row, "cartons_with_sscc": 2})
    assert missing["verdict"] == "accept"
    assert "2 of 4 cartons of WH/OUT/00012 had no SSCC label" in missing["explanation"]
    assert one({**row, "cartons": 0, "cartons_with_sscc": 0})["verdict"] == "needs_evidence"


def test_prep_always_needs_photos():
    result = one({"sub_kind": "prep", "amount": 8.0, "shipments": "WH/OUT/3"})
    assert (result["verdict"], result["missing"]) == (
        "needs_evidence",
        "photos of the prepared units of WH/OUT/3",
    )


@pytest.mark.parametrize(
    "agreed, verdict, disputable",
    [(None, "needs_evidence", 0.0), (300.0, "accept", 0.0), (250.0, "dispute", 50.0)],
)
def test_coop_against_the_agreement(agreed, verdict, disputable):
    result = one({"sub_kind": "coop", "amount": 300.0, "agreement_amount": agreed})
    assert (result["verdict"], result["disputable"]) == (verdict, disputable)


def test_credits_and_provisions_are_accepted_and_unknowns_need_evidence():
    frame = evidence_frame(
        [
            {"sub_kind": "shortage", "amount": -120.0},
            {"sub_kind": "provision", "amount": 400.0},
            {"sub_kind": "other_chargeback", "amount": 9.0},
            {"sub_kind": "mystery", "amount": 9.0},
        ]
    )
    result = assess(frame)
    assert list(result["verdict"]) == ["accept", "accept", "needs_evidence", "needs_evidence"]
    assert list(result.index) == list(frame.index)


def test_a_mixed_table_keeps_each_row_in_place():
    rows = [shortage(), asn(asn_state=""), on_time(), shortage(shipped_units=80)]
    result = assess(evidence_frame(rows * 50))
    assert list(result["verdict"][:4]) == ["dispute", "accept", "dispute", "accept"]
    assert result["verdict"].value_counts().to_dict() == {"dispute": 100, "accept": 100}


def test_assessment_rules_as_settings():
    assert rules_from_settings({"asn_due_hours": 48}).asn_due_hours == 48
    with pytest.raises(ValueError, match="asn_due_hour"):
        rules_from_settings({"asn_due_hour": 48})
    with pytest.raises(ValueError, match="price_tolerance must be 0 or more"):
        AssessmentRules(price_tolerance=-1)
