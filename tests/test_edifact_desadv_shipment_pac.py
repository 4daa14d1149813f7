"""A DESADV whose shipment level ``CPS+1`` carries a PAC (the usual EANCOM layout: the number of
packages in the whole shipment) is read like one without it; package levels still need their
SSCC. Both fast roads (one-pass reader, text road) give the careful road's answers."""

import os
import tempfile

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings
from hypothesis.configuration import set_hypothesis_home_dir

from acorn_vendor_edi.core import edifact
from acorn_vendor_edi.tests.bots_check import edifact_errors as bots_errors
from tests.edifact_samples import AMAZON, T0, VENDOR, purchase_order, shipment
from tests.test_edifact_fast_path import _both
from tests.test_edifact_messages_as_text import _same

set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "acorn-hypothesis"))

PO = purchase_order()


def _desadv(asn):
    return edifact.write_interchange(
        [edifact.render_desadv(asn)], VENDOR, AMAZON, "1001", prepared=T0, line_breaks=True
    )


def _with_shipment_level(text, *segments):
    """``text`` with ``segments`` right after ``CPS+1``."""
    lines = text.split("'\n")
    at = lines.index("CPS+1") + 1
    lines[at:at] = list(segments)
    return _recount("'\n".join(lines))


def _recount(text):
    """``text`` with its UNT segment count made right."""
    lines = text.split("'\n")
    unt = next(i for i, line in enumerate(lines) if line.startswith("UNT+"))
    count = unt - next(i for i, line in enumerate(lines) if line.startswith("UNH+")) + 1
    lines[unt] = "UNT+%d+%s" % (count, lines[unt].split("+")[2])
    return "'\n".join(lines)


def _read(text):
    [result] = edifact.read(text)
    assert result.issues == []
    [message] = result.messages
    return message


PLAIN = _desadv(shipment(PO))
PACKAGES = sum(1 for line in PLAIN.split("'\n") if line.startswith("PAC+"))


def test_a_package_count_on_the_shipment_level_is_no_package():
    text = _with_shipment_level(PLAIN, "PAC+%d++CT" % PACKAGES)
    assert bots_errors(text) == []
    message = _read(text)
    assert [str(i) for i in message.issues] == []
    assert message.document == _read(PLAIN).document  # no carton without SSCC, nothing lost
    for _doc, fast, careful in _both(text):
        assert fast == careful
    assert _same(text, chunks=(1 << 16,)) == 1  # and the text road takes it


def test_a_package_level_without_sscc_is_still_refused():
    text = _recount(PLAIN.replace("PCI+33E'\nGIN+BJ+040123450000000023'\n", "", 1))
    assert text != PLAIN
    message = _read(text)
    assert message.document is None
    assert [i.text for i in message.issues] == [
        "Package level CPS 3 has no SSCC (PCI+33E / GIN+BJ)"
    ]
    for _doc, fast, careful in _both(text):
        assert fast == careful


# What EANCOM files put on the shipment level: a package count, a package type (cartons,
# pallets, none), the total weight, a quantity (in D.96A's order: MEA before QTY).
PACKAGE_TYPES = ["CT", "201", "PX", "09", "CS", "", "BX"]
SHIPMENT_LEVEL_EXTRAS = ["MEA+PD+AAB+KGM:412.5", "MEA+PD+AAD+KGM:9", "QTY+52:4"]


@settings(
    max_examples=int(os.environ.get("ACORN_FUZZ_EXAMPLES", 40)),
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(
    count=st.integers(1, 99999),
    kind=st.sampled_from(PACKAGE_TYPES),
    extras=st.lists(st.sampled_from(SHIPMENT_LEVEL_EXTRAS), max_size=2, unique=True),
    pallets=st.booleans(),
    loose=st.booleans(),
)
def test_shipment_level_pac_variants_are_read_on_every_road(count, kind, extras, pallets, loose):
    asn = shipment(PO)
    if not pallets:  # the pallet's cartons become loose cartons
        for pallet in asn.pallets:
            asn.cartons.extend(pallet.cartons)
        asn.pallets = []
    if loose:  # one item outside any carton: a CPS level without PAC
        asn.cartons.pop()
    plain = _desadv(asn)
    pac = "PAC+%d++%s" % (count, kind) if kind else "PAC+%d" % count
    text = _with_shipment_level(plain, pac, *sorted(extras, key=SHIPMENT_LEVEL_EXTRAS.index))
    message = _read(text)
    assert [str(i) for i in message.issues] == []
    assert message.document is not None
    assert message.document == _read(plain).document
    for _doc, fast, careful in _both(text):
        assert fast == careful
    _same(text, chunks=(64, 1 << 16))
