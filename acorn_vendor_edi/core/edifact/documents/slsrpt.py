"""SLSRPT (inbound sales report) <-> ``domain.ProductActivityReport``."""

from datetime import datetime

from ..._vendor import domain
from ..writer import MessageBuilder
from . import shared


def parse_slsrpt(msg):
    body = msg.body()
    bgm = next((s for s in body if s.tag == "BGM"), None)
    start = end = None
    vendor = None
    for seg in body:
        if seg.tag == "LOC":
            break
        if seg.tag == "DTM":
            qual = seg.get(1, 1)
            if qual in ("90", "91"):
                value = shared.parse_dtm(seg)
                if value and qual == "90":
                    start = value.date()
                elif value:
                    end = value.date()
            elif qual == "356" and seg.get(1, 3) == "718":
                first, _, last = seg.get(1, 2).partition("-")
                start, end = _ymd(first), _ymd(last)
        elif seg.tag == "NAD" and seg.get(1) == "SU":
            vendor = seg.get(2, 1)
    report = domain.ProductActivityReport(
        reference=bgm.get(2) if bgm else "",
        start=start,
        end=end,
        lines=[],
        vendor_code=vendor,
    )
    location = None
    for seg_group in shared.segment_groups(body, "LOC"):
        location = seg_group[0].get(2, 1) or None
        for group in shared.segment_groups(seg_group, "LIN"):
            ids = domain.ProductIds()
            quantities = {}
            for seg in group:
                if seg.tag in ("LIN", "PIA"):
                    shared.read_ids(seg, ids)
                elif seg.tag == "QTY":
                    name = shared.ACTIVITY_QTY.get(seg.get(1, 1))
                    if name:
                        quantities[name] = quantities.get(name, 0) + shared.quantity(seg).amount
            report.lines.append(domain.ProductActivityLine(ids, quantities, location))
    if report.lines and len({line.location for line in report.lines}) == 1:
        report.location = location
    return report


def render_slsrpt(report):
    """ProductActivityReport → SLSRPT (Amazon sends these; used by tests and the sandbox)."""
    b = MessageBuilder("SLSRPT", association="EAN004")
    b.add("BGM", "73", report.reference, "9")
    b.add("DTM", ("137", report.end.strftime("%Y%m%d"), "102"))
    b.add("DTM", ("90", report.start.strftime("%Y%m%d"), "102"))
    b.add("DTM", ("91", report.end.strftime("%Y%m%d"), "102"))
    b.add("NAD", "SU", (report.vendor_code or "", None, "92"))
    by_loc = {}
    for line in report.lines:
        by_loc.setdefault(line.location or report.location or "", []).append(line)
    codes = {v: k for k, v in shared.ACTIVITY_QTY.items()}
    for loc, lines in by_loc.items():
        b.add("LOC", "162", (loc, None, "92"))
        for n, line in enumerate(lines, 1):
            for seg in shared.id_segments(line.ids, n):
                b.add(*seg)
            for name, amount in line.quantities.items():
                if name in codes:
                    b.add("QTY", (codes[name], amount))
    return b


def _ymd(value):
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None
