"""The folder transport: atomic writes, no file ever replaced or lost."""

import os
import threading

import pytest

from acorn_vendor_edi.core.transports import TransportError, make_transport
from acorn_vendor_edi.core.transports import folder as folder_mod


@pytest.fixture
def transport(tmp_path):
    return make_transport("folder", {"root": str(tmp_path)})


def test_root_stands_for_four_folders_and_each_can_be_set_apart(tmp_path):
    t = make_transport("folder", {"root": str(tmp_path), "error_dir": str(tmp_path / "bad")})
    assert t.dirs["in_dir"] == str(tmp_path / "in")
    assert t.dirs["out_dir"] == str(tmp_path / "out")
    assert t.dirs["archive_dir"] == str(tmp_path / "archive")
    assert t.dirs["error_dir"] == str(tmp_path / "bad")


def test_missing_folder_setting_is_named():
    with pytest.raises(TransportError, match="out_dir is not set") as err:
        make_transport("folder", {"in_dir": "/tmp/x"})
    assert err.value.retryable is False


def test_send_writes_the_bytes_under_the_name(transport, tmp_path):
    ref = transport.send("855_0001.edi", b"ISA*00~")
    assert ref == "855_0001.edi"
    assert (tmp_path / "out" / ref).read_bytes() == b"ISA*00~"
    assert os.listdir(tmp_path / "out") == [ref]  # no temporary file left behind


def test_send_never_replaces_a_file_already_there(transport, tmp_path):
    first = transport.send("a.edi", b"one")
    second = transport.send("a.edi", b"two")
    third = transport.send("a.edi", "three")
    assert (first, second, third) == ("a.edi", "a-1.edi", "a-2.edi")
    assert (tmp_path / "out" / "a.edi").read_bytes() == b"one"
    assert (tmp_path / "out" / "a-2.edi").read_bytes() == b"three"


def test_send_refuses_paths_and_strips_them(transport, tmp_path):
    assert transport.send("../../etc/passwd", b"x") == "passwd"
    assert (tmp_path / "out" / "passwd").exists()
    with pytest.raises(TransportError, match="not a usable file name"):
        transport.send("...", b"x")


def test_concurrent_sends_keep_every_file(transport, tmp_path):
    refs = []

    def send(n):
        refs.append(transport.send("same.edi", f"file {n}".encode()))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(set(refs)) == 20
    contents = {(tmp_path / "out" / r).read_bytes() for r in refs}
    assert contents == {f"file {n}".encode() for n in range(20)}


def test_a_failed_write_leaves_no_partial_file(transport, tmp_path, monkeypatch):
    def boom(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(folder_mod.os, "fsync", boom)
    with pytest.raises(TransportError, match="No space left") as err:
        transport.send("x.edi", b"data")
    assert err.value.retryable is True
    assert os.listdir(tmp_path / "out") == []


def test_poll_lists_files_oldest_first_and_skips_partial_ones(transport, tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    for name, mtime in (("b.edi", 200), ("a.edi", 100), ("c.edi", 300)):
        (inbox / name).write_bytes(name.encode())
        os.utime(inbox / name, (mtime, mtime))
    (inbox / ".hidden").write_bytes(b"x")
    (inbox / "upload.edi.part").write_bytes(b"x")
    (inbox / "sub").mkdir()
    found = transport.poll()
    assert [f.name for f in found] == ["a.edi", "b.edi", "c.edi"]
    assert found[0].data == b"a.edi"
    assert found[0].meta["size"] == 5
    # Polling does not remove anything: a crash before confirm loses nothing.
    assert [f.name for f in transport.poll()] == ["a.edi", "b.edi", "c.edi"]


def test_min_age_leaves_files_still_being_written(tmp_path):
    t = make_transport("folder", {"root": str(tmp_path), "min_age_seconds": 60})
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "fresh.edi").write_bytes(b"x")
    (tmp_path / "in" / "old.edi").write_bytes(b"x")
    os.utime(tmp_path / "in" / "old.edi", (1, 1))
    assert [f.name for f in t.poll()] == ["old.edi"]


def test_confirm_archives_without_replacing(transport, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "po.edi").write_bytes(b"yesterday's")
    (tmp_path / "in" / "po.edi").write_bytes(b"today's")
    (inbound,) = transport.poll()
    target = transport.confirm(inbound)
    assert os.path.basename(target) == "po-1.edi"
    assert (tmp_path / "archive" / "po.edi").read_bytes() == b"yesterday's"
    assert (tmp_path / "archive" / "po-1.edi").read_bytes() == b"today's"
    assert transport.poll() == []
    assert transport.confirm(inbound) is None  # confirming twice is harmless


def test_reject_moves_aside_with_the_reason(transport, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "junk.bin").write_bytes(b"\x00\x01")
    (inbound,) = transport.poll()
    target = transport.reject(inbound, "not X12: no ISA")
    assert open(target, "rb").read() == b"\x00\x01"
    assert (tmp_path / "error" / "junk.bin.reason.txt").read_text() == "not X12: no ISA"
    assert transport.poll() == []


def test_unreadable_inbox_is_a_retryable_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    t = make_transport("folder", {"root": str(blocker)})
    with pytest.raises(TransportError, match="cannot create folder") as err:
        t.poll()
    assert err.value.retryable is True


def test_without_hard_links_the_name_is_still_never_replaced(transport, tmp_path, monkeypatch):
    def no_link(src, dst):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(folder_mod.os, "link", no_link)
    assert transport.send("a.edi", b"one") == "a.edi"
    assert transport.send("a.edi", b"two") == "a-1.edi"
    assert (tmp_path / "out" / "a.edi").read_bytes() == b"one"
    assert sorted(os.listdir(tmp_path / "out")) == ["a-1.edi", "a.edi"]
