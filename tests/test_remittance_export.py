"""Reading Vendor Central's Payments export: every layout and locale variant gives the same
payments, and every problem names its row and column."""

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acorn_vendor.core.remittance import cli
from acorn_vendor.core.remittance.cell_values import parse_amount, parse_date
from acorn_vendor.core.remittance.payments_export import read_payments_export

from . import remittance_samples as s
from .fuzz_mutations import KINDS, mangle

ROOT = Path(__file__).resolve().parent.parent


def _excel_serial(day):
    return (day - date(1899, 12, 30)).days


def _check_sample(result):
    assert not result.errors, [str(i) for i in result.errors]
    assert [p.number for p in result.payments] == ["41872201", "41872202"]
    paid, hidden = result.payments
    assert (paid.date, paid.currency, paid.amount, paid.lines_hidden) == (
        date(2026, 3, 18),
        "USD",
        s.PAID,
        False,
    )
    assert [line.invoice_number for line in paid.lines] == [line[0] for line in s.LINES]
    assert [line.amount_paid for line in paid.lines] == [Decimal(line[5]) for line in s.LINES]
    assert [line.invoice_date for line in paid.lines] == [line[1] for line in s.LINES]
    assert [(line.kind, line.base_invoice_number) for line in paid.lines] == s.EXPECTED_KINDS
    assert paid.gap == 0
    assert hidden.lines_hidden and hidden.lines == [] and hidden.gap == s.HIDDEN_AMOUNT
    assert result.hidden_gap == s.HIDDEN_AMOUNT


VARIANTS = {
    "csv comma, US": lambda: s.to_csv(s.layout(s.us_date, s.us_amount)),
    "csv semicolon, EU decimal comma": lambda: s.to_csv(
        s.layout(s.eu_date, s.eu_amount, currency="USD"), delimiter=";"
    ),
    "csv accounting $ and (x), no BOM": lambda: s.to_csv(
        s.layout(s.us_date, s.accounting_amount), encoding="utf-8"
    ),
    "csv ISO dates, cp1252": lambda: s.to_csv(s.layout(date.isoformat, str), encoding="cp1252"),
    "csv UTF-16 tab (Excel unicode text)": lambda: s.to_csv(
        s.layout(s.us_date, s.us_amount), delimiter="\t", encoding="utf-16"
    ),
    "xlsx typed dates and numbers": lambda: s.to_xlsx(s.layout(lambda d: d, float)),
    "xlsx serial dates, text amounts": lambda: s.to_xlsx(s.layout(_excel_serial, s.us_amount)),
    "xlsx text dates, extra column": lambda: s.to_xlsx(
        s.layout(s.us_date, float, extra_column=True), sheet="Sheet1"
    ),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_variant_reads_the_same_payments(variant):
    _check_sample(read_payments_export(VARIANTS[variant]()))


def test_day_first_dates_are_recognised_from_the_values():
    result = read_payments_export(s.to_csv(s.layout(s.eu_date, s.us_amount)))
    _check_sample(result)
    assert result.date_order == "DMY" and "row" in result.date_order_reason


def test_ambiguous_dates_follow_the_given_order_or_warn():
    rows = s.layout(s.us_date, s.us_amount)
    # keep only dates whose day is <= 12, so nothing in the file decides
    for row in rows:
        for i, cell in enumerate(row):
            if isinstance(cell, str) and cell.count("/") == 2:
                row[i] = "03/05/2026"
    data = s.to_csv(rows)
    assumed = read_payments_export(data)
    assert assumed.payments[0].date == date(2026, 3, 5)
    assert any("could be MM/DD or DD/MM" in i.message for i in assumed.issues)
    given = read_payments_export(data, date_order="DMY")
    assert given.payments[0].date == date(2026, 5, 3)
    assert not given.issues or all("could be" not in i.message for i in given.issues)


def test_columns_are_found_by_label_in_any_order_and_spelling():
    rows = s.layout(s.us_date, s.us_amount)
    header = rows.index(s.LINE_HEADER)
    order = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    for i in range(header, len(rows)):
        rows[i] = [rows[i][j] for j in order]
    rows[header] = [
        "REMAINING AMOUNT",
        "amount paid",
        "Terms-discount amount",
        "withholding_amount",
        "Invoice currency",
        "Invoice Amount ",
        "DESCRIPTION",
        "Invoice date",
        "Invoice #",
        "payment number",
    ]
    _check_sample(read_payments_export(s.to_csv(rows)))


def test_mixed_day_orders_are_an_error_naming_rows():
    rows = s.layout(s.us_date, s.us_amount)
    rows[3][1] = "25/03/2026"  # a day-first date among month-first ones (03/18/2026...)
    result = read_payments_export(s.to_csv(rows))
    assert any("mix DD/MM" in i.message for i in result.errors)


def test_bad_cells_name_row_column_and_label():
    rows = s.layout(s.us_date, s.us_amount)
    header = rows.index(s.LINE_HEADER)
    rows[header + 2][8] = "twelve"
    rows[header + 3][2] = "31/31/2026"
    rows[header + 4][0] = "99999999"
    result = read_payments_export(s.to_csv(rows))
    found = {(i.row, i.column, i.label): i.message for i in result.errors}
    assert "'twelve' is not an amount" in found[(header + 3, "I", "Amount Paid")]
    assert "not a valid date" in found[(header + 4, "C", "Invoice Date")]
    assert found[(header + 5, "A", "Payment Number")] == (
        "Payment 99999999 is not in the payments section"
    )
    assert str(result.errors[0]).startswith(f"ERROR row {header + 3}, column I (Amount Paid)")


def test_missing_required_column_and_not_an_export():
    rows = s.layout(s.us_date, s.us_amount)
    header = rows.index(s.LINE_HEADER)
    rows[header][8] = "Something else"
    result = read_payments_export(s.to_csv(rows))
    assert any("no 'Amount Paid' column" in i.message for i in result.errors)
    other = read_payments_export(b"name,qty\nwidget,3\n")
    assert other.errors and "No payments section" in other.errors[0].message
    assert (
        read_payments_export(b"PK\x03\x04garbage")
        .errors[0]
        .message.startswith("The file is not a readable XLSX")
    )


def test_lines_that_do_not_add_up_are_flagged():
    rows = s.layout(s.us_date, s.us_amount)
    rows[3][3] = "18,200.00"
    result = read_payments_export(s.to_csv(rows))
    assert not result.errors
    assert any("add up to 18113.73, not 18200.00" in i.message for i in result.issues)


def test_totals_rows_and_a_description_mentioning_set_up_are_not_sections():
    rows = s.layout(s.us_date, s.us_amount)
    rows.insert(5, ["Total", "", "", "95,026.13"])
    header = rows.index(s.LINE_HEADER)
    rows[header + 1][3] = "Ordering code not set up; will be paid"
    rows.append(["", "Total", "", "", "", "", "", "", "18,113.73"])
    result = read_payments_export(s.to_csv(rows))
    _check_sample(result)
    assert result.payments[0].lines[0].description.startswith("Ordering code")


def test_hidden_payment_without_warning_section_is_a_payment_without_lines():
    result = read_payments_export(s.to_csv(s.layout(s.us_date, s.us_amount, hidden=False)))
    second = result.payments[1]
    assert not second.lines_hidden and second.lines == []
    assert any("has no invoice lines" in i.message for i in result.issues)


@pytest.mark.parametrize(
    "text,value",
    [
        ("1,234.50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("(12.00)", "-12.00"),
        ("-$12", "-12"),
        ("$(1,000.00)", "-1000.00"),
        ("12-", "-12"),
        ("EUR 1 234,56", "1234.56"),
        ("€1.234.567,89", "1234567.89"),
        (0.1 + 0.2, "0.3"),
        (17, "17"),
    ],
)
def test_amount_forms(text, value):
    assert parse_amount(text) == Decimal(value)


def test_ambiguous_grouping_follows_the_files_decimal_mark():
    assert parse_amount("1,234") == Decimal("1234")
    assert parse_amount("1,234", decimal_comma=True) == Decimal("1.234")
    assert parse_amount("1.234", decimal_comma=True) == Decimal("1234")
    for bad in ("--5", "(-5)", "1,23,4", "12.3.4", "abc", ""):
        with pytest.raises(ValueError):
            parse_amount(bad)


def test_date_forms():
    day = date(2026, 3, 5)
    assert parse_date("03/05/2026") == day
    assert parse_date("05/03/2026", "DMY") == day
    assert parse_date("5.3.2026") == day
    assert parse_date("2026-03-05T10:00:00Z") == day
    assert parse_date(_excel_serial(day)) == day
    assert parse_date(str(_excel_serial(day))) == day
    assert parse_date("05-Mar-2026") == day
    with pytest.raises(ValueError):
        parse_date(12)  # not a plausible serial


def test_cli_json_is_the_documented_shape(tmp_path, capsys):
    path = tmp_path / "Payments.csv"
    path.write_bytes(s.to_csv(s.layout(s.us_date, s.us_amount)))
    assert cli.main(["parse", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"payments", "issues"}
    payment = doc["payments"][0]
    assert set(payment) == {"number", "date", "currency", "amount", "lines_hidden", "lines"}
    assert payment["date"] == "2026-03-18" and payment["amount"] == "18113.73"
    assert payment["lines"][2] == {
        "invoice_number": "VC17413SC",
        "invoice_date": "2026-03-10",
        "description": "Shortage claim",
        "invoice_amount": "-877.82",
        "discount": "17.91",
        "amount_paid": "-859.91",
        "remaining": "0.00",
        "kind": "shortage_claim",
        "base_invoice_number": "VC17413",
    }
    assert doc["payments"][1]["lines_hidden"] is True


def test_cli_summary_and_exit_codes(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Payment Number,Payment Date,Amount\n1,yesterday,5\n")
    assert cli.main(["parse", str(bad)]) == 1
    assert "ERROR row 2, column B (Payment Date)" in capsys.readouterr().out
    assert cli.main(["parse", str(tmp_path / "missing.csv")]) == 2


def test_acorn_entry_point(tmp_path):
    path = tmp_path / "Payments.xlsx"
    path.write_bytes(s.to_xlsx(s.layout(lambda d: d, float)))
    run = subprocess.run(
        [sys.executable, str(ROOT / "acorn"), "finance", "parse", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "Payment 41872202  2026-03-25  77912.4 USD  HIDDEN LINES" in run.stdout


# ---- fuzz: the reader never crashes -------------------------------------------------------

_CSV = s.to_csv(s.layout(s.us_date, s.us_amount))
_XLSX = s.to_xlsx(s.layout(lambda d: d, float))


@settings(
    # ACORN_FUZZ_EXAMPLES=N runs a longer campaign
    max_examples=int(os.environ.get("ACORN_FUZZ_EXAMPLES", 150)),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.data())
def test_fuzz_reader_never_raises(data):
    """Cuts, byte flips, insertions and noise in CSV and XLSX files: issues, never a crash."""
    kind = data.draw(st.sampled_from([*KINDS, "cell"]))
    if kind == "cell":  # one CSV cell replaced by any text
        text = _CSV.decode("utf-8-sig").split("\r\n")
        row = data.draw(st.integers(0, len(text) - 1))
        cells = text[row].split(",")
        cells[data.draw(st.integers(0, len(cells) - 1))] = data.draw(st.text(max_size=20))
        text[row] = ",".join(cells)
        damaged = "\r\n".join(text).encode()
    else:
        damaged = mangle(data, data.draw(st.sampled_from([_CSV, _XLSX])), kind)
    result = read_payments_export(damaged)
    for issue in result.issues:
        assert issue.severity in ("error", "warning") and str(issue)
    json.dumps(result.to_json())
