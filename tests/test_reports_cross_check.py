"""The monthly cross-check on hand-built months: missing and extra POs, accepted units per
ASIN, units per ASN, and a clean month giving nothing."""

import pandas as pd

from acorn_vendor.core.reports import cross_check

T = pd.Timestamp


def pos(numbers, day="2026-02-10"):
    return pd.DataFrame({"po_number": numbers, "po_date": [T(day)] * len(numbers)})


def lines(accepted):
    return pd.DataFrame(
        {
            "po_number": ["P1", "P1", "P2"],
            "asin": ["A", "B", "A"],
            "po_date": [T("2026-02-03"), T("2026-02-03"), T("2026-03-01")],
            "accepted_qty": accepted,
        }
    )


def test_a_clean_month_gives_no_difference():
    out = cross_check.run("2026-02", pos(["P1"]), pos(["P1"]), lines([5, 6, 7]), lines([5, 6, 7]))
    assert out.empty and list(out.columns) == list(cross_check.COLUMNS)


def test_a_po_deleted_in_acorn_and_an_extra_one_are_named():
    out = cross_check.purchase_orders(pos(["P1", "P3"]), pos(["P1", "P2"]), "2026-02")
    assert list(out["key"]) == ["P2", "P3"]
    assert list(out["message"]) == ["at Amazon, missing in Acorn", "in Acorn, unknown at Amazon"]
    # A PO of another month is not this month's business.
    assert cross_check.purchase_orders(pos([]), pos(["P9"], "2026-03-02"), "2026-02").empty


def test_accepted_units_per_asin_on_the_month_pos():
    out = cross_check.accepted_units(lines([5, 4, 7]), lines([5, 6, 9]), "2026-02")
    assert list(out["key"]) == ["B"]  # P2 (March) differs too, but in another month
    assert out.iloc[0]["difference"] == -2


def test_units_per_asn_against_units_received():
    shipments = pd.DataFrame(
        {
            "shipment_id": ["S1", "S2", "S3", "S4"],
            "shipped_at": [T("2026-02-02"), T("2026-02-05"), T("2026-02-07"), T("2026-03-02")],
            "asn_units": [10, 8, 4, 5],
            "received_units": [10, 7, None, 1],
        }
    )
    out = cross_check.received_units(shipments, "2026-02")
    assert list(out["key"]) == ["S2", "S3"]  # S4 shipped in March
    assert list(out["difference"]) == [1, 4]
    assert out.iloc[1]["message"] == "Amazon has reported no receipt for this ASN"


def test_an_asn_not_received_yet_waits_out_the_grace_period():
    shipments = pd.DataFrame(
        {
            "shipment_id": ["OLD", "NEW"],
            "shipped_at": [T("2026-02-02"), T("2026-02-25")],
            "asn_units": [10, 8],
            "received_units": [None, None],
        }
    )
    as_of = T("2026-03-01")
    assert cross_check.not_received_yet(shipments, as_of, grace_days=14) == ["NEW"]
    out = cross_check.received_units(shipments, "2026-02", as_of=as_of, grace_days=14)
    assert list(out["key"]) == ["OLD"]
    # A month later the grace is over: NEW is named too.
    later = cross_check.received_units(shipments, "2026-02", as_of=T("2026-04-01"))
    assert list(later["key"]) == ["OLD", "NEW"]


def status(number, lines, date="2026-02-03T10:00:00Z"):
    """A getPurchaseOrdersStatus OrderStatus: lines (sequence, asin, confirmation, accepted,
    receive status, received)."""
    return {
        "purchaseOrderNumber": number,
        "purchaseOrderDate": date,
        "itemStatus": [
            {
                "itemSequenceNumber": seq,
                "buyerProductIdentifier": asin,
                "acknowledgementStatus": {
                    "confirmationStatus": confirmation,
                    "acceptedQuantity": {"amount": accepted, "unitOfMeasure": "Eaches"},
                },
                "receivingStatus": {
                    "receiveStatus": receive,
                    "receivedQuantity": {"amount": received, "unitOfMeasure": "Eaches"},
                },
            }
            for seq, asin, confirmation, accepted, receive, received in lines
        ],
    }


def test_amazon_receipts_tell_not_reported_from_received_nothing():
    waiting = status("P1", [("1", "A", "ACCEPTED", 5, "NOT_RECEIVED", 0)])
    assert cross_check.amazon_receipts(waiting) is None
    partial = status(
        "P1",
        [("1", "A", "ACCEPTED", 5, "RECEIVED", 5), ("2", "B", "ACCEPTED", 3, "NOT_RECEIVED", 0)],
    )
    assert cross_check.amazon_receipts(partial) == {"1": 5, "2": 0}


def test_acknowledged_lines_leave_out_unconfirmed_lines():
    frame = cross_check.acknowledged_lines(
        [
            status(
                "P1",
                [
                    ("1", "A", "ACCEPTED", 5, "NOT_RECEIVED", 0),
                    ("2", "B", "UNCONFIRMED", 0, "NOT_RECEIVED", 0),
                ],
            )
        ]
    )
    assert list(zip(frame["po_number"], frame["asin"], frame["accepted_qty"], strict=True)) == [
        ("P1", "A", 5)
    ]


def test_a_po_line_receipt_is_shared_out_to_its_asns_in_shipping_order():
    asn_lines = pd.DataFrame(
        {
            "shipment_id": ["LATE", "EARLY", "EARLY", "OTHER"],
            "po_number": ["P1", "P1", "P1", "P2"],
            "sequence": ["1", "1", "2", "1"],
            "shipped_at": [T("2026-02-10"), T("2026-02-03"), T("2026-02-03"), T("2026-02-04")],
            "units": [6, 4, 3, 9],
        }
    )
    # P1 line 1: 10 announced over two ASNs, 8 received: the early ASN's 4 first, the late
    # one gets the 4 left (2 short). P2 not reported yet.
    out = cross_check.asn_receipts(asn_lines, {"P1": {"1": 8, "2": 3}, "P2": None})
    got = out.set_index("shipment_id")
    assert got.loc["EARLY", "received_units"] == 7 and got.loc["EARLY", "asn_units"] == 7
    assert got.loc["LATE", "received_units"] == 4 and got.loc["LATE", "asn_units"] == 6
    assert pd.isna(got.loc["OTHER", "received_units"])
    # Amazon received more than every ASN announced: the surplus shows on the latest.
    over = cross_check.asn_receipts(asn_lines, {"P1": {"1": 12, "2": 3}}).set_index("shipment_id")
    assert over.loc["LATE", "received_units"] == 8


def test_invoices_due_in_the_month_against_what_remittances_settled():
    diffs = cross_check.invoiced_vs_paid(
        {"INV-1": 100.0, "INV-2": 200.0, "INV-3": 50.0},
        {"INV-1": 100.0, "INV-2": 150.0, "OTHER": 10.0},
    )
    assert list(diffs["key"]) == ["INV-2", "INV-3"]
    assert list(diffs["difference"]) == [50.0, 50.0]
    assert list(diffs["message"]) == ["paid other than invoiced", "not paid by its due date"]
    assert cross_check.invoiced_vs_paid({"INV-1": 100.0}, {"INV-1": 99.995}).empty


def test_receipts_synced_on_pos_against_the_inventory_report_past_the_tolerance():
    report = {"B01": 100, "B02": 50, "B03": 10}
    synced = {"B01": 101, "B02": 38, "B04": 2}  # B01 within 2 %, B02 short, B03 none, B04 extra
    diffs = cross_check.receipts_vs_report(report, synced, tolerance=0.02)
    assert list(zip(diffs["key"], diffs["acorn"], diffs["amazon"], strict=True)) == [
        ("B02", 38, 50),
        ("B03", 0, 10),
        ("B04", 2, 0),
    ]
    assert set(diffs["check"]) == {"receipts_vs_report"}
    assert cross_check.receipts_vs_report(report, report).empty
