"""The sandbox's dispute desk: it knows which of its shortage claims were false, pays those
back as ``…SCR`` in a later remittance, denies true ones and disputes outside their window."""

from decimal import Decimal

import pytest
import requests

from acorn_vendor.core.remittance.payments_export import read_payments_export

PAYING = {"history_days": 100}  # invoices old enough to fall due before the pinned clock
DAY = 86400


def _claims(sb, received_in_full, min_age_days=35, max_age_days=10_000):
    """The sandbox's own record of its open claims: (invoice, [(asin, qty)]) per claim whose
    items are all true or all false, the age counted from the invoice's due date."""
    now = sb.clock.now()
    with sb.store.lock:
        sb.engine.tick(force=True)
        rows = sb.store.q(
            "SELECT c.invoice, c.due, ci.asin, ci.qty, ci.repaid, ci.received_in_full "
            "FROM shortage_claims c JOIN shortage_claim_items ci ON ci.claim = c.number "
            "WHERE c.number LIKE '%INVSC' ORDER BY c.claimed_at, c.number"
        )
    by_invoice = {}
    for row in rows:
        by_invoice.setdefault(row["invoice"], []).append(row)
    out = []
    for invoice, items in by_invoice.items():
        age = (now - items[0]["due"]) / DAY
        kinds = {row["received_in_full"] for row in items}
        if not min_age_days <= age <= max_age_days or any(row["repaid"] for row in items):
            continue
        if kinds == {received_in_full}:
            out.append((invoice, [(row["asin"], row["qty"]) for row in items]))
    return out


def _file(sb, invoice, items, evidence=("asn.json", "pod.pdf")):
    body = {
        "kind": "shortage",
        "reference": f"DSP/{invoice}",
        "invoiceNumbers": [invoice],
        "items": [
            {"invoiceNumber": invoice, "asin": asin, "quantity": qty, "explanation": "shipped"}
            for asin, qty in items
        ],
        "evidence": list(evidence),
    }
    return requests.post(f"{sb.url}/_sandbox/disputes", json=body, timeout=10)


def _case(sb, case_id):
    response = requests.get(f"{sb.url}/_sandbox/disputes/{case_id}", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def _export_lines(sb):
    data = requests.get(f"{sb.url}/_sandbox/payments/export?format=csv", timeout=30).content
    parsed = read_payments_export(data)
    assert not parsed.errors
    return {line.invoice_number: line for p in parsed.payments for line in p.lines}


def test_a_false_shortage_is_approved_and_paid_back_in_a_later_remittance(sandbox_factory):
    sb = sandbox_factory(**PAYING, payments={"hidden_rate": 0})
    invoice, items = _claims(sb, received_in_full=1)[0]
    claim = _export_lines(sb)[f"{invoice}SC"]
    filed = _file(sb, invoice, items)
    assert filed.status_code == 201, filed.text
    case_id = filed.json()["caseId"]
    pending = _case(sb, case_id)
    assert pending["status"] == "PendingAmazonAction" and pending["answer"] is None
    sb.advance(7 * DAY)
    answered = _case(sb, case_id)
    assert answered["status"] == "Approved", answered
    assert Decimal(answered["approvedAmount"]) == -claim.invoice_amount
    assert answered["reversals"] == [
        {"invoiceNumber": f"{invoice}SCR", "amount": answered["approvedAmount"]}
    ]
    assert "received all" in answered["answer"]
    assert f"{invoice}SCR" not in _export_lines(sb)
    sb.advance(7 * DAY)  # the next Tuesday run pays it back
    reversal = _export_lines(sb)[f"{invoice}SCR"]
    assert reversal.kind == "shortage_claim_reversal"
    assert reversal.base_invoice_number == invoice
    assert reversal.invoice_amount == -claim.invoice_amount


def test_a_true_shortage_is_denied_and_nothing_is_paid(sandbox_factory):
    sb = sandbox_factory(**PAYING)
    invoice, items = _claims(sb, received_in_full=0)[0]
    case_id = _file(sb, invoice, items).json()["caseId"]
    sb.advance(14 * DAY)
    answered = _case(sb, case_id)
    assert answered["status"] == "Denied"
    assert answered["reversals"] == [] and answered["approvedAmount"] == "0"
    assert "the shortage stands" in answered["answer"]
    assert f"{invoice}SCR" not in _export_lines(sb)


def test_true_and_false_units_on_one_invoice_are_partly_approved(sandbox_factory):
    sb = sandbox_factory(**PAYING)
    invoice, false_items = _claims(sb, received_in_full=1)[0]
    true_invoice, true_items = _claims(sb, received_in_full=0)[0]
    body = {
        "kind": "shortage",
        "invoiceNumbers": [invoice, true_invoice],
        "items": [
            {"invoiceNumber": number, "asin": asin, "quantity": qty}
            for number, items in ((invoice, false_items), (true_invoice, true_items))
            for asin, qty in items
        ],
        "evidence": ["pod.pdf"],
    }
    case_id = requests.post(f"{sb.url}/_sandbox/disputes", json=body, timeout=10).json()["caseId"]
    sb.advance(7 * DAY)
    answered = _case(sb, case_id)
    assert answered["status"] == "PartiallyApproved"
    assert [r["invoiceNumber"] for r in answered["reversals"]] == [f"{invoice}SCR"]
    approved = {item["invoiceNumber"]: item["approvedQuantity"] for item in answered["items"]}
    assert approved == {invoice: false_items[0][1], true_invoice: 0}


def test_a_dispute_outside_its_window_is_denied(sandbox_factory):
    sb = sandbox_factory(**PAYING)
    early, items = _claims(sb, received_in_full=1, min_age_days=0, max_age_days=30)[0]
    case_id = _file(sb, early, items).json()["caseId"]
    sb.advance(7 * DAY)
    answered = _case(sb, case_id)
    assert answered["status"] == "Denied"
    assert "before its dispute window opens" in answered["answer"]
    # The same false claim, once its window has closed (a 40-day window for this sandbox).
    late = sandbox_factory(**PAYING, payments={"dispute_closes_days": 40})
    invoice, items = _claims(late, received_in_full=1, min_age_days=41)[0]
    case_id = _file(late, invoice, items).json()["caseId"]
    late.advance(7 * DAY)
    answered = _case(late, case_id)
    assert answered["status"] == "Denied"
    assert "after its dispute window closed" in answered["answer"]


def test_one_dispute_and_one_re_dispute_per_invoice(sandbox_factory):
    sb = sandbox_factory(**PAYING)
    invoice, items = _claims(sb, received_in_full=0)[0]
    answers = []
    for _ in range(3):
        case_id = _file(sb, invoice, items).json()["caseId"]
        sb.advance(7 * DAY)
        answers.append(_case(sb, case_id)["answer"])
    assert "already disputed and re-disputed" not in answers[1]
    assert "already disputed and re-disputed" in answers[2]


def test_a_claim_paid_back_once_is_not_paid_again(sandbox_factory):
    sb = sandbox_factory(**PAYING)
    invoice, items = _claims(sb, received_in_full=1)[0]
    first = _file(sb, invoice, items).json()["caseId"]
    second = _file(sb, invoice, items).json()["caseId"]
    sb.advance(7 * DAY)
    assert _case(sb, first)["status"] == "Approved"
    again = _case(sb, second)
    assert again["status"] == "Denied" and "already paid back" in again["answer"]


def test_answers_are_deterministic(sandbox_factory):
    answers = []
    for _ in range(2):
        sb = sandbox_factory(**PAYING)
        invoice, items = _claims(sb, received_in_full=1)[0]
        case_id = _file(sb, invoice, items).json()["caseId"]
        sb.advance(7 * DAY)
        answers.append(_case(sb, case_id))
    assert answers[0] == answers[1]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"kind": "price_claim"}, "kind: 'price_claim' is not taken here"),
        (
            {"kind": "shortage", "invoiceNumbers": ["X"], "items": [], "evidence": ["a"]},
            "items: a non-empty list",
        ),
        (
            {
                "kind": "shortage",
                "invoiceNumbers": ["X"],
                "items": [{"invoiceNumber": "Y", "asin": "B0", "quantity": 0}],
                "evidence": [],
            },
            "items[0].quantity",
        ),
    ],
)
def test_a_bad_dispute_is_refused_with_every_problem_named(sandbox, body, says):
    response = requests.post(f"{sandbox.url}/_sandbox/disputes", json=body, timeout=10)
    assert response.status_code == 400
    messages = " | ".join(error["message"] for error in response.json()["errors"])
    assert says in messages
    if body.get("evidence") == []:
        assert "items[0].invoiceNumber" in messages and "evidence:" in messages


def test_an_unknown_case_is_404(sandbox):
    response = requests.get(f"{sandbox.url}/_sandbox/disputes/0000000000", timeout=10)
    assert response.status_code == 404


def test_the_shortage_page_shows_units_per_asin_not_the_truth(sandbox_factory):
    sb = sandbox_factory(**PAYING, payments={"hidden_rate": 0})
    invoice, items = _claims(sb, received_in_full=1)[0]
    response = requests.get(f"{sb.url}/_sandbox/shortages/{invoice}", timeout=10)
    assert response.status_code == 200
    detail = response.json()
    assert [(c["asin"], c["quantity"]) for c in detail["claims"]] == items
    assert "received_in_full" not in response.text
    claim = _export_lines(sb)[f"{invoice}SC"]
    assert sum(Decimal(c["amount"]) for c in detail["claims"]) == -claim.invoice_amount
    missing = requests.get(f"{sb.url}/_sandbox/shortages/NOPE", timeout=10)
    assert missing.status_code == 404


def test_open_history_invoices_are_the_ones_the_next_runs_pay(sandbox_factory):
    """GET /_sandbox/invoices/open lists the history invoices due in the coming days, which
    the weekly runs then pay: a demo posts them first and the next Payments export books."""
    import json
    import urllib.request

    sb = sandbox_factory(history_days=100, payments={"hidden_rate": 0})

    def get(path):
        with urllib.request.urlopen(f"{sb.url}{path}") as response:
            return json.loads(response.read())

    def paid():
        return {
            line["invoice_number"]
            for payment in get("/_sandbox/payments/export?format=json")["payments"]
            for line in payment["lines"]
            if line["kind"] == "invoice"
        }

    before = paid()
    listed = get("/_sandbox/invoices/open?days=14")["invoices"]
    assert listed and all(i["invoice_number"].endswith("INV") for i in listed)
    assert not {i["invoice_number"] for i in listed} & before
    numbers = {i["invoice_number"] for i in listed}
    sb.advance(14 * 86400)
    assert before < paid() and paid() - before <= numbers  # nothing paid that was not listed
    sb.advance(7 * 86400)  # the weekly run after the last due date pays the rest
    assert numbers <= paid()
