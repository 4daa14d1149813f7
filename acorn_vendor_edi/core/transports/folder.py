"""Local folders as an EDI channel: the partner (or a VAN client, or a person) drops files in
``in_dir`` and picks ours up from ``out_dir``.

Nothing is ever overwritten or half-written: a file appears under its final name only once all
its bytes are on disk (written to a hidden temporary file, flushed, then linked into place), a
name already taken gets a ``-1``, ``-2``... suffix, and inbound files move to ``archive_dir``
or ``error_dir`` only when Acorn says so.

Settings: ``in_dir``, ``out_dir``, ``archive_dir``, ``error_dir``; or ``root`` alone, which
stands for ``root/in``, ``root/out``, ``root/archive`` and ``root/error`` (each can still be
set apart). ``min_age_seconds`` (default 0) leaves alone inbound files modified more recently,
for partners that write in place instead of renaming.
"""

import errno
import os
import time
import uuid

from .base import Inbound, TransportError
from .base import Transport as BaseTransport

DIRS = ("in_dir", "out_dir", "archive_dir", "error_dir")
# Names a writer uses while a file is incomplete; never read as an interchange.
PARTIAL_SUFFIXES = (".tmp", ".part", ".partial", ".filepart", ".reason.txt")


def _safe_name(name):
    """A plain file name: no folders, no hidden files, nothing the filesystem refuses."""
    base = os.path.basename(str(name or "").replace("\\", "/")).strip()
    base = "".join(ch if ch.isprintable() and ch not in '<>:"|?*' else "_" for ch in base)
    base = base.lstrip(".")
    if not base:
        raise TransportError(f"{name!r} is not a usable file name", retryable=False)
    return base[:200]


def _fsync_dir(path):
    """Make a rename or link durable; not every platform lets a folder be opened."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Transport(BaseTransport):
    """See the module docstring."""

    kind = "folder"

    def __init__(self, settings):
        super().__init__(settings)
        root = self.settings.get("root")
        self.dirs = {}
        for key in DIRS:
            path = self.settings.get(key) or (
                os.path.join(root, key[: -len("_dir")]) if root else None
            )
            if not path:
                raise TransportError(
                    f"folder transport: {key} is not set (nor a root folder)", retryable=False
                )
            self.dirs[key] = os.path.abspath(os.path.expanduser(str(path)))
        self.min_age = float(self.settings.get("min_age_seconds") or 0)

    def _dir(self, key):
        path = self.dirs[key]
        try:
            os.makedirs(path, exist_ok=True)
        except OSError as exc:
            raise TransportError(f"cannot create folder {path}: {exc.strerror}") from exc
        return path

    # ------------------------------------------------------------------ writing

    def _write_new(self, folder, name, data):
        """Write ``data`` under ``name`` in ``folder`` (or a free variant); returns the path.

        The bytes go to a hidden temporary file first; ``os.link`` then gives it its final
        name, and fails instead of replacing a file that is already there.
        """
        tmp = os.path.join(folder, f".{uuid.uuid4().hex}.tmp")
        try:
            with open(tmp, "xb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            return self._link_unique(tmp, folder, name)
        except OSError as exc:
            raise TransportError(f"cannot write {name} to {folder}: {exc.strerror}") from exc
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def _link_unique(self, source, folder, name):
        stem, dot, ext = name.rpartition(".")
        if not dot or not stem:
            stem, ext = name, ""
        for n in range(10000):
            candidate = name if n == 0 else (f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}")
            target = os.path.join(folder, candidate)
            try:
                os.link(source, target)
            except FileExistsError:
                continue
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV):
                    raise
                # No hard links here (some network shares): claim the name, then replace it.
                try:
                    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
                except FileExistsError:
                    continue
                os.close(fd)
                os.replace(source, target)
            _fsync_dir(folder)
            return target
        raise TransportError(f"no free file name for {name} in {folder}")

    def send(self, name, data):
        """Deliver into ``out_dir``; the reference is the file name actually used."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        path = self._write_new(self._dir("out_dir"), _safe_name(name), bytes(data))
        return os.path.basename(path)

    # ------------------------------------------------------------------ reading

    def poll(self):
        folder = self._dir("in_dir")
        now = time.time()
        entries = []
        try:
            with os.scandir(folder) as scan:
                for entry in scan:
                    if entry.name.startswith(".") or entry.name.lower().endswith(PARTIAL_SUFFIXES):
                        continue
                    try:
                        if not entry.is_file(follow_symlinks=False):
                            continue
                        stat = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:
                        continue  # taken away while we looked
                    if self.min_age and now - stat.st_mtime < self.min_age:
                        continue
                    entries.append((stat.st_mtime, entry.name, entry.path, stat.st_size))
        except OSError as exc:
            raise TransportError(f"cannot list {folder}: {exc.strerror}") from exc
        inbound = []
        for mtime, name, path, size in sorted(entries):
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise TransportError(f"cannot read {path}: {exc.strerror}") from exc
            inbound.append(Inbound(name, data, path, {"mtime": mtime, "size": size}))
        return inbound

    def _move_aside(self, inbound, key):
        """Move the inbound file into the folder ``key`` without replacing anything there.

        A file already gone (confirmed by an earlier attempt) is fine: nothing is lost.
        """
        source = inbound.ref
        if not os.path.exists(source):
            return None
        folder = self._dir(key)
        try:
            target = self._link_unique(source, folder, _safe_name(inbound.name))
            if os.path.exists(source) and os.path.samefile(source, target):
                os.unlink(source)
        except OSError as exc:
            raise TransportError(
                f"cannot move {source} to {folder}: {exc.strerror or exc}"
            ) from exc
        _fsync_dir(os.path.dirname(source))
        return target

    def confirm(self, inbound):
        return self._move_aside(inbound, "archive_dir")

    def reject(self, inbound, reason):
        target = self._move_aside(inbound, "error_dir")
        if target:
            self._write_new(
                os.path.dirname(target),
                os.path.basename(target) + ".reason.txt",
                str(reason).encode("utf-8"),
            )
        return target
