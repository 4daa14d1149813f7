"""The SFTP transport against a real OpenSSH server started on 127.0.0.1 for this module."""

import getpass
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from acorn_vendor_edi.core.transports import TransportError, make_transport

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
pytestmark = pytest.mark.skipif(
    not (os.path.exists(SSHD) and shutil.which("ssh-keygen")),
    reason="OpenSSH server missing: apt-get install openssh-server (./acorn test installs it)",
)

X12 = b"ISA*00*          *00*          *ZZ*ACORN          *ZZ*AMAZON         *~IEA*1*000000001~"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _keygen(path, kind="ed25519"):
    subprocess.run(
        ["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", "acorn-test", "-f", str(path)],
        check=True,
        timeout=30,
    )
    return path.read_text(), Path(f"{path}.pub").read_text()


class Sshd:
    def __init__(self, root):
        self.root = root
        self.port = _free_port()
        self.host_priv, self.host_pub = _keygen(root / "host_key")
        self.client_priv, client_pub = _keygen(root / "client_key")
        (root / "authorized_keys").write_text(client_pub)
        (root / "sshd_config").write_text(
            f"Port {self.port}\n"
            "ListenAddress 127.0.0.1\n"
            f"HostKey {root / 'host_key'}\n"
            f"PidFile {root / 'sshd.pid'}\n"
            f"AuthorizedKeysFile {root / 'authorized_keys'}\n"
            "UsePAM no\nStrictModes no\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
            "Subsystem sftp internal-sftp\nLogLevel VERBOSE\n"
        )
        self.log = open(root / "sshd.log", "wb")  # noqa: SIM115
        if os.geteuid() == 0:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # privilege separation dir
        self.proc = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(root / "sshd_config")],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sshd exited: {(root / 'sshd.log').read_text()}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("sshd did not listen within 15 s")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    server = Sshd(tmp_path_factory.mktemp("sshd"))
    yield server
    server.stop()


@pytest.fixture
def boxes(tmp_path):
    for name in ("in", "out"):
        (tmp_path / name).mkdir()
    return tmp_path


def settings(sshd, boxes, **over):
    values = {
        "host": "127.0.0.1",
        "port": sshd.port,
        "username": getpass.getuser(),
        "private_key": sshd.client_priv,
        "host_key": f"[127.0.0.1]:{sshd.port} {sshd.host_pub}",
        "in_dir": str(boxes / "in"),
        "out_dir": str(boxes / "out"),
        "archive_dir": str(boxes / "archive"),
        "error_dir": str(boxes / "error"),
        "timeout": 10,
    }
    values.update(over)
    return values


def test_round_trip(sshd, boxes):
    with make_transport("sftp", settings(sshd, boxes)) as sftp:
        ref = sftp.send("PO_850_1.x12", X12)
        assert ref == str(boxes / "out" / "PO_850_1.x12")
        assert (boxes / "out" / "PO_850_1.x12").read_bytes() == X12
        assert sorted(p.name for p in (boxes / "out").iterdir()) == ["PO_850_1.x12"]  # no .part

        (boxes / "in" / "b.x12").write_bytes(b"second")
        (boxes / "in" / "a.x12").write_bytes(b"first")
        os.utime(boxes / "in" / "a.x12", (1_700_000_000, 1_700_000_000))
        (boxes / "in" / ".upload.part").write_bytes(b"half a file")  # partner still writing
        (boxes / "in" / "subdir").mkdir()
        got = sftp.poll()
        assert [(i.name, i.data) for i in got] == [("a.x12", b"first"), ("b.x12", b"second")]

        archived = sftp.confirm(got[0])
        assert archived == str(boxes / "archive" / "a.x12")
        assert (boxes / "archive" / "a.x12").read_bytes() == b"first"
        moved = sftp.reject(got[1], "ISA13 control number 000000007 seen before")
        assert (boxes / "error" / "b.x12").read_bytes() == b"second"
        reason = (boxes / "error" / "b.x12.reason").read_text()
        assert moved == str(boxes / "error" / "b.x12")
        assert "ISA13 control number 000000007 seen before" in reason
        assert sftp.poll() == []

        # A second file of the same name is archived beside the first, never over it.
        (boxes / "in" / "a.x12").write_bytes(b"again")
        [again] = sftp.poll()
        assert sftp.confirm(again) == str(boxes / "archive" / "a.x12.1")
        assert (boxes / "archive" / "a.x12").read_bytes() == b"first"


def test_inbound_stays_queued_until_confirmed(sshd, boxes):
    (boxes / "in" / "810.x12").write_bytes(X12)
    with make_transport("sftp", settings(sshd, boxes)) as sftp:
        assert [i.name for i in sftp.poll()] == ["810.x12"]
    # Acorn stopped before confirming (crash, failed import): the file is still offered.
    with make_transport("sftp", settings(sshd, boxes)) as sftp:
        [again] = sftp.poll()
        assert again.data == X12
    assert (boxes / "in" / "810.x12").exists()


def test_existing_delivery_is_not_overwritten(sshd, boxes):
    (boxes / "out" / "856.x12").write_bytes(b"not yet collected")
    with make_transport("sftp", settings(sshd, boxes)) as sftp:
        with pytest.raises(TransportError, match="already exists") as err:
            sftp.send("856.x12", X12)
    assert err.value.retryable
    assert (boxes / "out" / "856.x12").read_bytes() == b"not yet collected"
    assert sorted(p.name for p in (boxes / "out").iterdir()) == ["856.x12"]


def test_missing_out_dir_fails_without_leftovers(sshd, boxes):
    cfg = settings(sshd, boxes, out_dir=str(boxes / "nowhere"))
    with make_transport("sftp", cfg) as sftp:
        with pytest.raises(TransportError, match="upload of .* failed") as err:
            sftp.send("855.x12", X12)
    assert not err.value.retryable
    assert not (boxes / "nowhere").exists()


def test_wrong_client_key_is_refused_not_retryable(sshd, boxes, tmp_path):
    other_priv, _ = _keygen(tmp_path / "stranger")
    with make_transport("sftp", settings(sshd, boxes, private_key=other_priv)) as sftp:
        with pytest.raises(TransportError, match="refused user") as err:
            sftp.poll()
    assert not err.value.retryable


def test_password_refused_when_server_wants_keys(sshd, boxes):
    cfg = settings(sshd, boxes, private_key="", password="hunter2")
    with make_transport("sftp", cfg) as sftp:
        with pytest.raises(TransportError, match="refused user") as err:
            sftp.send("x.x12", X12)
    assert not err.value.retryable
    assert list((boxes / "out").iterdir()) == []


def test_unknown_host_key_is_refused(sshd, boxes, tmp_path):
    _, other_pub = _keygen(tmp_path / "other_host")
    with make_transport("sftp", settings(sshd, boxes, host_key=other_pub)) as sftp:
        with pytest.raises(TransportError, match="host key mismatch") as err:
            sftp.poll()
    assert not err.value.retryable

    with make_transport("sftp", settings(sshd, boxes, host_key="")) as sftp:
        with pytest.raises(TransportError, match="no host_key configured") as err:
            sftp.poll()
    assert not err.value.retryable
    assert sshd.host_pub.split()[1] in str(err.value)  # shows the key to check

    # insecure_host_key skips the check (first contact, tests); a fingerprint is accepted.
    with make_transport("sftp", settings(sshd, boxes, host_key="", insecure_host_key="1")) as t:
        assert t.poll() == []
    fingerprint = subprocess.run(
        ["ssh-keygen", "-l", "-E", "sha256", "-f", "/dev/stdin"],
        input=sshd.host_pub,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[1]
    with make_transport("sftp", settings(sshd, boxes, host_key=fingerprint)) as t:
        assert t.poll() == []


def test_server_down_is_retryable(boxes):
    port = _free_port()  # nobody listens there
    cfg = {
        "host": "127.0.0.1",
        "port": port,
        "username": "acorn",
        "password": "x",
        "host_key": "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
        "out_dir": "/out",
        "timeout": 5,
    }
    with make_transport("sftp", cfg) as sftp:
        started = time.monotonic()
        with pytest.raises(TransportError, match="cannot connect") as err:
            sftp.send("850.x12", X12)
    assert err.value.retryable
    assert time.monotonic() - started < 5


def test_bad_settings_are_clear():
    with pytest.raises(TransportError, match="host and username"):
        make_transport("sftp", {"host": "127.0.0.1"})
    with pytest.raises(TransportError, match="password or a private_key"):
        make_transport("sftp", {"host": "h", "username": "u"})
    with pytest.raises(TransportError, match="not an Ed25519, ECDSA or RSA private key"):
        from acorn_vendor_edi.core.transports.sftp import load_private_key

        load_private_key("-----BEGIN NONSENSE-----\nAAAA\n-----END NONSENSE-----\n")


def test_encrypted_rsa_pem_key(sshd, boxes, tmp_path):
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "open sesame"]
        + ["-f", str(tmp_path / "rsa")],
        check=True,
        timeout=30,
    )
    with open(sshd.root / "authorized_keys", "a") as fh:
        fh.write((tmp_path / "rsa.pub").read_text())
    key = (tmp_path / "rsa").read_text()
    assert "ENCRYPTED" in key
    cfg = settings(sshd, boxes, private_key=key, private_key_passphrase="open sesame")
    with make_transport("sftp", cfg) as sftp:
        assert sftp.send("rsa.x12", X12).endswith("rsa.x12")
    with pytest.raises(TransportError, match="set private_key_passphrase") as err:
        make_transport("sftp", settings(sshd, boxes, private_key=key)).poll()
    assert not err.value.retryable


def test_silent_server_times_out(boxes):
    """A port that accepts connections but never speaks SSH: bounded wait, retryable."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        cfg = {
            "host": "127.0.0.1",
            "port": silent.getsockname()[1],
            "username": "acorn",
            "password": "x",
            "insecure_host_key": "1",
            "in_dir": "/in",
            "timeout": 1,
        }
        started = time.monotonic()
        with make_transport("sftp", cfg) as sftp:
            with pytest.raises(TransportError, match="SSH handshake failed") as err:
                sftp.poll()
        assert err.value.retryable
        assert time.monotonic() - started < 5
