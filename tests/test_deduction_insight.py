"""Recovery rate and prevention hints of the deduction ledger (core/deductions/insight.py),
and the ledger workbook carrying both."""

import io
from datetime import date

import openpyxl

from acorn_vendor.core.deductions.insight import prevention_hints, recovery_rate
from acorn_vendor.core.deductions.ledger_workbook import LEDGER_COLUMNS, ledger_workbook


def test_recovery_rate_by_sub_kind_and_month_with_a_total():
    rows = [
        {"sub_kind": "shortage", "date": date(2026, 10, 6), "disputed": 100.0, "recovered": 100.0},
        {"sub_kind": "shortage", "date": date(2026, 10, 20), "disputed": 50.0, "recovered": 0.0},
        {"sub_kind": "shortage", "date": date(2026, 11, 3), "disputed": 50.0, "recovered": 25.0},
        {"sub_kind": "asn_accuracy", "date": date(2026, 11, 3), "disputed": 0.0, "recovered": 0},
    ]
    table = recovery_rate(rows)
    got = {(r.sub_kind, r.month): (r.disputed, r.recovered, r.rate) for r in table.itertuples()}
    assert got[("shortage", "2026-10")] == (150.0, 100.0, 0.6667)
    assert got[("shortage", "2026-11")] == (50.0, 25.0, 0.5)
    assert got[("shortage", "all")] == (200.0, 125.0, 0.625)
    assert got[("asn_accuracy", "all")][2] is None  # nothing disputed: no rate, not 0
    assert list(table.month[table.sub_kind == "shortage"]) == ["2026-10", "2026-11", "all"]


def test_recovery_rate_of_nothing_is_an_empty_table():
    assert recovery_rate([]).empty


def _deduction(sub_kind, amount, carrier="ODFL", fc="ABE8", product="Skillet", kind="LTL"):
    return {
        "sub_kind": sub_kind,
        "amount": amount,
        "carrier": carrier,
        "fc_code": fc,
        "product": product,
        "shipment_type": kind,
    }


def test_asn_chargebacks_on_one_carrier_and_shortages_at_one_fc_are_hinted():
    rows = [_deduction("asn_accuracy", -40, carrier="UPSN") for _ in range(3)]
    rows += [_deduction("asn_accuracy", -10, carrier="ODFL")]
    rows += [_deduction("shortage", -20, fc="TEB3") for _ in range(4)]
    rows += [_deduction("shortage", -5, fc=fc) for fc in ("ABE8", "MDW2")]
    hints = prevention_hints(rows)
    found = {(h.sub_kind, h.dimension): h for h in hints}
    carrier = found[("asn_accuracy", "carrier")]
    assert (carrier.value, carrier.count, carrier.total_count, carrier.amount) == (
        "UPSN", 3, 4, 120.0)  # fmt: skip
    assert str(carrier).startswith("3 of 4 asn accuracy deductions (92% of the amount")
    assert "picks up" in str(carrier)
    assert found[("shortage", "fc_code")].value == "TEB3"
    assert "fulfilment centre TEB3" in str(found[("shortage", "fc_code")])
    assert hints[0].amount >= hints[-1].amount


def test_no_hint_for_one_carrier_for_everything_or_too_few_or_spread_out():
    assert prevention_hints([_deduction("shortage", -20) for _ in range(9)]) == []
    few = [_deduction("shortage", -20, fc="TEB3") for _ in range(2)]
    assert prevention_hints([*few, _deduction("shortage", -1, fc="ABE8")]) == []
    spread = [_deduction("shortage", -10, fc=fc) for fc in ("A", "B", "C", "D") for _ in range(3)]
    assert prevention_hints(spread) == []
    assert prevention_hints([]) == []


def test_the_ledger_workbook_carries_recovery_and_hints():
    rows = [dict.fromkeys(LEDGER_COLUMNS) | {"date": date(2026, 11, 3), "amount_taken": 20.0,
            "disputable_amount": 20.0, "kind": "Shortage claim"}]  # fmt: skip
    recovery = recovery_rate(
        [{"sub_kind": "shortage", "date": date(2026, 11, 3), "disputed": 20, "recovered": 20}]
    )
    hints = prevention_hints([_deduction("shortage", -20, fc="TEB3") for _ in range(3)]
                             + [_deduction("shortage", -1, fc="ABE8")])  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(ledger_workbook(rows, recovery, hints)))
    assert {"Deductions", "Recovery Rate", "Prevention Hints"} <= set(book.sheetnames)
    recovered = list(book["Recovery Rate"].iter_rows(values_only=True))
    assert recovered[0] == ("Sub-kind", "Month", "Disputed", "Recovered", "Rate")
    assert ("shortage", "2026-11", 20, 20, 1) in recovered
    hinted = list(book["Prevention Hints"].iter_rows(values_only=True))
    assert hinted[1][:3] == ("shortage", "fulfilment centre", "TEB3")
    assert "TEB3" in hinted[1][-1]
