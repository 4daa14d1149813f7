"""Amazon's rules beyond D.96A syntax: code lists, CPS hierarchy, SSCCs, CNT/MOA totals.

Checks run on the segments (so they locate the segment and element) and add issues to the
message. Cross-document checks (ORDRSP vs the PO, INVOIC vs the PO) work on domain objects.
"""

from decimal import Decimal
from functools import lru_cache

from .._vendor import gs1
from . import syntax
from .syntax import num


def is_shipment_level(own, parent):
    """True for the DESADV's shipment level ``CPS+1`` (no parent). Its PAC, when there is one,
    counts the packages of the whole shipment (EANCOM); it is no package itself: it needs no
    SSCC and holds no carton."""
    return own == "1" and not parent


BGM_CODES = {
    "ORDERS": {"220", "221", "224", "226", "227", "22E"},
    "ORDRSP": {"231"},
    "DESADV": {"351"},
    "INVOIC": {"380", "381"},
    "INVRPT": {"35"},
    "SLSRPT": {"73"},
}
ORDRSP_FUNCTIONS = {"4", "27", "29"}
ORDRSP_LINE_ACTIONS = {"3", "5", "6", "7"}
PRODUCT_QUALIFIERS = {"EN", "SRV", "UP", "IB", "BP", "IN", "SA", "VN", "MF"}
PARTY_ROLES = {"BY", "SU", "DP", "ST", "IV", "SF", "WH", "CA", "OB"}


def check_amazon(msg, body=None):
    """Run the rules for ``msg.type``; every problem is located (segment, element, component).

    Clean ORDERS and DESADV usually never get here: ``fast_path`` proves them clean while it
    builds their document, and only sends the doubtful ones.
    """
    if body is None:
        body = msg.body()
    bgm = next((s for s in body if s.tag == "BGM"), None)
    codes = BGM_CODES.get(msg.type)
    if bgm is not None and codes and bgm.get(1, 1) not in codes:
        msg.issue(
            syntax.ERR_VALUE_NOT_SUPPORTED,
            "BGM document code %r is not one Amazon uses for %s (%s)"
            % (bgm.get(1, 1), msg.type, ", ".join(sorted(codes))),
            bgm,
            1,
            1,
        )
    if bgm is not None and codes and not bgm.get(2):
        msg.issue(syntax.ERR_MISSING, "BGM has no document number", bgm, 2)
    for seg in body:
        if seg.tag in ("LIN", "PIA"):
            _check_ids(msg, seg)
        elif seg.tag == "NAD" and seg.get(1) not in PARTY_ROLES:
            msg.issue(
                syntax.ERR_VALUE_NOT_SUPPORTED,
                "NAD party role %r is unexpected" % seg.get(1),
                seg,
                1,
            )
    check = _CHECKS.get(msg.type)
    if check:
        check(msg, body, bgm)


# The same GTINs come back on every order, so their check digit is computed once.
gtin_ok = lru_cache(maxsize=16384)(gs1.is_valid_gs1)


def _check_ids(msg, seg):
    if seg.tag == "LIN":
        comps = seg.components(3)
        n = len(comps)
        value, qual = (comps[0] if n else ""), (comps[1] if n > 1 else "")
        if value and qual not in PRODUCT_QUALIFIERS:
            msg.issue(syntax.ERR_VALUE_NOT_SUPPORTED, "Product id qualifier %r" % qual, seg, 3, 2)
        if value and qual in ("EN", "SRV", "UP") and not gtin_ok(value):
            msg.issue(
                syntax.ERR_INVALID_VALUE, "GTIN %s has a wrong check digit" % value, seg, 3, 1
            )
        return
    for el, comps in enumerate(seg.elements[1:], 2):
        qual = comps[1] if len(comps) > 1 else ""
        if comps and comps[0] and qual not in PRODUCT_QUALIFIERS:
            msg.issue(syntax.ERR_VALUE_NOT_SUPPORTED, "Product id qualifier %r" % qual, seg, el, 2)


def _count_lines(msg, body):
    lines = [s for s in body if s.tag == "LIN"]
    for cnt in (s for s in body if s.tag == "CNT"):
        value = num(cnt.get(1, 2))
        if cnt.get(1, 1) == "2" and value is not None and value != len(lines):
            msg.issue(
                syntax.ERR_COUNT_MISMATCH,
                "CNT+2 says %s line items, message has %d LIN" % (cnt.get(1, 2), len(lines)),
                cnt,
                1,
                2,
            )
    return lines


def _need(msg, body, tag, qualifier, what, anchor):
    if not any(s.tag == tag and s.get(1, 1) == qualifier for s in body):
        msg.issue(syntax.ERR_MISSING, "%s (%s+%s) is missing" % (what, tag, qualifier), anchor)


def _line_groups(body):
    groups, current = [], None
    for seg in body:
        if seg.tag == "LIN":
            current = [seg]
            groups.append(current)
        elif seg.tag in ("UNS", "CPS", "CNT"):
            current = None
        elif current is not None:
            current.append(seg)
    return groups


def _orders(msg, body, bgm):
    _need(msg, body, "DTM", "137", "Order date", bgm)
    roles = {s.get(1) for s in body if s.tag == "NAD"}
    for role, what in (("BY", "buyer"), ("SU", "supplier"), ("DP", "delivery party")):
        if role not in roles and not (role == "DP" and "ST" in roles):
            msg.issue(syntax.ERR_MISSING, "NAD+%s (%s) is missing" % (role, what), bgm)
    lines = _count_lines(msg, body)
    if not lines:
        msg.issue(syntax.ERR_MISSING, "The order has no line (LIN)", bgm)
    seen = set()
    for group in _line_groups(body):
        lin = group[0]
        if lin.get(1) in seen:
            msg.issue(syntax.ERR_DUPLICATE, "Line number %s used twice" % lin.get(1), lin, 1)
        seen.add(lin.get(1))
        if not lin.get(3, 1) and not any(s.tag == "PIA" for s in group):
            msg.issue(syntax.ERR_MISSING, "Line has no product identifier (LIN/PIA)", lin, 3)
        qty = next((s for s in group if s.tag == "QTY" and s.get(1, 1) == "21"), None)
        if qty is None:
            msg.issue(syntax.ERR_MISSING, "Line has no ordered quantity (QTY+21)", lin)
        elif (num(qty.get(1, 2)) or 0) <= 0:
            msg.issue(syntax.ERR_INVALID_VALUE, "Ordered quantity must be above 0", qty, 1, 2)
    if any(s.tag == "PRI" for s in body) and not any(s.tag == "CUX" for s in body):
        msg.issue(syntax.ERR_MISSING, "Prices without a currency (CUX+2)", bgm, severity="warning")


def _ordrsp(msg, body, bgm):
    if bgm is not None and bgm.get(3) not in ORDRSP_FUNCTIONS:
        msg.issue(
            syntax.ERR_VALUE_NOT_SUPPORTED,
            "BGM message function %r: Amazon expects 29 (accepted), 4 (changed) or 27 (rejected)"
            % bgm.get(3),
            bgm,
            3,
        )
    _need(msg, body, "RFF", "ON", "Purchase order number", bgm)
    _need(msg, body, "DTM", "137", "Response date", bgm)
    _count_lines(msg, body)
    for group in _line_groups(body):
        lin = group[0]
        if lin.get(2) not in ORDRSP_LINE_ACTIONS:
            msg.issue(
                syntax.ERR_VALUE_NOT_SUPPORTED,
                "LIN action %r: Amazon expects 5 (accepted), 3 (changed) or 7 (not accepted)"
                % lin.get(2),
                lin,
                2,
            )
        qtys = {s.get(1, 1): num(s.get(1, 2)) or Decimal(0) for s in group if s.tag == "QTY"}
        if "21" not in qtys:
            msg.issue(syntax.ERR_MISSING, "Line has no ordered quantity (QTY+21)", lin)
            continue
        confirmed = qtys.get("12", Decimal(0)) + qtys.get("83", Decimal(0))
        if confirmed > qtys["21"]:
            msg.issue(
                syntax.ERR_INVALID_VALUE,
                "Accepted + backordered (%s) exceed the ordered quantity %s"
                % (confirmed, qtys["21"]),
                lin,
            )
        if lin.get(2) == "5" and qtys.get("12") != qtys["21"]:
            msg.issue(
                syntax.ERR_INVALID_VALUE,
                "Line marked accepted (5) but QTY+12 differs from QTY+21",
                lin,
                2,
            )


def _desadv(msg, body, bgm):
    _need(msg, body, "DTM", "11", "Despatch date", bgm)
    if not any(s.tag == "RFF" and s.get(1, 1) == "ON" for s in body):
        msg.issue(syntax.ERR_MISSING, "No purchase order reference (RFF+ON)", bgm)
    lines = _count_lines(msg, body)
    _check_cps(msg, body)
    if not lines:
        msg.issue(syntax.ERR_MISSING, "The despatch advice has no line (LIN)", bgm)
    for group in _line_groups(body):
        qty = next((s for s in group if s.tag == "QTY" and s.get(1, 1) == "12"), None)
        if qty is None:
            msg.issue(syntax.ERR_MISSING, "Line has no despatched quantity (QTY+12)", group[0])
        elif (num(qty.get(1, 2)) or 0) <= 0:
            msg.issue(syntax.ERR_INVALID_VALUE, "Despatched quantity must be above 0", qty, 1, 2)


def _check_cps(msg, body):
    """CPS+1 first, unique numbers, parents that exist, an SSCC on every package level."""
    cps_ids = {}
    first = True
    current = None
    for seg in body:
        if seg.tag == "CPS":
            own, parent = seg.get(1), seg.get(2)
            if first and (own != "1" or parent):
                msg.issue(
                    syntax.ERR_INVALID_VALUE,
                    "First CPS must be the shipment level CPS+1 without a parent",
                    seg,
                    1,
                )
            first = False
            if own in cps_ids:
                msg.issue(syntax.ERR_DUPLICATE, "CPS number %s used twice" % own, seg, 1)
            elif parent and parent not in cps_ids:
                msg.issue(
                    syntax.ERR_INVALID_VALUE,
                    "CPS %s points to parent %s, which is not an earlier CPS" % (own, parent),
                    seg,
                    2,
                )
            elif own != "1" and not parent:
                msg.issue(syntax.ERR_MISSING, "CPS %s has no parent" % own, seg, 2)
            cps_ids[own] = {"pac": False, "sscc": False, "seg": seg}
            current = cps_ids[own]
        elif seg.tag == "PAC" and current is not None:
            current["pac"] = True
        elif seg.tag == "GIN" and seg.get(1) == "BJ":
            for comp, value in enumerate(seg.components(2)[:2], 1):
                if value:
                    for problem in gs1.validate_sscc(value):
                        msg.issue(syntax.ERR_INVALID_VALUE, problem, seg, 2, comp)
            if current is not None:
                current["sscc"] = True
        elif seg.tag == "LIN":
            current = None
    for own, info in cps_ids.items():
        if info["pac"] and not info["sscc"] and not is_shipment_level(own, info["seg"].get(2)):
            msg.issue(
                syntax.ERR_MISSING,
                "Package level CPS %s has no SSCC (PCI+33E / GIN+BJ)" % info["seg"].get(1),
                info["seg"],
            )


def _invoic(msg, body, bgm):
    _need(msg, body, "DTM", "137", "Invoice date", bgm)
    _count_lines(msg, body)
    lines_total = Decimal(0)
    for group in _line_groups(body):
        lin = group[0]
        qty = next((s for s in group if s.tag == "QTY" and s.get(1, 1) == "47"), None)
        pri = next((s for s in group if s.tag == "PRI" and s.get(1, 1) == "AAA"), None)
        moa = next((s for s in group if s.tag == "MOA" and s.get(1, 1) == "203"), None)
        if qty is None:
            msg.issue(syntax.ERR_MISSING, "Line has no invoiced quantity (QTY+47)", lin)
        if pri is None:
            msg.issue(syntax.ERR_MISSING, "Line has no net price (PRI+AAA)", lin)
        if moa is None:
            msg.issue(syntax.ERR_MISSING, "Line has no line amount (MOA+203)", lin)
            continue
        amount = num(moa.get(1, 2)) or Decimal(0)
        lines_total += amount
        if qty is not None and pri is not None:
            expected = (num(qty.get(1, 2)) or 0) * (num(pri.get(1, 2)) or 0)
            if abs(expected - amount) > Decimal("0.01"):
                msg.issue(
                    syntax.ERR_INVALID_VALUE,
                    "Line amount %s differs from quantity x price = %s" % (amount, expected),
                    moa,
                    1,
                    2,
                )
    uns = next((k for k, s in enumerate(body) if s.tag == "UNS"), len(body))
    summary = {s.get(1, 1): (s, num(s.get(1, 2))) for s in body[uns:] if s.tag == "MOA"}
    if "77" not in summary:
        msg.issue(syntax.ERR_MISSING, "Invoice total (MOA+77) is missing", bgm)
    if "79" in summary and summary["79"][1] is not None:
        seg, value = summary["79"]
        if abs(value - lines_total) > Decimal("0.01"):
            msg.issue(
                syntax.ERR_INVALID_VALUE,
                "MOA+79 %s differs from the sum of line amounts %s" % (value, lines_total),
                seg,
                1,
                2,
            )


def _slsrpt(msg, body, bgm):
    _need(msg, body, "DTM", "90", "Report period start", bgm)
    _need(msg, body, "DTM", "91", "Report period end", bgm)


_CHECKS = {
    "ORDERS": _orders,
    "ORDRSP": _ordrsp,
    "DESADV": _desadv,
    "INVOIC": _invoic,
    "SLSRPT": _slsrpt,
}


# -- cross-document checks (domain level) -----------------------------------------------------


def compare_acknowledgement(ack, po):
    """Problems of an Acknowledgement against its PurchaseOrder (empty list = consistent)."""
    problems = []
    if ack.purchase_order_number != po.number:
        problems.append(
            "Acknowledgement is for PO %s, not %s" % (ack.purchase_order_number, po.number)
        )
    acked = {}
    for item in ack.items:
        line = po.item(item.sequence)
        if line is None:
            problems.append("Line %s is not in PO %s" % (item.sequence, po.number))
            continue
        acked[item.sequence] = item
        if item.ordered_quantity.amount != line.ordered_quantity.amount:
            problems.append(
                "Line %s: ordered quantity %s differs from the PO's %s"
                % (item.sequence, item.ordered_quantity.amount, line.ordered_quantity.amount)
            )
        total = sum(a.quantity.amount for a in item.acknowledgements)
        if total > line.ordered_quantity.amount:
            problems.append(
                "Line %s: acknowledged %s, more than the %s ordered"
                % (item.sequence, total, line.ordered_quantity.amount)
            )
        if item.net_cost and line.net_cost and item.net_cost.amount > line.net_cost.amount:
            problems.append(
                "Line %s: cost %s is above the PO cost %s"
                % (item.sequence, item.net_cost.amount, line.net_cost.amount)
            )
    for line in po.items:
        if line.sequence not in acked:
            problems.append(
                "PO line %s is not acknowledged (Amazon counts it as rejected)" % line.sequence
            )
    return problems


def compare_invoice(invoice, purchase_orders, shipment=None):
    """Problems of an Invoice against its POs (``{number: PurchaseOrder}``) and optional ASN."""
    problems = []
    shipped = {}
    if shipment is not None:
        for item in shipment.items:
            key = (item.purchase_order_number, item.ids.any())
            shipped[key] = shipped.get(key, 0) + item.quantity.amount
    for item in invoice.items:
        po = purchase_orders.get(item.purchase_order_number)
        if po is None:
            problems.append(
                "Invoice line %s: PO %s is unknown" % (item.sequence, item.purchase_order_number)
            )
            continue
        line = next(
            (
                ln
                for ln in po.items
                if (ln.ids.asin and ln.ids.asin == item.ids.asin)
                or (ln.ids.ean and ln.ids.ean == item.ids.ean)
                or (
                    ln.ids.vendor_product_id
                    and ln.ids.vendor_product_id == item.ids.vendor_product_id
                )
            ),
            None,
        )
        if line is None:
            problems.append(
                "Invoice line %s: product %s is not on PO %s"
                % (item.sequence, item.ids.any(), po.number)
            )
            continue
        if line.net_cost and item.net_cost.amount != line.net_cost.amount:
            problems.append(
                "Invoice line %s: price %s differs from the PO price %s"
                % (item.sequence, item.net_cost.amount, line.net_cost.amount)
            )
        if shipment is not None:
            key = (item.purchase_order_number, item.ids.any())
            if shipped.get(key) != item.quantity.amount:
                problems.append(
                    "Invoice line %s: quantity %s differs from the %s shipped"
                    % (item.sequence, item.quantity.amount, shipped.get(key, 0))
                )
    total = invoice.computed_total()
    if abs(total - invoice.total.amount) > Decimal("0.01"):
        problems.append(
            "Invoice total %s differs from the computed %s" % (invoice.total.amount, total)
        )
    return problems
