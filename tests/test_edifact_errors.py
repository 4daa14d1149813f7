"""EDIFACT bad input: every problem is reported with where it is, and answered by CONTRL."""

import io
import os
import tempfile
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings
from hypothesis.configuration import set_hypothesis_home_dir

from acorn_vendor_edi.core import edifact
from acorn_vendor_edi.core.edifact import syntax
from acorn_vendor_edi.core.edifact.cli import main as cli_main
from acorn_vendor_edi.tests.bots_check import edifact_errors as bots_validate
from tests.edifact_samples import AMAZON, T0, VENDOR, purchase_order, shipment

HEAD = "UNA:+.? 'UNB+UNOA:3+5450534000000:14+4012345000009:14+240301:0800+AMZ001'"
# Keep hypothesis' caches out of the repository (no .hypothesis/ next to the sources).
set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "acorn-hypothesis"))

GOLDEN = Path(__file__).parent / "golden" / "edifact"
REGEN = os.environ.get("ACORN_REGEN_GOLDEN") == "1"

ORDERS = (
    "UNH+1+ORDERS:D:96A:UN:EAN008'BGM+220+8XJ4K2P1+9'DTM+137:20240301:102'"
    "NAD+BY+5450534000000::9'NAD+SU+4012345000009::9'NAD+DP+4049225000004::9'"
    "LIN+1++4006381333931:EN'QTY+21:24'UNS+S'CNT+2:1'UNT+11+1'"
)


def _one(text, n=1):
    return (
        HEAD
        + "".join(
            ORDERS.replace("UNH+1+", "UNH+%d+" % i).replace("UNT+11+1'", "UNT+11+%d'" % i)
            for i in range(1, n + 1)
        )
        + "UNZ+%d+AMZ001'" % n
    )


def _codes(result):
    return [(i.code, i.segment_tag, i.position, i.element) for i in result.all_issues()]


def test_sample_is_valid_for_bots_and_us():
    text = _one(ORDERS, 2)
    assert bots_validate(text) == []
    [result] = edifact.read(text)
    assert result.ok and len(result.documents("ORDERS")) == 2


def test_wrong_counts_and_references_are_located():
    text = _one(ORDERS, 2).replace("UNT+11+2'", "UNT+10+2'").replace("UNZ+2+AMZ001", "UNZ+3+AMZ00X")
    [result] = edifact.read(text)
    assert result.messages[0].ok and result.messages[0].document.number == "8XJ4K2P1"
    bad = result.messages[1]
    assert not bad.ok and bad.document is None
    assert (syntax.ERR_COUNT_MISMATCH, "UNT", 11, 1) in _codes(result)
    assert (syntax.ERR_COUNT_MISMATCH, "UNZ", 0, 1) in _codes(result)
    assert (syntax.ERR_REFS_DO_NOT_MATCH, "UNZ", 0, 2) in _codes(result)
    assert "interchange AMZ001, message 2, segment UNT #11, element 01" in str(bad.issues[0])


def test_unknown_missing_and_misplaced_segments_and_bad_values():
    text = (
        _one(ORDERS)
        .replace("QTY+21:24'", "QTY+21:2x4'ZZZ+1'")
        .replace("DTM+137:20240301", "DTM+137:20241301")
    )
    text = text.replace("BGM+220", "BGM+999")
    text = text.replace("NAD+DP+4049225000004::9'", "")
    [result] = edifact.read(text)
    codes = _codes(result)
    assert (syntax.ERR_NOT_SUPPORTED_HERE, "ZZZ", 8, 0) in codes
    assert (syntax.ERR_INVALID_TYPE, "QTY", 7, 1) in codes
    assert (syntax.ERR_INVALID_VALUE, "DTM", 3, 1) in codes
    assert (syntax.ERR_VALUE_NOT_SUPPORTED, "BGM", 2, 1) in codes
    assert any("NAD+DP (delivery party) is missing" in i.text for i in result.all_issues())
    missing_uns = _one(ORDERS).replace("UNS+S'", "").replace("UNT+11", "UNT+10")
    [result] = edifact.read(missing_uns)
    assert any("Mandatory segment UNS is missing" in i.text for i in result.all_issues())


def test_duplicate_message_references():
    from acorn_vendor_edi.core.edifact.reader import RefSet

    text = _one(ORDERS, 3).replace("UNH+3+", "UNH+1+").replace("UNT+11+3'", "UNT+11+1'")
    [result] = edifact.read(text)
    assert [m.ok for m in result.messages] == [True, True, False]
    assert (syntax.ERR_DUPLICATE, "UNH", 1, 1) in _codes(result)
    refs = RefSet()
    assert all(refs.add(r) for r in ["1", "3", "2", "03", "0", "A", "4"])
    assert (refs.lo, refs.hi, refs.others) == (1, 4, {"03", "0", "A"})
    assert not any(refs.add(r) for r in ["3", "03", "A", "1"])


def test_truncated_file_and_missing_unt():
    [result] = edifact.read(_one(ORDERS)[:-40])
    texts = [i.text for i in result.all_issues()]
    assert any("File ends" in t for t in texts)
    text = _one(ORDERS, 2).replace("UNT+11+1'", "")
    [result] = edifact.read(text)
    assert [m.ok for m in result.messages] == [False, True]
    assert "has no UNT" in result.messages[0].issues[0].text


def test_binary_garbage_and_no_unb():
    results = edifact.read(b"\x00\xff\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert results and all(not r.ok for r in results) and results[0].header is None
    [garbage, good] = edifact.read("HELLO WORLD'" + _one(ORDERS))
    assert garbage.header is None and "Not a segment (bad tag" in garbage.issues[0].text
    [stray, good2] = edifact.read("BGM+220+X'" + _one(ORDERS))
    assert stray.header is None and "Expected UNB" in stray.issues[0].text and good2.ok
    assert good.ok


def test_bad_message_among_good_ones_gives_contrl_rejection():
    text = _one(ORDERS, 3).replace(
        "UNH+2+ORDERS:D:96A:UN:EAN008'BGM+220+8XJ4K2P1+9'DTM+137:20240301",
        "UNH+2+ORDERS:D:96A:UN:EAN008'BGM+220+8XJ4K2P1+9'DTM+137:2024030A",
    )
    [result] = edifact.read(text)
    assert [m.ok for m in result.messages] == [True, False, True]
    assert len(result.documents()) == 2
    contrl = edifact.contrl_interchange(result, "C1", prepared=T0)
    assert bots_validate(contrl) == []  # with the ISO 9735 CONTRL grammar of bots_check.py
    golden = GOLDEN / "contrl_rejection.edi"
    if REGEN:
        golden.write_bytes(contrl.encode("latin-1"))
    assert contrl == golden.read_bytes().decode("latin-1")
    assert "UCI+AMZ001+5450534000000:14+4012345000009:14+7'" in contrl
    assert "UCM+2+ORDERS:D:96A:UN:EAN008+4'UCS+3'UCD+12+1:2'" in contrl
    assert contrl.startswith("UNA:+.? 'UNB+UNOC:3+4012345000009:14+5450534000000:14+")
    [back] = edifact.read(contrl)
    assert back.ok, [str(i) for i in back.all_issues()]
    report = back.messages[0].document
    assert report.interchange_ref == "AMZ001" and report.status == "accepted"
    assert not report.accepted
    assert [(m.ref, m.action) for m in report.messages] == [("1", "7"), ("2", "4"), ("3", "7")]
    assert [(x.code, x.position, x.element, x.component) for x in report.messages[1].errors] == [
        ("12", 3, 1, 2)
    ]


def test_contrl_rejects_whole_interchange_on_envelope_errors():
    [result] = edifact.read(_one(ORDERS).replace("UNZ+1+", "UNZ+2+"))
    contrl = edifact.contrl_interchange(result, "C2", prepared=T0)
    assert bots_validate(contrl) == []
    assert "UCI+AMZ001+5450534000000:14+4012345000009:14+4+29+UNZ+1'" in contrl
    report = edifact.read(contrl)[0].messages[0].document
    assert report.status == "rejected" and report.errors[0].code == "29"


def test_amazon_desadv_rules_sscc_cps_parents_and_cnt():
    po = purchase_order()
    text = edifact.write_interchange(
        [edifact.render_desadv(shipment(po))], VENDOR, AMAZON, "9", prepared=T0
    )
    good = text
    text = text.replace("GIN+BJ+040123450000000023", "GIN+BJ+040123450000000024")
    text = text.replace("CPS+4+2'", "CPS+4+9'").replace("CNT+2:4", "CNT+2:5")
    [result] = edifact.read(text)
    texts = [i.text for i in result.all_issues()]
    assert any("check digit 4, expected 3" in t for t in texts)
    assert any("CPS 4 points to parent 9" in t for t in texts)
    assert any("CNT+2 says 5 line items, message has 4" in t for t in texts)
    assert bots_validate(text) == []  # bots sees valid syntax: these are Amazon's rules
    assert edifact.read(good)[0].ok


def test_amazon_ordrsp_and_invoic_rules():
    from tests.edifact_samples import acknowledgement, invoice

    po = purchase_order()
    text = edifact.write_interchange(
        [edifact.render_ordrsp(acknowledgement(po))], VENDOR, AMAZON, "9", prepared=T0
    )
    [result] = edifact.read(text.replace("QTY+12:6'", "QTY+12:16'").replace("LIN+1+5", "LIN+1+9"))
    texts = [i.text for i in result.all_issues()]
    assert any("exceed the ordered quantity 10" in t for t in texts)
    assert any("LIN action '9'" in t for t in texts)
    text = edifact.write_interchange(
        [edifact.render_invoic(invoice(po))], VENDOR, AMAZON, "9", prepared=T0
    )
    [result] = edifact.read(text.replace("MOA+203:300.00'", "MOA+203:301'"))
    texts = [i.text for i in result.all_issues()]
    assert any("Line amount 301 differs from quantity x price = 300.00" in t for t in texts)
    assert any("MOA+79" in t for t in texts)


def test_compare_acknowledgement_against_po():
    from tests.edifact_samples import acknowledgement

    po = purchase_order()
    ack = acknowledgement(po)
    ack.items[0].acknowledgements[0].quantity.amount = 30
    ack.items.pop()
    problems = edifact.compare_acknowledgement(ack, po)
    assert "Line 1: acknowledged 30, more than the 24 ordered" in problems
    assert "PO line 2 is not acknowledged (Amazon counts it as rejected)" in problems


def test_newlines_between_segments_are_tolerated():
    text = _one(ORDERS, 2).replace("'", "'\r\n").replace("UNA:+.? '\r\n", "UNA:+.? '\n")
    [result] = edifact.read(text)
    assert result.ok


def test_cli_parse_validate_contrl(tmp_path, capsys):
    path = tmp_path / "in.edi"
    path.write_text(_one(ORDERS, 2).replace("UNT+11+2'", "UNT+12+2'"), encoding="latin-1")
    assert cli_main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "UNT says 12 segments, message has 11" in out and "2 message(s), 1 error(s)" in out
    assert cli_main(["parse", str(path)]) == 1
    out = capsys.readouterr().out
    assert '"number": "8XJ4K2P1"' in out
    assert cli_main(["contrl", str(path), "--control-ref", "C9"]) == 0
    out = capsys.readouterr().out
    assert "UCM+2+ORDERS:D:96A:UN:EAN008+4'UCS+11'UCD+29+1'" in out
    assert cli_main(["validate", str(tmp_path / "missing.edi")]) == 2


# A full interchange of the two messages with a fast-path reader (lots, pallets, addresses).
_FULL = edifact.write_interchange(
    [edifact.render_desadv(shipment(purchase_order())), edifact.render_orders(purchase_order())],
    VENDOR,
    AMAZON,
    "1001",
    prepared=T0,
)


def _splice(base, cut, junk, pos):
    return (base[:cut] + junk + base[pos:]).encode("latin-1", "replace")


@settings(
    # ACORN_FUZZ_EXAMPLES=N runs a longer campaign (the README says how long one ran)
    max_examples=int(os.environ.get("ACORN_FUZZ_EXAMPLES", 150)),
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.binary(max_size=300)
    | st.builds(
        lambda cut, junk, pos: (_one(ORDERS, 2)[:cut] + junk + _one(ORDERS)[pos:]).encode(
            "latin-1", "replace"
        ),
        st.integers(0, 700),
        st.text(alphabet="UNAHTZB+:'?\n\x00é", max_size=20),
        st.integers(0, 400),
    )
    | st.builds(
        lambda cut, junk, pos: _splice(_FULL, cut, junk, pos),
        st.integers(0, len(_FULL)),
        st.text(alphabet="UNAHTZBCPSLIGQ0123456789+:'?\n\x00é", max_size=12),
        st.integers(0, len(_FULL)),
    ),
    st.sampled_from([1, 3, 64]),
)
def test_fuzz_reader_never_raises_and_contrl_is_always_buildable(data, chunk):
    results = edifact.read(io.BytesIO(data), chunk_size=chunk)
    for result in results:
        for issue in result.all_issues():
            assert issue.code and str(issue)
            # every input is read by code that expects it, never caught as a crash
            assert "could not be read" not in issue.text, issue
        if result.header is not None:
            contrl = edifact.contrl_interchange(result, "F1", prepared=T0)
            [back] = edifact.read(contrl)
            assert back.ok, [str(i) for i in back.all_issues()]
