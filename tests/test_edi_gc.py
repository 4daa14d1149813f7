"""The readers raise the collector's threshold while they run, and always put it back."""

import gc

from acorn_vendor_edi.core import _gc, edifact
from tests.edifact_samples import AMAZON, T0, VENDOR, purchase_order


def _file():
    writer = edifact.InterchangeWriter(VENDOR, AMAZON, "B1", prepared=T0)
    writer.add(edifact.render_orders(purchase_order(number="P1")))
    writer.add(edifact.render_orders(purchase_order(number="P2")))
    return writer.close()


def test_threshold_is_raised_while_reading_and_restored_after():
    before = gc.get_threshold()
    seen = []
    for _ic, _result in edifact.iter_results(_file()):
        seen.append(gc.get_threshold()[0])
    assert seen and all(t == _gc.READER_GEN0_THRESHOLD for t in seen)
    assert gc.get_threshold() == before


def test_nested_and_abandoned_readers_restore_it():
    before = gc.get_threshold()
    outer = edifact.iter_results(_file())
    next(outer)
    inner = list(edifact.iter_results(_file()))
    assert inner
    assert gc.get_threshold()[0] == _gc.READER_GEN0_THRESHOLD, "outer reader still running"
    outer.close()  # a caller that stops early
    assert gc.get_threshold() == before


def test_a_threshold_changed_meanwhile_is_left_alone():
    before = gc.get_threshold()
    try:
        with _gc.fewer_collections():
            gc.set_threshold(5000, *before[1:])
        assert gc.get_threshold()[0] == 5000
    finally:
        gc.set_threshold(*before)
