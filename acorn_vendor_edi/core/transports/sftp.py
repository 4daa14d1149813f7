"""SFTP transport (paramiko): the VAN or Amazon's SFTP server holds mailboxes as folders.

Settings:

- ``host``, ``port`` (22), ``username``;
- ``password`` and/or ``private_key`` (the key file's text: OpenSSH or PEM; Ed25519, ECDSA or
  RSA) with ``private_key_passphrase`` when it is encrypted;
- ``host_key``: the server's public key as ``ssh-keyscan`` or ``known_hosts`` print it
  (``[host]:port ssh-ed25519 AAAA...``, or ``ssh-ed25519 AAAA...``), one or more lines, or its
  fingerprint ``SHA256:...``. An unknown server is refused, and the error shows the key it
  offered, unless ``insecure_host_key`` is set (tests and first contact only);
- ``out_dir`` (where we deliver), ``in_dir`` (where the partner leaves files for us),
  ``archive_dir`` (confirmed inbound files), ``error_dir`` (rejected ones, each with a
  ``<name>.reason`` text beside it); archive and error folders are created when missing;
- ``timeout`` in seconds (30) for connecting, the SSH handshake and each SFTP request.

A delivery is written as ``.<name>.part`` and then renamed, so the partner's poller never
picks up half a file; an existing file of the same name is never overwritten. Inbound names
starting with a dot (another party's upload in progress) are left alone.
"""

import base64
import hashlib
import io
import posixpath
import socket
import stat
import time

from .base import Inbound, TransportError
from .base import Transport as BaseTransport

DEFAULT_TIMEOUT = 30


def _truthy(value):
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


def _fingerprint(blob):
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def parse_host_keys(text):
    """(key type, key blob) pairs and SHA256 fingerprints found in a ``host_key`` setting."""
    keys, fingerprints = [], []
    for line in (text or "").splitlines():
        tokens = line.split()
        if not tokens or tokens[0].startswith("#"):
            continue
        if len(tokens) == 1 and tokens[0].startswith("SHA256:"):
            fingerprints.append(tokens[0].rstrip("="))
            continue
        for i, token in enumerate(tokens[:-1]):
            if token.startswith(("ssh-", "ecdsa-", "sk-")):
                try:
                    keys.append((token, base64.b64decode(tokens[i + 1], validate=True)))
                except ValueError as exc:
                    raise TransportError(
                        f"sftp host_key: {token} key is not valid base64 in {line!r}",
                        retryable=False,
                    ) from exc
                break
        else:
            raise TransportError(
                f"sftp host_key: no key type (ssh-ed25519, ecdsa-..., ssh-rsa) in {line!r}",
                retryable=False,
            )
    return keys, fingerprints


def load_private_key(text, passphrase=None):
    """A paramiko key from the text of a private key file (OpenSSH or PEM format)."""
    import paramiko

    errors = []
    for cls in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return cls.from_private_key(io.StringIO(text), password=passphrase or None)
        except paramiko.PasswordRequiredException as exc:
            raise TransportError(
                "sftp private_key is encrypted: set private_key_passphrase", retryable=False
            ) from exc
        except (paramiko.SSHException, ValueError) as exc:
            errors.append(f"{cls.__name__}: {exc}")
    raise TransportError(
        "sftp private_key is not an Ed25519, ECDSA or RSA private key (" + "; ".join(errors) + ")",
        retryable=False,
    )


class Transport(BaseTransport):
    """Files on an SFTP server, one connection per instance (opened on first use)."""

    kind = "sftp"

    def __init__(self, settings):
        super().__init__(settings)
        s = self.settings
        self.host = s.get("host") or ""
        self.port = int(s.get("port") or 22)
        self.username = s.get("username") or ""
        self.timeout = float(s.get("timeout") or DEFAULT_TIMEOUT)
        if not self.host or not self.username:
            raise TransportError("sftp needs host and username", retryable=False)
        if not s.get("password") and not s.get("private_key"):
            raise TransportError("sftp needs a password or a private_key", retryable=False)
        self._ssh = None
        self._sftp = None

    @property
    def where(self):
        return f"sftp://{self.username}@{self.host}:{self.port}"

    # ----------------------------------------------------------------- connection

    def _connect(self):
        if self._sftp is not None:
            return self._sftp
        import paramiko

        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            raise TransportError(f"{self.where}: cannot connect: {exc}", retryable=True) from exc
        ssh = paramiko.Transport(sock)
        ssh.banner_timeout = ssh.handshake_timeout = ssh.auth_timeout = self.timeout
        try:
            try:
                ssh.start_client(timeout=self.timeout)
                if not getattr(ssh, "initial_kex_done", True):  # start_client timed out
                    raise paramiko.SSHException(f"no SSH handshake within {self.timeout:g} s")
                key = ssh.get_remote_server_key()
            except (paramiko.SSHException, OSError, EOFError) as exc:
                raise TransportError(
                    f"{self.where}: SSH handshake failed: {exc}", retryable=True
                ) from exc
            self._check_host_key(key)
            self._authenticate(ssh)
            try:
                sftp = paramiko.SFTPClient.from_transport(ssh)
            except (paramiko.SSHException, OSError, EOFError) as exc:
                raise TransportError(
                    f"{self.where}: the server refused the SFTP subsystem: {exc}", retryable=True
                ) from exc
            sftp.get_channel().settimeout(self.timeout)
        except BaseException:
            ssh.close()
            raise
        self._ssh, self._sftp = ssh, sftp
        return sftp

    def _check_host_key(self, key):
        offered = f"{key.get_name()} {key.get_base64()}"
        blob = key.asbytes()
        if _truthy(self.settings.get("insecure_host_key")):
            return
        keys, fingerprints = parse_host_keys(self.settings.get("host_key"))
        if not keys and not fingerprints:
            raise TransportError(
                f"{self.where}: no host_key configured; the server offers {offered} "
                f"({_fingerprint(blob)}). Check it with the partner and put it in host_key.",
                retryable=False,
            )
        if (key.get_name(), blob) in keys or _fingerprint(blob) in fingerprints:
            return
        raise TransportError(
            f"{self.where}: host key mismatch: the server offers {key.get_name()} "
            f"{_fingerprint(blob)}, which is not the configured host_key. Refusing to connect "
            "(the server may have been replaced, or someone is in between).",
            retryable=False,
        )

    def _authenticate(self, ssh):
        import paramiko

        s = self.settings
        tried = []
        try:
            if s.get("private_key"):
                key = load_private_key(s["private_key"], s.get("private_key_passphrase"))
                try:
                    ssh.auth_publickey(self.username, key)
                except paramiko.AuthenticationException as exc:
                    tried.append(f"key {key.get_name()} {_fingerprint(key.asbytes())}: {exc}")
            if not ssh.is_authenticated() and s.get("password"):
                try:
                    ssh.auth_password(self.username, s["password"])
                except paramiko.AuthenticationException as exc:
                    tried.append(f"password: {exc}")
        except paramiko.SSHException as exc:
            raise TransportError(f"{self.where}: authentication failed: {exc}") from exc
        if not ssh.is_authenticated():
            raise TransportError(
                f"{self.where}: the server refused user {self.username!r} ({'; '.join(tried)})",
                retryable=False,
            )

    def close(self):
        sftp, ssh = self._sftp, self._ssh
        self._sftp = self._ssh = None
        if sftp is not None:
            sftp.close()
        if ssh is not None:
            ssh.close()

    # ----------------------------------------------------------------- helpers

    def _dir(self, key):
        path = self.settings.get(key)
        if not path:
            raise TransportError(f"sftp setting {key} is empty", retryable=False)
        return path

    def _fail(self, what, exc):
        """A TransportError for an SFTP request that failed; drops a broken connection."""
        if isinstance(exc, TransportError):
            return exc
        if isinstance(exc, (FileNotFoundError, PermissionError)):
            return TransportError(f"{self.where}: {what}: {exc}", retryable=False)
        self.close()  # timeouts and lost connections: start afresh next time
        return TransportError(f"{self.where}: {what}: {exc}", retryable=True)

    def _exists(self, sftp, path):
        try:
            sftp.stat(path)
        except FileNotFoundError:
            return False
        return True

    def _free_name(self, sftp, folder, name):
        """``folder/name``, or ``folder/name.<n>`` when a file of that name is already there."""
        path = posixpath.join(folder, name)
        n = 1
        while self._exists(sftp, path):
            path = posixpath.join(folder, f"{name}.{n}")
            n += 1
        return path

    def _ensure_dir(self, sftp, folder):
        if not self._exists(sftp, folder):
            sftp.mkdir(folder)

    def _move(self, sftp, inbound, folder):
        self._ensure_dir(sftp, folder)
        target = self._free_name(sftp, folder, inbound.name)
        sftp.rename(inbound.ref, target)
        return target

    # ----------------------------------------------------------------- operations

    def send(self, name, data):
        if not name or "/" in name or name.startswith("."):
            raise TransportError(f"sftp: invalid file name {name!r}", retryable=False)
        import paramiko

        out_dir = self._dir("out_dir")
        target = posixpath.join(out_dir, name)
        part = posixpath.join(out_dir, f".{name}.part")
        sftp = self._connect()
        try:
            if self._exists(sftp, target):
                raise TransportError(
                    f"{self.where}: {target} already exists (not yet collected by the "
                    "partner); not overwriting it",
                    retryable=True,
                )
            with sftp.open(part, "wb") as fh:
                fh.set_pipelined(True)
                fh.write(data)
            if sftp.stat(part).st_size != len(data):
                raise TransportError(f"{self.where}: {part} was not written whole")
            sftp.rename(part, target)
        except (OSError, paramiko.SSHException, EOFError, TransportError) as exc:
            err = self._fail(f"upload of {target} failed", exc)
            if self._sftp is not None:
                try:
                    sftp.remove(part)
                except (OSError, paramiko.SSHException):
                    pass
            raise err from exc
        return target

    def poll(self):
        import paramiko

        in_dir = self._dir("in_dir")
        sftp = self._connect()
        try:
            entries = [
                e
                for e in sftp.listdir_attr(in_dir)
                if stat.S_ISREG(e.st_mode or 0) and not e.filename.startswith(".")
            ]
            entries.sort(key=lambda e: (e.st_mtime or 0, e.filename))
            found = []
            for entry in entries:
                path = posixpath.join(in_dir, entry.filename)
                with sftp.open(path, "rb") as fh:
                    fh.prefetch(entry.st_size)
                    data = fh.read()
                found.append(
                    Inbound(
                        name=entry.filename,
                        data=data,
                        ref=path,
                        meta={"size": entry.st_size, "mtime": entry.st_mtime, "url": self.where},
                    )
                )
        except (OSError, paramiko.SSHException, EOFError) as exc:
            raise self._fail(f"listing {in_dir} failed", exc) from exc
        return found

    def confirm(self, inbound):
        import paramiko

        sftp = self._connect()
        try:
            return self._move(sftp, inbound, self._dir("archive_dir"))
        except (OSError, paramiko.SSHException, EOFError) as exc:
            raise self._fail(f"archiving {inbound.ref} failed", exc) from exc

    def reject(self, inbound, reason):
        import paramiko

        sftp = self._connect()
        try:
            target = self._move(sftp, inbound, self._dir("error_dir"))
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            with sftp.open(f"{target}.reason", "w") as fh:
                fh.write(f"{stamp} {inbound.name}: {reason}\n".encode())
            return target
        except (OSError, paramiko.SSHException, EOFError) as exc:
            raise self._fail(f"moving {inbound.ref} to the error folder failed", exc) from exc
