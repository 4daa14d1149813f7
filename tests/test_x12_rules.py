"""Amazon's rules beyond X12 syntax: 856 hierarchy and SSCCs, totals, 855 vs PO, 810 vs PO/ASN."""

from decimal import Decimal

from acorn_vendor.core import domain
from acorn_vendor_edi.core import x12
from acorn_vendor_edi.tests.bots_check import x12_errors as bots_errors

from . import x12_samples


def _asn_text():
    return x12.write([x12_samples.shipment()], x12_samples.env())


def _errors(text):
    return [str(i) for i in x12.parse(text.encode()).errors]


def test_prf_at_shipment_level_is_caught_although_bots_accepts_it():
    text = _asn_text().replace("HL*1**S~\n", "HL*1**S~\nPRF*2JK3S9VC~\n")
    text = text.replace("SE*37*0001", "SE*38*0001")
    assert bots_errors(text) == []  # legal in the generic 856 grammar
    errors = _errors(text)
    assert errors == [
        "ERROR interchange 000000001, group 1, 856 0001, PRF (segment 6): PRF (PO "
        "number) belongs to the order (O) level, not S"
    ]


def test_hl_parent_pointers_and_levels():
    text = _asn_text().replace("HL*4*3*P~", "HL*4*99*P~").replace("HL*9*8*I~", "HL*9*1*I~")
    errors = _errors(text)
    assert any("HL02 parent 99 does not exist before HL 4" in e for e in errors)
    assert any("HL 9 level I cannot sit under S (Amazon: S/O/T/P/I)" in e for e in errors)
    assert any("HL02 (segment 19)" in e for e in errors) and len(errors) == 3


def test_sscc_check_digit_in_man():
    good = x12_samples.sscc(1001)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    errors = _errors(_asn_text().replace(good, bad))
    assert errors == [
        f"ERROR interchange 000000001, group 1, 856 0001, MAN02 (segment 20): SSCC "
        f"{bad} has check digit {bad[-1]}, expected {good[-1]}"
    ]
    ack, _ = x12.acknowledge(_asn_text().replace(good, bad).encode(), env=x12_samples.env())
    assert f"AK4*2**7*{bad}~" in ack


def test_carton_without_sscc():
    text = _asn_text().replace(f"MAN*GM*{x12_samples.sscc(1002)}~\n", "").replace("SE*37", "SE*36")
    assert any("carton HL 6 has no MAN*GM SSCC" in e for e in _errors(text))


def test_856_ctt_counts_hl_segments_and_sn1_quantities():
    errors = _errors(_asn_text().replace("CTT*9*30~", "CTT*3*31~"))
    assert any("CTT01 says '3', the 856 has 9 HL segments" in e for e in errors)
    assert any("CTT02 '31' differs from the SN102 sum 30" in e for e in errors)


def test_tds_must_equal_the_lines():
    text = x12.write([x12_samples.invoice()], x12_samples.env()).replace("TDS*47712~", "TDS*477~")
    errors = _errors(text)
    assert errors == [
        "ERROR interchange 000000001, group 1, 810 0001, TDS01 (segment 13): TDS01 "
        "477 (= 4.77) differs from lines + charges - allowances + taxes = 477.12 "
        "(TDS carries 2 implied decimals)"
    ]


def test_acknowledgement_against_the_po():
    po = x12_samples.purchase_order()
    ack = x12_samples.acknowledgement(po)
    assert x12.check_acknowledgement(ack, po) == []
    ack.items[1].acknowledgements[1].quantity = domain.Quantity(4)
    ack.items[0].net_cost = domain.Money(Decimal("99"))
    del ack.items[2]
    po.items[1].back_order_allowed = False
    assert x12.check_acknowledgement(ack, po) == [
        "PO 2JK3S9VC line 1: cost 99 is above the PO cost 13.50",
        "PO 2JK3S9VC line 2: acknowledged quantities add up to 19, ordered 20",
        "PO 2JK3S9VC line 2: backorder not allowed on this PO",
        "PO 2JK3S9VC line 3 is not acknowledged (Amazon treats it as rejected)",
    ]


def test_invoice_three_way_match():
    po, asn, inv = (
        x12_samples.purchase_order(lines=2),
        x12_samples.shipment(),
        x12_samples.invoice(),
    )
    assert x12.check_invoice(inv, po, asn) == []
    inv.items[0].net_cost = domain.Money(Decimal("13.60"))
    inv.items[1].quantity = domain.Quantity(25)
    problems = x12.check_invoice(inv, po, asn)
    assert problems == [
        f"invoice INV-1001: total {inv.total.amount} differs from lines + charges - allowances + "
        f"taxes = {inv.computed_total()}",
        "invoice INV-1001 line 1: price 13.60 differs from PO 2JK3S9VC price 13.50",
        "invoice INV-1001: 25 of B0748G1A02 invoiced, 20 shipped on ASN ASN1000",
    ]


def test_855_lines_without_ack_are_flagged():
    text = x12.write([x12_samples.acknowledgement()], x12_samples.env())
    text = text.replace("ACK*IA*30*EA*068*20240306~\n", "").replace("SE*15", "SE*14")
    assert any(
        "PO1 line has no ACK segment: Amazon treats it as rejected" in e for e in _errors(text)
    )


def test_855_ack_code_list():
    text = x12.write([x12_samples.acknowledgement()], x12_samples.env()).replace(
        "ACK*IB*5", "ACK*ZZ*5"
    )
    assert any("ACK01 code 'ZZ' is not one Amazon accepts" in e for e in _errors(text))
    back = x12.parse(
        x12.write([x12_samples.acknowledgement()], x12_samples.env()).encode()
    ).documents()[0]
    assert [a.code for a in back.items[1].acknowledgements] == ["Accepted", "Backordered"]


def test_mixed_po_pallet_is_refused():
    po_b = x12_samples.purchase_order("POB00002", 1)
    asn = x12_samples.shipment()
    asn.items.append(
        domain.ShipmentItem(
            "3", po_b.items[0].ids, domain.Quantity(1), purchase_order_number=po_b.number
        )
    )
    asn.pallets[0].cartons[1].items.append(domain.ContainerItem("3", domain.Quantity(1)))
    problems = x12.validate_shipment(asn)
    assert problems == [
        f"pallet {asn.pallets[0].sscc} mixes POs ['2JK3S9VC', 'POB00002']: the "
        "S/O/T/P/I hierarchy puts each pallet under one PO"
    ]
