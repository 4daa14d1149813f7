"""Byte-level damage for fuzz tests: what transfers, editors and disks do to files."""

from hypothesis import strategies as st

KINDS = ("flip", "cut", "insert", "noise")


def mangle(data, base, kind):
    """``base`` damaged one way (``kind`` from KINDS), drawing choices from hypothesis ``data``."""
    raw = bytearray(base)
    if kind == "flip":
        for _ in range(data.draw(st.integers(1, 8))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    elif kind == "cut":
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    elif kind == "insert":
        at = data.draw(st.integers(0, len(raw)))
        raw[at:at] = data.draw(st.binary(max_size=40))
    else:
        raw = bytearray(data.draw(st.binary(max_size=400)))
    return bytes(raw)
