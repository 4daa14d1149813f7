"""The historical vendor reports of the sandbox (sales, inventory, traffic, net PPM,
forecast), per Amazon period and ASIN.

Customer demand (sales, traffic, margin, forecast) follows a seeded demand model. The
inventory report follows from the sandbox's own purchase orders: net received units are
the units it received in the period, the confirmation rate is the accepted share of the units
it ordered on POs the vendor acknowledged, the lead time is the unit-weighted days from PO to
receipt, and the fill rate is received / accepted units of the period's POs -- the figures a
vendor computes from the same POs, so both sides agree where their definitions do.
"""

import math
import random
from datetime import datetime, timedelta, timezone

from .catalogue import seasonal_demand
from .config import hash_seed
from .generator import unbiased_round

DAY = 86400.0
RETURN_RATE = 0.02  # customer returns per shipped unit (housewares: 1-5 %)
FORECAST_MISS = 0.04  # the forecast's relative error one week ahead; it grows as sqrt(weeks)


def _ts(day):
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()


class HistoricalReports:
    def _units(self, product, day):
        """Customer units Amazon shipped of one ASIN on one day (the demand model)."""
        rng = random.Random(hash_seed(f"{self.cfg.seed}:sales:{product.asin}:{day.toordinal()}"))
        mean = seasonal_demand(product, day)
        return max(0, int(round(rng.gauss(mean, math.sqrt(mean)))))

    def _returns(self, product, day, units):
        """Customer returns of one ASIN on one day that shipped ``units``: ``RETURN_RATE`` of
        them, rounded at random (a day's 10 units give 0.2 returns: truncated, no DAY report
        would ever show one)."""
        rng = random.Random(hash_seed(f"{self.cfg.seed}:returns:{product.asin}:{day.toordinal()}"))
        return unbiased_round(units * RETURN_RATE, rng)

    def _period_units_and_returns(self, product, start, stop):
        units = returns = 0
        for i in range((stop - start).days + 1):
            day = start + timedelta(days=i)
            shipped = self._units(product, day)
            units += shipped
            returns += self._returns(product, day, shipped)
        return units, returns

    def _amount(self, value):
        return {"amount": round(float(value), 2), "currencyCode": self.currency}

    def _period_units(self, product, start, stop):
        return sum(
            self._units(product, start + timedelta(days=i)) for i in range((stop - start).days + 1)
        )

    def _sales(self, spans, options):
        manufacturing = options["distributorView"] == "MANUFACTURING"
        aggregate, by_asin = [], []
        for start, stop in spans:
            tot = {"units": 0, "ordered": 0, "returns": 0, "rev": 0.0, "cogs": 0.0, "orev": 0.0}
            for p in self.products:
                units, returns = self._period_units_and_returns(p, start, stop)
                ordered = int(round(units * 1.03))
                price = float(p.list_price) * 0.92
                row = {
                    "startDate": start.isoformat(),
                    "endDate": stop.isoformat(),
                    "asin": p.asin,
                    "customerReturns": returns,
                    "shippedCogs": self._amount(units * float(p.net_cost)),
                    "shippedRevenue": self._amount(units * price),
                    "shippedUnits": units,
                }
                if manufacturing:
                    row["orderedUnits"] = ordered
                    row["orderedRevenue"] = self._amount(ordered * price)
                by_asin.append(row)
                tot["units"] += units
                tot["ordered"] += ordered
                tot["returns"] += row["customerReturns"]
                tot["rev"] += units * price
                tot["cogs"] += units * float(p.net_cost)
                tot["orev"] += ordered * price
            agg = {
                "startDate": start.isoformat(),
                "endDate": stop.isoformat(),
                "customerReturns": tot["returns"],
                "shippedCogs": self._amount(tot["cogs"]),
                "shippedRevenue": self._amount(tot["rev"]),
                "shippedUnits": tot["units"],
            }
            if manufacturing:
                agg["orderedUnits"] = tot["ordered"]
                agg["orderedRevenue"] = self._amount(tot["orev"])
            aggregate.append(agg)
        return {"salesAggregate": aggregate, "salesByAsin": by_asin}

    def _traffic(self, spans, options):
        aggregate, by_asin = [], []
        for start, stop in spans:
            total = 0
            for p in self.products:
                views = int(self._period_units(p, start, stop) * 11.5)
                total += views
                by_asin.append(
                    {
                        "startDate": start.isoformat(),
                        "endDate": stop.isoformat(),
                        "asin": p.asin,
                        "glanceViews": views,
                    }
                )
            aggregate.append(
                {"startDate": start.isoformat(), "endDate": stop.isoformat(), "glanceViews": total}
            )
        return {"trafficAggregate": aggregate, "trafficByAsin": by_asin}

    def _margin(self, spans, options):
        aggregate, by_asin = [], []
        for start, stop in spans:
            rev_total = profit_total = 0.0
            for p in self.products:
                units = self._period_units(p, start, stop)
                revenue = units * float(p.list_price) * 0.92
                # Amazon's pure product margin: revenue minus COGS and its own fulfilment cost.
                profit = revenue - units * float(p.net_cost) - revenue * 0.18
                margin = round(profit / revenue, 4) if revenue else 0.0
                rev_total += revenue
                profit_total += profit
                by_asin.append(
                    {
                        "startDate": start.isoformat(),
                        "endDate": stop.isoformat(),
                        "asin": p.asin,
                        "netPureProductMargin": margin,
                    }
                )
            aggregate.append(
                {
                    "startDate": start.isoformat(),
                    "endDate": stop.isoformat(),
                    "netPureProductMargin": round(profit_total / rev_total, 4)
                    if rev_total
                    else 0.0,
                }
            )
        return {"netPureProductMarginAggregate": aggregate, "netPureProductMarginByAsin": by_asin}

    def _received_in(self, lo, hi):
        """asin -> (units received in [lo, hi), Σ units × days from PO to receipt).

        Receipts the sandbox played out are in receipt_log; history lines received before
        the epoch were received once, at last_receive."""
        rows = self.store.q(
            "SELECT asin, SUM(qty) AS units, SUM(qty * (at - created) / 86400.0) AS unit_days "
            "FROM (SELECT i.asin, r.qty, r.at, p.created FROM receipt_log r "
            "JOIN items i ON i.po = r.po AND i.seq = r.seq JOIN pos p ON p.number = r.po "
            "UNION ALL SELECT i.asin, i.received, i.last_receive, p.created FROM items i "
            "JOIN pos p ON p.number = i.po WHERE i.received > 0 AND NOT EXISTS "
            "(SELECT 1 FROM receipt_log r WHERE r.po = i.po AND r.seq = i.seq)) "
            "WHERE at >= ? AND at < ? GROUP BY asin",
            (lo, hi),
        )
        return {r["asin"]: (int(r["units"] or 0), float(r["unit_days"] or 0.0)) for r in rows}

    def _confirmed_in(self, lo, hi):
        """asin -> (accepted, ordered, received) units on acknowledged lines of POs created
        in [lo, hi)."""
        rows = self.store.q(
            "SELECT i.asin, SUM(i.accepted) AS acc, SUM(CASE WHEN i.cancelled THEN 0 "
            "ELSE i.ordered END) AS ord, SUM(i.received) AS rec FROM items i "
            "JOIN pos p ON p.number = i.po WHERE p.created >= ? AND p.created < ? "
            "AND i.confirmation != 'UNCONFIRMED' GROUP BY i.asin",
            (lo, hi),
        )
        return {
            r["asin"]: (int(r["acc"] or 0), int(r["ord"] or 0), int(r["rec"] or 0)) for r in rows
        }

    def _open_units(self):
        return {
            r["asin"]: int(r["units"] or 0)
            for r in self.store.q(
                "SELECT i.asin, SUM(MAX(i.accepted - i.received, 0)) AS units FROM items i "
                "JOIN pos p ON p.number = i.po WHERE p.status = 'OPEN' AND p.created <= ? "
                "GROUP BY i.asin",
                (self.clock.now(),),
            )
        }

    def on_hand(self, product, day):
        """Sellable units at Amazon at the end of ``day`` (the first draw of that day's
        inventory stream, so every report ending that day says the same)."""
        rng = random.Random(hash_seed(f"{self.cfg.seed}:inv:{product.asin}:{day}"))
        return int(product.daily_demand * rng.uniform(20, 45))

    def _inventory(self, spans, options):
        cost = {p.asin: float(p.net_cost) for p in self.products}
        open_units = self._open_units()
        aggregate, by_asin = [], []
        for start, stop in spans:
            lo, hi = _ts(start), _ts(stop) + DAY
            received = self._received_in(lo, hi)
            confirmed = self._confirmed_in(lo, hi)
            tot = dict.fromkeys(
                (
                    "recv",
                    "recv_cost",
                    "unit_days",
                    "open",
                    "onhand",
                    "onhand_cost",
                    "acc",
                    "ord",
                    "rec_of_acc",
                    "sold",
                    "opening",
                    "unsell",
                ),
                0,
            )
            for p in self.products:
                rng = random.Random(hash_seed(f"{self.cfg.seed}:inv:{p.asin}:{stop}"))
                units, unit_days = received.get(p.asin, (0, 0.0))
                acc, ordered, rec_of_acc = confirmed.get(p.asin, (0, 0, 0))
                sold, returns = self._period_units_and_returns(p, start, stop)
                net_sold = sold - returns  # less customer returns, as sales says
                onhand = self.on_hand(p, stop)
                rng.random()  # that was the stream's first draw; the others follow it
                opening = self.on_hand(p, start - timedelta(days=1))
                unsell = int(onhand * rng.uniform(0.0, 0.03))
                row = {
                    "startDate": start.isoformat(),
                    "endDate": stop.isoformat(),
                    "asin": p.asin,
                    "netReceivedInventoryCost": self._amount(units * cost[p.asin]),
                    "netReceivedInventoryUnits": units,
                    "openPurchaseOrderUnits": open_units.get(p.asin, 0),
                    "sellThroughRate": _rate(net_sold, opening + units),
                    "unfilledCustomerOrderedUnits": int(sold * rng.uniform(0, 0.02)),
                    "sellableOnHandInventoryCost": self._amount(onhand * cost[p.asin]),
                    "sellableOnHandInventoryUnits": onhand,
                    "unsellableOnHandInventoryCost": self._amount(unsell * cost[p.asin]),
                    "unsellableOnHandInventoryUnits": unsell,
                }
                if ordered:
                    row["vendorConfirmationRate"] = round(acc / ordered, 4)
                if units > 0:
                    row["averageVendorLeadTimeDays"] = round(max(unit_days / units, 0.0), 2)
                if options["reportPeriod"] != "DAY":  # Amazon leaves these empty at DAY
                    aged = int(onhand * rng.uniform(0.0, 0.1))
                    row["aged90PlusDaysSellableInventoryCost"] = self._amount(aged * cost[p.asin])
                    row["aged90PlusDaysSellableInventoryUnits"] = aged
                    row["unhealthyInventoryCost"] = self._amount(aged * cost[p.asin] * 0.5)
                    row["unhealthyInventoryUnits"] = aged // 2
                by_asin.append(row)
                for key, value in (
                    ("recv", units),
                    ("recv_cost", units * cost[p.asin]),
                    ("unit_days", unit_days),
                    ("open", row["openPurchaseOrderUnits"]),
                    ("onhand", onhand),
                    ("onhand_cost", onhand * cost[p.asin]),
                    ("acc", acc),
                    ("ord", ordered),
                    ("rec_of_acc", rec_of_acc),
                    ("sold", net_sold),
                    ("opening", opening),
                    ("unsell", unsell),
                ):
                    tot[key] += value
            agg = {
                "startDate": start.isoformat(),
                "endDate": stop.isoformat(),
                "netReceivedInventoryCost": self._amount(tot["recv_cost"]),
                "netReceivedInventoryUnits": tot["recv"],
                "openPurchaseOrderUnits": tot["open"],
                "sellableOnHandInventoryCost": self._amount(tot["onhand_cost"]),
                "sellableOnHandInventoryUnits": tot["onhand"],
                "unsellableOnHandInventoryUnits": tot["unsell"],
                "sellThroughRate": _rate(tot["sold"], tot["opening"] + tot["recv"]),
                "procurableProductOutOfStockRate": 0.02,
            }
            if tot["ord"]:
                agg["vendorConfirmationRate"] = round(tot["acc"] / tot["ord"], 4)
            if tot["acc"]:
                agg["receiveFillRate"] = round(tot["rec_of_acc"] / tot["acc"], 4)
            if tot["recv"] > 0:
                agg["averageVendorLeadTimeDays"] = round(tot["unit_days"] / tot["recv"], 2)
            aggregate.append(agg)
        return {"inventoryAggregate": aggregate, "inventoryByAsin": by_asin}

    def forecast_snapshot(self, day):
        """The forecasting report's rows as Amazon generated them on ``day``: past snapshots
        for a backtest, and for a demo that starts with a forecast history."""
        return self._forecast(day)

    def _forecast(self, today):
        # Weeks run Sunday..Saturday; the forecast starts with next week.
        start = today + timedelta(days=(6 - today.weekday()) % 7 or 7)
        rows = []
        for p in self.products:
            for week in range(26):
                ws = start + timedelta(days=7 * week)
                # What customers will buy, missed by more the further ahead it is: a
                # forecast made the week before is good to a few percent, 26 weeks ahead
                # to about 20% (seeded per ASIN, week and generation date).
                rng = random.Random(hash_seed(f"{self.cfg.seed}:fc:{p.asin}:{today}:{ws}"))
                miss = max(-0.6, rng.gauss(0.0, FORECAST_MISS * math.sqrt(week + 1)))
                mean = round(self._period_units(p, ws, ws + timedelta(days=6)) * (1 + miss), 1)
                rows.append(
                    {
                        "forecastGenerationDate": today.isoformat(),
                        "asin": p.asin,
                        "startDate": ws.isoformat(),
                        "endDate": (ws + timedelta(days=6)).isoformat(),
                        "meanForecastUnits": mean,
                        "p70ForecastUnits": round(mean * 1.12, 1),
                        "p80ForecastUnits": round(mean * 1.22, 1),
                        "p90ForecastUnits": round(mean * 1.38, 1),
                    }
                )
        return rows


class ForecastOnly(HistoricalReports):
    """The sandbox's forecasting report without a running sandbox: it depends on the seed
    and the catalogue only, so a demo can load the forecasts a sandbox of that seed made."""

    def __init__(self, cfg, products):
        self.cfg = cfg
        self.products = products


def _rate(num, den):
    return round(num / den, 4) if den else 0.0
