"""Remittance core benchmark: a month of a large vendor's Payments export read, matched and
planned, beside loading the same workbook's bare cells with openpyxl.

    python3 bench/bench_remittance_core.py [--payments 60] [--invoices 20000]
        [--deductions 6000] [--repeat 3]

Generates (deterministically) the month as Vendor Central exports it: ``--payments`` payments,
``--invoices`` invoice lines and ``--deductions`` deduction lines (shortage claims, some
reversed, price claims, chargebacks, co-op, provisions and their reversals, price
protection), written as XLSX with xlsxwriter like the sandbox's export, and as CSV. Times:

1. ``read_payments_export`` of the XLSX and of the CSV (labels, dates, amounts, kinds,
   issues);
2. ``match_payments`` against the account's open documents (the month's invoices plus as many
   again still open from other months);
3. ``plan_bookings`` for every payment, each plan checked to balance.

Baseline in the same run: openpyxl loading every cell of the same XLSX (read-only, values
only), the floor any reader of the file pays (pandas.read_excel does the same underneath and
needs openpyxl 3.1, above Odoo's pin). The best of ``--repeat`` runs is printed, and the peak
RSS of the process.
"""

import argparse
import csv
import io
import random
import resource
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
import xlsxwriter  # noqa: E402

from acorn_vendor.core.remittance.booking import plan_bookings  # noqa: E402
from acorn_vendor.core.remittance.matching import OpenDocument, match_payments  # noqa: E402
from acorn_vendor.core.remittance.payments_export import read_payments_export  # noqa: E402
from acorn_vendor.core.sandbox.payments import LINE_HEADER, PAYMENT_HEADER  # noqa: E402
from bench.common import machine  # noqa: E402

CENT = Decimal("0.01")
DEDUCTIONS = (  # kind share of the deduction lines
    ("SC", 0.5),
    ("SCR", 0.1),
    ("PC", 0.15),
    ("VCBSINV", 0.15),
    ("COOP", 0.05),
    ("PROVISION", 0.03),
    ("IPAP", 0.02),
)


def month(payments, invoices, deductions, seed=7):
    """[(number, date, [(invoice number, date, description, amount, discount)])], open docs."""
    rng = random.Random(seed)
    start = date(2026, 3, 1)
    out = [
        (str(40000000 + i), start + timedelta(days=i * 30 // payments), []) for i in range(payments)
    ]
    numbers = []
    for n in range(invoices):
        number = f"INV-2026-{n:06d}"
        amount = Decimal(rng.randint(20000, 2500000)) / 100
        discount = (amount * Decimal("0.02")).quantize(CENT)
        pay = out[n % payments]
        pay[2].append((number, pay[1] - timedelta(days=30), "Invoice", amount, discount))
        numbers.append((number, amount))
    kinds = [k for k, share in DEDUCTIONS for _ in range(round(share * deductions))]
    for i, kind in enumerate(kinds[:deductions]):
        base, amount = numbers[rng.randrange(len(numbers))]
        fee = (amount * Decimal(rng.uniform(0.01, 0.08))).quantize(CENT)
        pay = out[i % payments]
        line = {
            "SC": (f"{base}SC", "Shortage claim", -fee, -(fee * Decimal("0.02")).quantize(CENT)),
            "SCR": (f"{base}SCR", "Shortage claim reversal", fee, Decimal(0)),
            "PC": (f"{base}PC", "Price claim", -fee, Decimal(0)),
            "VCBSINV": (f"{1500000000 + i}VCBSINV", "ASN Accuracy: Late ASN", -fee, Decimal(0)),
            "COOP": (f"{6000 + i % 999}-{1490000000 + i}", "Co-op", -fee, Decimal(0)),
            "IPAP": (f"IPAPUS{1000000 + i}", "Price protection", -fee, Decimal(0)),
        }.get(kind)
        if kind == "PROVISION":
            name = f"2603{i % 28 + 1:02d}_PROVISION_FOR_RECEIVABLES_{i}"
            pay[2].append((name, pay[1], "Provision", -fee, Decimal(0)))
            later = out[(i + 1) % payments]
            later[2].append((name + "-R", later[1], "Provision", fee, Decimal(0)))
            continue
        pay[2].append((line[0], pay[1], line[1], line[2], line[3]))
    documents = [OpenDocument(number, "invoice", amount, "USD") for number, amount in numbers]
    documents += [
        OpenDocument(f"INV-2026-{n:06d}", "invoice", Decimal(100), "USD")
        for n in range(invoices, 2 * invoices)
    ]
    return out, documents


def rows(payments):
    table = [["Payments"], [], list(PAYMENT_HEADER)]
    for number, day, lines in payments:
        total = sum((amount - discount for _n, _d, _t, amount, discount in lines), Decimal(0))
        table.append([number, day, "USD", total, "Vendor", "US", "ACME1", "ACH", "Paid", ""])
    table += [[], ["Invoices"], list(LINE_HEADER)]
    for number, _day, lines in payments:
        for invoice, day, description, amount, discount in lines:
            paid = amount - discount
            table.append([number, invoice, day, description, amount, "USD", 0, discount, paid, 0])
    return table


def to_xlsx(table):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Remittance payments")
    dates = book.add_format({"num_format": "mm/dd/yyyy"})
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), dates)
            elif isinstance(value, Decimal):
                sheet.write_number(r, c, float(value))
            else:
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def to_csv(table):
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in table:
        writer.writerow(
            [
                v.strftime("%m/%d/%Y")
                if isinstance(v, date)
                else f"{v:,.2f}"
                if isinstance(v, Decimal)
                else v
                for v in row
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def cells(data):
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(len(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    book.close()
    return count


def best(repeat, fn):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--payments", type=int, default=60)
    parser.add_argument("--invoices", type=int, default=20000)
    parser.add_argument("--deductions", type=int, default=6000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(machine())
    payments, documents = month(args.payments, args.invoices, args.deductions)
    table = rows(payments)
    xlsx, text = to_xlsx(table), to_csv(table)
    lines = sum(len(p[2]) for p in payments)
    print(
        f"{args.payments} payments, {lines} lines; XLSX {len(xlsx) / 1e6:.1f} MB, "
        f"CSV {len(text) / 1e6:.1f} MB; {len(documents)} open documents"
    )
    baseline, _ = best(args.repeat, lambda: cells(xlsx))
    read_xlsx, parsed = best(args.repeat, lambda: read_payments_export(xlsx))
    read_csv, parsed_csv = best(args.repeat, lambda: read_payments_export(text))
    assert not parsed.errors and not parsed_csv.errors, parsed.errors[:3]
    assert sum(len(p.lines) for p in parsed.payments) == lines
    match, decisions = best(args.repeat, lambda: match_payments(parsed.payments, documents))
    plan, (plans, held) = best(args.repeat, lambda: plan_bookings(decisions))
    assert all(p.balanced for p in plans)
    reviewed = sum(len(d.to_review) for d in decisions)
    print(f"read XLSX (labels, dates, amounts, kinds)   {read_xlsx:7.2f} s")
    print(f"  baseline: openpyxl loads the cells only   {baseline:7.2f} s")
    print(f"read CSV                                    {read_csv:7.2f} s")
    print(f"match {lines} lines to {len(documents)} documents  {match:7.2f} s")
    print(f"plan {len(plans)} bookings (all balanced)          {plan:7.2f} s")
    print(f"parse (XLSX) + match + plan                 {read_xlsx + match + plan:7.2f} s")
    print(f"{len(held)} payments held, {reviewed} lines to review")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
