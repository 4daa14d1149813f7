"""tools/demo_edi_walk.py without a server: the 850 it drops, its bots verdicts, and the
demo reset that leaves no EDI folders behind (tools/dev.py)."""

import socket
from datetime import datetime, timezone

import pytest

from acorn_vendor_edi.core import exchange
from acorn_vendor_edi.tests.bots_check import x12_errors as bots_errors
from tools import demo_edi_walk, dev

NOW = datetime(2026, 11, 27, 10, 30, tzinfo=timezone.utc)
# As the walk reads them over XML-RPC (product.product of the demo catalogue).
PRODUCTS = [
    {
        "amz_asin": "B0DH6W2R24",
        "default_code": "ACN-BK-SM2",
        "barcode": "0850041001432",
        "lst_price": 17.99,
    },
    {"amz_asin": "B08D4LQ7R5", "default_code": "ACN-CB-L01", "barcode": False, "lst_price": 24.5},
]


def _profile():
    return exchange.Profile(sender_id="ACORNDEMO", receiver_id="AMAZON", test=True)


def test_the_walks_850_is_amazons_to_the_account_and_valid_for_bots():
    data = demo_edi_walk.purchase_order_850(
        _profile(), "WALK1", PRODUCTS, "ACRNE", "ABE2", "USD", NOW
    )
    assert bots_errors(data) == []
    assert demo_edi_walk.bots_verdict(data) == (True, "valid")
    inbound = exchange.read_file(data)
    assert inbound.ok, inbound.all_errors()
    assert (inbound.sender.strip(), inbound.receiver.strip()) == ("AMAZON", "ACORNDEMO")
    (message,) = inbound.messages
    assert message.kind == exchange.KIND_PURCHASE_ORDER
    po = message.document
    assert po.number == "WALK1"
    assert [(i.ids.asin, i.ids.vendor_product_id, i.ids.ean) for i in po.items] == [
        ("B0DH6W2R24", "ACN-BK-SM2", "0850041001432"),
        ("B08D4LQ7R5", "ACN-CB-L01", None),
    ]
    assert [i.ordered_quantity.amount for i in po.items] == [6, 12]
    assert str(po.items[0].net_cost.amount) == "17.99"


def test_the_walk_reports_what_bots_refuses():
    data = demo_edi_walk.purchase_order_850(
        _profile(), "WALK2", PRODUCTS, "ACRNE", "ABE2", "USD", NOW
    )
    broken = data.replace(b"SE*", b"XX*")
    ok, verdict = demo_edi_walk.bots_verdict(broken)
    assert not ok
    assert verdict.startswith("INVALID")


def test_demo_reset_forgets_the_dropped_databases_edi_folders(tmp_path):
    for db in ("acorn_demo", "other"):
        for sub in ("filestore", "acorn_edi"):
            folder = tmp_path / sub / db / "2" / "out"
            folder.mkdir(parents=True)
            (folder / "855_000000001.edi").write_text("ISA...")
    # The sandbox folder too: by default it is the checkout's own .cache, a demo's state.
    dev.forget_db_files("acorn_demo", tmp_path, tmp_path)
    assert not (tmp_path / "acorn_edi" / "acorn_demo").exists()
    assert not (tmp_path / "filestore" / "acorn_demo").exists()
    assert (tmp_path / "acorn_edi" / "other" / "2" / "out" / "855_000000001.edi").exists()
    dev.forget_db_files("never_built", tmp_path, tmp_path)  # nothing there: nothing to do


def test_demo_reset_and_a_second_database_start_a_fresh_sandbox(tmp_path):
    """The old state answered every PO already: a rebuilt demo would have nothing to do."""
    first, second = dev.sandbox_state("acorn_demo", tmp_path), dev.sandbox_state("other", tmp_path)
    assert first != second
    for path in (first, first.with_name(first.name + "-wal"), second):
        path.write_bytes(b"SQLite format 3")
    dev.forget_db_files("acorn_demo", tmp_path / "odoo-data", tmp_path)
    assert not first.exists()
    assert not first.with_name(first.name + "-wal").exists()
    assert second.exists()


def test_a_demo_refuses_a_sandbox_port_that_an_earlier_sandbox_still_holds():
    """A sandbox left by an earlier (failed) demo kept serving the old state after --reset
    deleted it, so the rebuilt demo met POs already answered: the port is checked first."""
    with socket.socket() as earlier:
        earlier.bind(("127.0.0.1", 0))
        earlier.listen()
        port = earlier.getsockname()[1]
        with pytest.raises(SystemExit, match=f"port {port} is in use"):
            dev._start_sandbox(port, "acorn_demo")
