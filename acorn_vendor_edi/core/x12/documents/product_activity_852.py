"""852 product activity data <-> ``domain.ProductActivityReport``."""

from collections import OrderedDict

from ..._vendor import domain
from . import shared


def render_852(report):
    body = [["XQ", "H", shared.d8(report.start), shared.d8(report.end)]]
    body.append(["N9", "IA", report.vendor_code or report.reference])
    if report.location:
        body.append(["N1", "ST", "", "92", report.location])
    reverse = {v: k for k, v in domain.ACTIVITY_CODES.items()}
    for line in report.lines:
        body.append(["LIN", "", *shared.id_pairs(line.ids)])
        for activity, qty in line.quantities.items():
            body.append(["ZA", reverse.get(activity, activity), qty, shared.UOM_TO_X12[line.unit]])
            if line.location:
                body.append(["SDQ", shared.UOM_TO_X12[line.unit], "92", line.location, qty])
    body.append(["CTT", len(report.lines)])
    return "852", body


def read_852(tx, ctx):
    root = tx.tree
    xq = root.first("XQ")
    n9 = root.first("N9")
    who = shared.parties(root)
    lines = []
    for loop in root.loop("LIN"):
        ids, _ = shared.ids_from(loop.head, 2, 30)
        by_location = OrderedDict()
        for za_loop in loop.loop("ZA"):
            za = za_loop.head
            activity = domain.ACTIVITY_CODES.get(za.get(1), za.get(1))
            sdqs = za_loop.all("SDQ")
            if not sdqs:
                by_location.setdefault(None, {})[activity] = shared.qty_int(za.get(2)) or 0
            for sdq in sdqs:
                for pos in range(3, 23, 2):
                    if sdq.get(pos):
                        by_location.setdefault(sdq.get(pos), {})[activity] = (
                            shared.qty_int(sdq.get(pos + 1)) or 0
                        )
        for location, quantities in by_location.items():
            lines.append(domain.ProductActivityLine(ids, quantities, location))
    ctt = root.first("CTT")
    if ctt is not None and ctt.get(1) != str(len(root.loop("LIN"))):
        ctx.error(
            f"CTT01 says {ctt.get(1)!r}, the 852 has {len(root.loop('LIN'))} LIN lines", ctt, 1
        )
    st = who.get("ST")
    tx.document = domain.ProductActivityReport(
        reference=n9.get(2) if n9 else "",
        start=shared.parse_d8(xq.get(2)) if xq else None,
        end=shared.parse_d8(xq.get(3) or xq.get(2)) if xq else None,
        lines=lines,
        vendor_code=n9.get(2) if n9 and n9.get(1) == "IA" else None,
        location=st.party_id if st else None,
    )
