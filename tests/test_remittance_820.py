"""X12 820 into the remittance core: the simulated Amazon's 820s carry the same payments as
the sandbox's Payments export, pass bots, and import with the same keys (never twice)."""

import json
import urllib.request

from acorn_vendor.core.remittance.import_keys import line_keys, payment_key, select_new
from acorn_vendor.core.remittance.payments_export import read_payments_export
from acorn_vendor.core.remittance.remittance_advice import payment_from_remittance
from acorn_vendor_edi.core import exchange
from acorn_vendor_edi.core.sandbox_remittances import remittances_from_sandbox
from acorn_vendor_edi.tests import bots_check

PAYING = {"history_days": 100}
PROFILE = exchange.Profile("x12", "4010", "ACMEVENDOR", "ZZ", "AMAZON", "ZZ", test=True)


def _get(sb, fmt):
    with urllib.request.urlopen(f"{sb.url}/_sandbox/payments/export?format={fmt}") as response:
        return response.read()


def _payments_from_820(sb):
    remittances = remittances_from_sandbox(json.loads(_get(sb, "json")))
    data = exchange.as_partner(PROFILE, remittances, 4242)
    inbound = exchange.read_file(data)
    assert inbound.ok, inbound.all_errors()
    assert {m.set_id for m in inbound.messages} == {"820"}
    return data, [payment_from_remittance(m.document) for m in inbound.messages]


def test_the_simulated_amazons_820s_hold_the_exports_payments(sandbox_factory):
    sb = sandbox_factory(**PAYING)
    data, from_820 = _payments_from_820(sb)
    if bots_check.available():
        assert bots_check.x12_errors(data) == []
    export = read_payments_export(_get(sb, "xlsx")).payments
    assert [p.number for p in from_820] == [p.number for p in export]
    for edi, sheet in zip(from_820, export, strict=True):
        assert (edi.date, edi.currency, edi.amount) == (sheet.date, sheet.currency, sheet.amount)
        assert edi.gap == 0, "an 820 always carries its lines"
        assert payment_key("A1", edi) == payment_key("A1", sheet)
        if sheet.lines_hidden:
            continue
        assert line_keys("A1", edi) == line_keys("A1", sheet)
        assert [(line.kind, line.base_invoice_number, line.settled) for line in edi.lines] == [
            (line.kind, line.base_invoice_number, line.settled) for line in sheet.lines
        ]
    kinds = {line.kind for p in from_820 for line in p.lines}
    assert {"invoice", "shortage_claim", "coop", "provision", "price_protection"} <= kinds


def test_an_820_after_the_export_adds_only_the_lines_the_export_hid(sandbox_factory):
    sb = sandbox_factory(**PAYING)
    _data, from_820 = _payments_from_820(sb)
    export = read_payments_export(_get(sb, "csv")).payments
    first = select_new("A1", export, set())
    known = set(first.payment_keys.values())
    known.update(k for keys in first.line_keys.values() for k in keys)
    again = select_new("A1", from_820, known)
    hidden = [p for p in export if p.lines_hidden]
    assert hidden, "the sandbox hides some payments' lines"
    assert again.new_payments == []
    assert [p.number for p in again.grown_payments] == [p.number for p in hidden]
    assert again.duplicate_payments == len(export) - len(hidden)
