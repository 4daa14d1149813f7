"""Transports that move EDI interchanges between Acorn and Amazon (or its VAN).

Each kind lives in its own module (``folder``, ``sftp``, ``as2``, ``soap``) and defines a
``Transport`` class following :class:`.base.Transport`. Odoo builds one with
:func:`make_transport` from the account's settings and never needs to know which it is.
"""

import importlib

from .base import Inbound, Transport, TransportError

KINDS = ("folder", "sftp", "as2", "soap")


def make_transport(kind, settings):
    """The transport of ``kind`` configured with ``settings`` (a plain dict)."""
    if kind not in KINDS:
        raise TransportError(f"unknown EDI transport {kind!r}; expected one of {', '.join(KINDS)}")
    module = importlib.import_module(f".{kind}", __name__)
    return module.Transport(settings)


__all__ = ["KINDS", "Inbound", "Transport", "TransportError", "make_transport"]
