"""Which paid invoices the demo ships in Odoo (core/deductions/demo_shipments.py): the newest
payment whose shortage claims can be disputed today and this month's, claimed invoices only."""

from datetime import date

from acorn_vendor.core.deductions.demo_shipments import claimed_invoices


def payment(number, day, *invoices, claimed=()):
    lines = [
        {"invoice_number": n, "invoice_date": "2026-09-01", "kind": "invoice"} for n in invoices
    ]
    lines += [{"invoice_number": f"{n}SC", "kind": "shortage_claim"} for n in claimed]
    return {"number": number, "date": day, "lines": lines}


PAYMENTS = [
    payment("P1", "2026-10-20", "AINV", "BINV", claimed=["AINV"]),
    payment("P2", "2026-10-27", "CINV", "DINV", "EINV", claimed=["EINV", "CINV"]),
    payment("P3", "2026-11-03", "FINV", claimed=["FINV"]),
    payment("P4", "2026-12-01", "GINV", "HINV", claimed=["HINV"]),
]


def test_the_newest_disputable_payment_and_this_months_claimed_invoices():
    picked = claimed_invoices(PAYMENTS, date(2026, 12, 6))
    assert [(c.invoice_number, c.purchase_order, c.band) for c in picked] == [
        ("CINV", "C", "disputable"),
        ("EINV", "E", "disputable"),
        ("HINV", "H", "this_month"),
    ]
    assert picked[0].invoice_date == date(2026, 9, 1)
    assert picked[0].paid_on == date(2026, 10, 27)


def test_at_most_per_band_and_empty_bands():
    assert [
        c.invoice_number for c in claimed_invoices(PAYMENTS, date(2026, 12, 6), per_band=1)
    ] == [
        "CINV",
        "HINV",
    ]
    assert claimed_invoices(PAYMENTS, date(2026, 10, 1)) == []
    only_old = claimed_invoices(PAYMENTS[:1], date(2026, 12, 6))
    assert [c.band for c in only_old] == ["disputable"]
