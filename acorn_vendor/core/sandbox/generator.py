"""Deterministic purchase-order generation: day D of seed S always yields the same POs.

Amazon orders what its forecast says its customers buy: a line of a product orders, in
expectation, the product's seasonal daily demand (``catalogue.seasonal_demand``, which the
sales reports and the forecasting report follow too) times the days between two lines of
that product (products over POs per day times lines per PO), with noise (0.4 to 1.6 times).
So a product's ordered units per week agree with the forecast's mean for that week, and a
backtest of the forecast against the POs means something. Lines round their units (or
cases) up or down at random, unbiased: a slow product's line of 0.3 units is 1 unit three
times in ten and absent otherwise, so its orders still follow its demand.

Each day has its own random stream, so history and live days can be generated in any order
(and lazily) with identical results. POs created before the sandbox epoch (its first start)
are history: Amazon and the vendor already played them out (acknowledged, shipped, received,
closed). POs created after it wait for the vendor, like in Vendor Central.
"""

import json
import logging
import math
import random
import string
from datetime import date

from .catalogue import seasonal_demand
from .config import hash_seed

_logger = logging.getLogger(__name__)

DAY = 86400.0
HOUR = 3600.0
UNIX_DAY0 = date(1970, 1, 1).toordinal()
PO_ALPHABET = string.ascii_uppercase + string.digits

ORDER_TYPES = (
    ("RegularOrder", 0.85),
    ("NewProductIntroduction", 0.06),
    ("RushOrder", 0.05),
    ("ConsignedOrder", 0.04),
)
# Amazon orders more on weekdays.
WEEKDAY_FACTOR = (1.15, 1.15, 1.1, 1.1, 1.05, 0.75, 0.7)


def day_of(ts):
    return int(ts // DAY) + UNIX_DAY0


def day_start(day):
    return (day - UNIX_DAY0) * DAY


def _base36(value, width):
    out = ""
    for _ in range(width):
        value, rem = divmod(value, 36)
        out = (string.digits + string.ascii_uppercase)[rem] + out
    return out


def _weighted(rng, pairs):
    r = rng.random()
    acc = 0.0
    for value, weight in pairs:
        acc += weight
        if r < acc:
            return value
    return pairs[-1][0]


def unbiased_round(value, rng):
    """``value`` rounded down or up at random, up with the chance of its fraction: the
    expected result is ``value`` itself. Rounding each small line to at least one unit
    ordered a slow product two to four times its demand (0.3 units a line became 1)."""
    whole = math.floor(value)
    return int(whole) + (1 if rng.random() < value - whole else 0)


def _drop_empty_lines(lines):
    """A product whose line rounds to nothing is not on the PO (Amazon orders it on a later
    one); a PO keeps at least its largest line, at one unit. Lines are renumbered."""
    kept = [line for line in lines if line[2] > 0]
    if not kept:
        largest = max(lines, key=lambda line: line[5])
        kept = [[*largest[:2], largest[4], *largest[3:]]]
    return [[seq, *line[1:5]] for seq, line in enumerate(kept, 1)]


def _po_count(rng, mean, weekday):
    mean = mean * WEEKDAY_FACTOR[weekday]
    if mean <= 0:
        return 0
    return max(0, int(round(rng.gauss(mean, math.sqrt(mean)))))


class Generator:
    def __init__(self, cfg, products, fcs):
        self.cfg = cfg
        self.products = products
        self.fcs = fcs
        self.vendor_weights = self._vendor_weights(cfg.vendor_codes)
        lines = (cfg.lines_min + min(cfg.lines_max, len(products))) / 2.0
        # Days between two lines of one product: what one line orders of its daily demand.
        self.days_per_line = len(products) / (cfg.pos_per_day * lines) if cfg.pos_per_day else 0.0

    @staticmethod
    def _vendor_weights(codes):
        # The first vendor code carries most volume, as in real vendor groups.
        if len(codes) == 1:
            return ((codes[0], 1.0),)
        rest = 0.3 / (len(codes) - 1)
        return ((codes[0], 0.7),) + tuple((c, rest) for c in codes[1:])

    def generate(self, store, first_day, last_day, epoch):
        """Insert the POs of days first_day..last_day (inclusive) that are not there yet."""
        if last_day < first_day:
            return 0
        done = {
            r[0]
            for r in store.q(
                "SELECT DISTINCT day FROM pos WHERE day BETWEEN ? AND ?", (first_day, last_day)
            )
        }
        pos_rows, item_rows = [], []
        for day in range(first_day, last_day + 1):
            if day in done:
                continue
            self._day(store, day, epoch, pos_rows, item_rows)
        if not pos_rows:
            return 0
        with store.lock:
            store.x("BEGIN")
            try:
                store.conn.executemany(
                    "INSERT OR IGNORE INTO pos VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    pos_rows,
                )
                store.conn.executemany(
                    "INSERT OR IGNORE INTO items (po, seq, asin, ean, sku, ordered, unit, "
                    "unit_size, backorder, net_cost, list_price, cancel_at, cancelled, accepted, "
                    "rejected, backordered, confirmation, ack_details, shipped, invoiced, "
                    "received, receive_status, last_receive) VALUES "
                    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    item_rows,
                )
                store.x("COMMIT")
            except BaseException:
                store.x("ROLLBACK")
                raise
        _logger.debug("Generated %d POs for days %d..%d", len(pos_rows), first_day, last_day)
        return len(pos_rows)

    def _day(self, store, day, epoch, pos_rows, item_rows):
        cfg = self.cfg
        rng = random.Random(hash_seed(f"{cfg.seed}:po-day:{day}"))
        weekday = date.fromordinal(day).weekday()
        count = _po_count(rng, cfg.pos_per_day, weekday)
        start = day_start(day)
        # Amazon's buying systems emit POs mostly in the US/EU working day.
        times = sorted(start + rng.uniform(5 * HOUR, 23 * HOUR) for _ in range(count))
        # Three characters encode the day, so numbers never collide across days.
        prefix = _base36(day % 46656, 3)
        used = set()
        for created in times:
            created = float(int(created))
            number = prefix + "".join(rng.choice(PO_ALPHABET) for _ in range(5))
            while number in used:
                number = prefix + "".join(rng.choice(PO_ALPHABET) for _ in range(5))
            used.add(number)
            self._po(rng, day, number, created, epoch, pos_rows, item_rows)

    def _po(self, rng, day, number, created, epoch, pos_rows, item_rows):
        cfg = self.cfg
        vendor = _weighted(rng, self.vendor_weights)
        fc = rng.choice(self.fcs)
        po_type = _weighted(rng, ORDER_TYPES)
        payment = "Consignment" if po_type == "ConsignedOrder" else "Invoice"
        if po_type == "RushOrder":
            ship_start = created + 1 * DAY
            ship_len = 3 * DAY
        else:
            ship_start = created + rng.randint(2, 5) * DAY
            ship_len = rng.randint(5, 8) * DAY
        ship_start = float(int(ship_start // HOUR) * HOUR)
        ship_end = ship_start + ship_len
        deliv_start = ship_start + rng.randint(2, 4) * DAY
        deliv_end = deliv_start + ship_len
        deal_code = "DEAL-%04d" % rng.randint(1, 9999) if rng.random() < 0.03 else None
        import_json = None
        if rng.random() < 0.03:
            import_json = json.dumps(
                {
                    "methodOfPayment": "PaidByBuyer",
                    "internationalCommercialTerms": "FreeOnBoard",
                    "portOfDelivery": rng.choice(("CNSHA", "CNNGB", "VNSGN", "CNYTN")),
                    "importContainers": "1-40'HC",
                    "shippingInstructions": "Ship via Amazon Freight forwarder; no LCL.",
                }
            )
        n_lines = min(rng.randint(cfg.lines_min, cfg.lines_max), len(self.products))
        products = rng.sample(self.products, n_lines)
        cancel_seq = None
        if n_lines > 1 and rng.random() < cfg.change_rate:
            cancel_seq = rng.randint(1, n_lines)
        cancel_at = created + rng.uniform(0.5 * HOUR, 2 * HOUR) if cancel_seq else None
        cancel_at = float(int(cancel_at)) if cancel_at else None
        # Will the (simulated) vendor have acknowledged before the epoch?
        ack_time = float(int(created + rng.uniform(2 * HOUR, 24 * HOUR)))
        receive_time = float(int(deliv_start + rng.uniform(0, ship_len)))
        history = ack_time < epoch
        lines = []
        demand_day = date.fromordinal(day)
        rounding = random.Random(hash_seed(f"{cfg.seed}:round:{number}"))
        for seq, product in enumerate(products, 1):
            units = seasonal_demand(product, demand_day) * self.days_per_line
            units *= rng.uniform(4, 16) / 10.0  # noise around the forecast, mean 1
            if po_type == "NewProductIntroduction":
                units /= 3
            # Cases when the line fills some: Amazon orders whole cases of a case-packed item.
            cased = rng.random() < 0.2 and units >= product.case_size
            unit = "Cases" if cased else "Eaches"
            unit_size = product.case_size if cased else 1
            ordered = unbiased_round(units / unit_size, rounding) * unit_size
            lines.append([seq, product, ordered, unit, unit_size, units])
        lines = _drop_empty_lines(lines)
        if cancel_seq and cancel_seq > len(lines) - (len(lines) == 1):
            cancel_seq = None  # the line it would cancel rounded away, or is the PO's only one
        state, status, state_changed = "New", "OPEN", created
        last_updated, changed = created, None
        auto_receive_at, close_at = None, deliv_end + cfg.close_after_days * DAY
        line_rows = []
        for seq, product, ordered, unit, unit_size in lines:
            row = {
                "cancel_at": None,
                "cancelled": 0,
                "accepted": 0,
                "rejected": 0,
                "backordered": 0,
                "confirmation": "UNCONFIRMED",
                "ack_details": "[]",
                "shipped": 0,
                "invoiced": 0,
                "received": 0,
                "receive_status": "NOT_RECEIVED",
                "last_receive": None,
            }
            if seq == cancel_seq:
                if history or cancel_at < epoch:
                    row["cancelled"] = 1
                    changed = cancel_at
                else:
                    row["cancel_at"] = cancel_at
            line_rows.append((seq, product, ordered, unit, unit_size, row))
        if history:
            times = (ack_time, receive_time, ship_start)
            played = self._play_history(rng, line_rows, times, epoch, close_at)
            state, status, state_changed, last_updated, close_at, auto_receive_at = played
        pos_rows.append(
            (
                number,
                day,
                vendor,
                created,
                state,
                status,
                state_changed,
                changed,
                last_updated,
                po_type,
                payment,
                fc.code,
                ship_start,
                ship_end,
                deliv_start,
                deliv_end,
                deal_code,
                import_json,
                auto_receive_at,
                close_at,
            )
        )
        for seq, product, ordered, unit, unit_size, row in line_rows:
            item_rows.append(
                (
                    number,
                    seq,
                    product.asin,
                    product.ean,
                    product.sku,
                    ordered,
                    unit,
                    unit_size,
                    int(product.backorder_allowed),
                    str(product.net_cost),
                    str(product.list_price),
                    row["cancel_at"],
                    row["cancelled"],
                    row["accepted"],
                    row["rejected"],
                    row["backordered"],
                    row["confirmation"],
                    row["ack_details"],
                    row["shipped"],
                    row["invoiced"],
                    row["received"],
                    row["receive_status"],
                    row["last_receive"],
                )
            )

    def _play_history(self, rng, line_rows, times, epoch, close_at):
        """What the vendor and Amazon did before the epoch: ack, ship, receive, close."""
        ack_time, receive_time, ship_start = times
        status, auto_receive_at = "OPEN", None
        state, state_changed, last_updated = "Acknowledged", ack_time, ack_time
        any_accepted = False
        for _seq, product, ordered, _unit, unit_size, row in line_rows:
            qty = 0 if row["cancelled"] else ordered
            accepted, backordered, rejected = self._history_ack(rng, product, qty, unit_size)
            row.update(accepted=accepted + backordered, backordered=backordered, rejected=rejected)
            row["confirmation"] = confirmation(qty, accepted + backordered, rejected)
            # Formatted by hand: json.dumps here was a fifth of the generation time.
            row["ack_details"] = '[{"date": %r, "accepted": %d, "rejected": %d}]' % (
                ack_time,
                accepted + backordered,
                rejected,
            )
            any_accepted = any_accepted or accepted + backordered > 0
        if not any_accepted:
            state, status, close_at = "Closed", "CLOSED", None
        elif receive_time < epoch:
            for _seq, _p, _o, _u, _us, row in line_rows:
                row["shipped"] = row["invoiced"] = row["accepted"]
                short = self._shortage(rng, row["accepted"])
                row["received"] = row["accepted"] - short
                row["receive_status"] = receive_status(row["received"], row["accepted"])
                row["last_receive"] = receive_time if row["received"] else None
            state, status, state_changed = "Closed", "CLOSED", receive_time
            last_updated, close_at = receive_time, None
        elif ship_start < epoch:
            for _seq, _p, _o, _u, _us, row in line_rows:
                row["shipped"] = row["accepted"]
            auto_receive_at = receive_time
        return state, status, state_changed, last_updated, close_at, auto_receive_at

    @staticmethod
    def _history_ack(rng, product, qty, unit_size):
        """(accepted, backordered, rejected) eaches as a vendor typically confirms."""
        if qty == 0:
            return 0, 0, 0
        r = rng.random()
        if r < 0.85:
            return qty, 0, 0
        if r < 0.93:
            step = product.case_size if qty % product.case_size == 0 else 1
            accepted = int(qty * rng.uniform(0.5, 0.9)) // step * step
            rest = qty - accepted
            if product.backorder_allowed and rng.random() < 0.5:
                return accepted, rest, 0
            return accepted, 0, rest
        return 0, 0, qty

    def _shortage(self, rng, qty):
        if qty <= 0 or rng.random() >= self.cfg.shortage_rate:
            return 0
        return min(qty, max(1, int(qty * rng.uniform(0.01, 0.1))))


def confirmation(ordered, accepted, rejected):
    if ordered == 0 and accepted == 0 and rejected == 0:
        return "REJECTED"
    if accepted >= ordered and accepted > 0:
        return "ACCEPTED"
    if accepted > 0:
        return "PARTIALLY_ACCEPTED"
    return "REJECTED"


def receive_status(received, expected):
    if received <= 0:
        return "NOT_RECEIVED"
    if received >= expected:
        return "RECEIVED"
    return "PARTIALLY_RECEIVED"
