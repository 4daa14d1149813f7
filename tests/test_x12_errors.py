"""Bad X12 input: every problem is reported with where it is, good sets still come through,
a 997 rejection is built from it, and nothing raises."""

import io
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acorn_vendor_edi.core import x12
from acorn_vendor_edi.tests.bots_check import x12_errors as bots_errors

from . import x12_samples


def _pos():
    return x12.write(
        [
            x12_samples.purchase_order("GOOD0001"),
            x12_samples.purchase_order("BAD00002"),
            x12_samples.purchase_order("GOOD0003"),
        ],
        x12_samples.amazon_env(),
    )


def _errors(text):
    result = x12.parse(text.encode() if isinstance(text, str) else text)
    return result, [str(i) for i in result.errors]


def _ack_lines(text):
    ack, _ = x12.acknowledge(
        text.encode() if isinstance(text, str) else text, env=x12_samples.env()
    )
    return [line.rstrip("~") for line in ack.splitlines()], ack


def test_a_bad_transaction_among_good_ones():
    text = _pos().replace("BEG*00*NE*BAD00002", "BEG*00*QQ*BAD00002")
    result, errors = _errors(text)
    assert [po.number for po in result.documents("850")] == ["GOOD0001", "GOOD0003"]
    assert errors == [
        "ERROR interchange 000007001, group 7001, 850 0002, BEG02 (segment 2): BEG02 code 'QQ' "
        "is not one Amazon accepts (CN, NE, NP, RO, SA)"
    ]
    lines, ack = _ack_lines(text)
    assert lines[3:13] == [
        "AK1*PO*7001",
        "AK2*850*0001",
        "AK5*A",
        "AK2*850*0002",
        "AK3*BEG*2**8",
        "AK4*2**7*QQ",
        "AK5*R*5",
        "AK2*850*0003",
        "AK5*A",
        "AK9*P*3*3*2",
    ]
    assert bots_errors(ack) == []


def _second(old, new):
    """Replace ``old`` inside the second transaction set (PO BAD00002) only."""

    def mutate(text):
        head, sep, rest = text.partition("ST*850*0002~")
        body, sep2, tail = rest.partition("ST*850*0003~")
        assert old in body
        return head + sep + body.replace(old, new) + sep2 + tail

    return mutate


@pytest.mark.parametrize(
    "mutate, fragment, ak",
    [
        (_second("SE*14*0002", "SE*99*0002"), "SE01 says '99' segments", "AK5*R*4"),
        (_second("SE*14*0002", "SE*14*9999"), "SE02 '9999' does not match", "AK5*R*3"),
        (
            _second("N1*ST**92*SEA8~", "N1*ST**92*SEA8~\nZZZ*1~"),
            "ZZZ (segment 10): segment ZZZ is not an X12 segment",
            "AK3*ZZZ*10**1",
        ),
        (
            _second("N1*ST**92*SEA8~", "N1*ST**92*SEA8~\nBSN*00*X*20240101*1200~"),
            "BSN (segment 10): segment BSN is not used in this transaction set",
            "AK3*BSN*10**6",
        ),
        (
            _second("DTM*064*20240308", "DTM*064*20241340"),
            "DTM02 value '20241340' is not a valid date",
            "AK4*2**8*20241340",
        ),
        (
            _second("PO1*2*20*EA*14.5*PE*BP*B0748G1A02*VN*SKU-2~", "PO1*2*20*EA*14.5*PE*BP~"),
            "PO106/PO107 must be given together",
            "AK4*7**2",
        ),
        (_second("REF*CR*ACME1", "REF*XX*ACME1"), "REF01 code 'XX'", "AK4*1**7*XX"),
        (
            _second(
                "BEG*00*NE*BAD00002**20240301", "BEG*00*NE*BAD00002TOOLONGFORBEG03XX**20240301"
            ),
            "BEG03 value 'BAD00002TOOLONGFORBEG03XX' is longer than 22",
            "AK4*3**5",
        ),
    ],
)
def test_envelope_and_syntax_errors(mutate, fragment, ak):
    text = mutate(_pos())
    result, errors = _errors(text)
    assert any(fragment in e for e in errors), errors
    assert all("850 0002" in e for e in errors), errors
    _, ack = _ack_lines(text)
    assert ak in ack and "AK5*R" in ack
    assert [po.number for po in result.documents("850")] == ["GOOD0001", "GOOD0003"]


def test_mandatory_segment_missing_and_out_of_order():
    text = _pos().replace("BEG*00*NE*BAD00002*", "XBEG*00*NE*BAD00002*")
    _, errors = _errors(text)
    assert (
        "ERROR interchange 000007001, group 7001, 850 0002, BEG (segment 3): mandatory segment "
        "BEG is missing before CUR" in errors
    )
    assert any("XBEG (segment 2): segment XBEG is not an X12 segment" in e for e in errors)
    text = _second("CTT*3*60~\nSE*14*0002", "CTT*3*60~\nCSH*N~\nSE*15*0002")(_pos())
    _, errors = _errors(text)
    assert any("CSH (segment 14): segment CSH is not in its proper place" in e for e in errors)


def test_wrong_counts_in_trailers():
    text = _pos().replace("GE*3*7001", "GE*2*7001").replace("IEA*1*000007001", "IEA*3*000007002")
    result, errors = _errors(text)
    assert (
        "ERROR interchange 000007001, group 7001, GE01 (file segment 45): GE01 says '2' "
        "transaction sets, the group has 3" in errors
    )
    assert any("IEA01 says '3' groups" in e for e in errors)
    assert any("IEA02 '000007002' does not match ISA13" in e for e in errors)
    assert len(result.documents()) == 3  # the sets themselves are fine
    lines, _ = _ack_lines(text)
    assert "AK9*R*3*3*3*5" in lines


def test_ctt_totals_are_checked():
    text = _second("CTT*3*60~", "CTT*4*61~")(_pos())
    _, errors = _errors(text)
    assert any("CTT01 says '4' PO1 lines, the document has 3" in e for e in errors)
    assert any("CTT02 hash total '61' differs from the quantities' sum 60" in e for e in errors)


def test_wrong_isa_length_is_reported_but_read():
    text = _pos().replace("*ZZ*AMAZON         *", "*ZZ*AMAZON    *", 1)
    result, errors = _errors(text)
    assert (
        "ERROR ISA (file segment 1): ISA is 101 characters long, X12 requires exactly 106"
        in errors[0]
    )
    assert any("ISA06 must be 15 characters wide" in e for e in errors)
    assert len(result.documents()) == 3


def test_wide_repetition_separator_is_reported_not_a_crash():
    text = x12.write([x12_samples.shipment()], x12_samples.env("5010"))
    isa = text[:106].split("*")
    assert isa[11] == "^" and isa[12] == "00501"
    isa[11] = "^^"
    result, errors = _errors("*".join(isa) + text[106:])
    assert errors == [
        "ERROR ISA (file segment 1): ISA is 107 characters long, X12 requires exactly 106",
        "ERROR interchange 000000001, ISA11 (file segment 1): ISA11 must be 1 characters wide, "
        "got 2",
    ]
    assert len(result.documents("856")) == 1


def test_truncated_file():
    text = _pos()
    cut = text[: text.index("PO1*2*20*EA*14.5*PE*BP*B0748G1A02*VN*SKU-2~\nPO1*3", 600)]
    result, errors = _errors(cut)
    assert [po.number for po in result.documents()] == ["GOOD0001"]
    assert any(
        "BAD00002" not in e and "850 0002, SE: transaction set has no SE trailer" in e
        for e in errors
    )
    assert any("GE: functional group has no GE trailer" in e for e in errors)
    assert any("IEA: interchange has no IEA trailer" in e for e in errors)
    lines, _ = _ack_lines(cut)
    assert "AK5*R*2" in lines and "AK9*R*2*2*1*3" in lines
    _, errors = _errors(_pos()[: _pos().index("PO1*1*10", 800)])
    assert any(
        "850 0003, PO1 (segment 10): mandatory segment PO1 is missing" in e for e in errors
    ), errors


@pytest.mark.parametrize(
    "data, fragment",
    [
        (b"", None),
        (b"hello world", "no ISA segment found: 'hello world'"),
        (bytes(range(256)) * 4, "no ISA segment found"),
        (b"ISA", "file ends inside the ISA segment"),
        (b"ISA*00*   ~", "ISA segment is truncated"),
        (b"\xff\xfeI\x00S\x00A\x00", "no ISA segment found"),  # UTF-16
    ],
)
def test_garbage_input(data, fragment):
    result, errors = _errors(data)
    assert result.transactions == []
    if fragment is None:
        assert errors == []
    else:
        assert any(fragment in e for e in errors), errors


def test_wrong_encoding_inside_a_segment():
    text = _pos().replace("SKU-2", "SK\u00e9-2").encode("latin-1")  # Latin-1 é is not UTF-8
    result, errors = _errors(text)
    assert any(
        "850 0001, PO101 (segment 11): segment 'PO1' contains a character that is not "
        "valid text (\\xe9)" in e
        for e in errors
    ), errors
    assert len(result.documents()) == 0  # line 2 SKU appears in every PO
    assert "AK4*1**6" in _ack_lines(text)[1]


def test_transaction_set_acorn_does_not_read():
    text = _pos().replace("ST*850*0002", "ST*875*0002")
    result, errors = _errors(text)
    assert any("transaction set '875' is not one Acorn reads" in e for e in errors)
    assert "AK5*R*1" in _ack_lines(text)[1]
    assert len(result.documents()) == 2


def test_segment_outside_transaction_and_junk_between_interchanges():
    text = _pos()
    text = text.replace("GS*PO", "NTE*stray~\nGS*PO") + "junk!~\n" + text
    result, errors = _errors(text)
    assert any("segment 'NTE' outside a transaction set" in e for e in errors)
    assert len(result.documents()) == 6
    assert len(result.interchanges) == 2


def test_issue_where_names_all_coordinates():
    issue = x12.Issue(
        "bad",
        interchange="000000001",
        group="5",
        transaction="0003",
        set_id="856",
        segment_id="MAN",
        segment_position=14,
        element=2,
    )
    assert str(issue) == "ERROR interchange 000000001, group 5, 856 0003, MAN02 (segment 14): bad"


_BASE = _pos().encode()


@settings(
    # ACORN_FUZZ_EXAMPLES=N runs a longer campaign (the README says how long one ran)
    max_examples=int(os.environ.get("ACORN_FUZZ_EXAMPLES", 200)),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.data())
def test_fuzz_parser_never_raises(data):
    """Random cuts, byte flips, insertions and plain noise: always a result, never a crash."""
    kind = data.draw(st.sampled_from(["flip", "cut", "insert", "noise", "splice"]))
    raw = bytearray(_BASE)
    if kind == "flip":
        for _ in range(data.draw(st.integers(1, 20))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    elif kind == "cut":
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    elif kind == "insert":
        at = data.draw(st.integers(0, len(raw)))
        raw[at:at] = data.draw(st.binary(max_size=40))
    elif kind == "noise":
        raw = bytearray(data.draw(st.binary(max_size=600)))
    else:
        raw = bytearray(b"ISA" + data.draw(st.binary(min_size=100, max_size=300)))
    chunk = data.draw(st.integers(1, 300))
    reader = x12.X12Reader(io.BytesIO(bytes(raw)), chunk_size=chunk)
    transactions = list(reader)
    assert not any("internal reader error" in i.message for i in reader.issues)
    for tx in transactions:
        for issue in tx.issues:
            assert str(issue)
    ack, result = x12.acknowledge(bytes(raw), env=x12_samples.env())
    assert result is not None
    if ack:  # whatever came in, the 997 that goes out is itself valid X12
        assert x12.parse(ack).ok, [str(i) for i in x12.parse(ack).issues]
