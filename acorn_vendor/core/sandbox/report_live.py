"""The sandbox's hourly (real-time) reports and its promotion and coupon reports.

Hourly sales and traffic split the same day's figures the DAY reports give (a seeded split
over the 24 hours), so summed over a day they equal the daily sales report's ordered units
and the traffic report's glance views. Promotions and coupons are drawn per day from the
seed: the same range always lists the same promotions.
"""

import random
from datetime import datetime, timedelta, timezone

from .config import hash_seed

HOUR = timedelta(hours=1)
PROMOTION_TYPES = ("BEST_DEAL", "LIGHTNING_DEAL", "PRICE_DISCOUNT")
ISO = "%Y-%m-%dT%H:%M:%SZ"


def _split(total, weights, rng):
    """``total`` units spread over len(weights) buckets in proportion, summing exactly."""
    shares = [total * w / sum(weights) for w in weights]
    out = [int(s) for s in shares]
    rest = total - sum(out)
    order = sorted(range(len(shares)), key=lambda i: (out[i] - shares[i], rng.random()))
    for i in order[:rest]:
        out[i] += 1
    return out


# Customers buy more in the evening (UTC hours 0-23).
HOUR_WEIGHTS = [3, 2, 2, 1, 1, 1, 1, 2, 3, 4, 5, 5, 6, 6, 6, 6, 7, 7, 8, 8, 7, 6, 5, 4]


class LiveReports:
    def ordered_units(self, product, day):
        """Customer units ordered on a day (the MANUFACTURING sales report's orderedUnits)."""
        return int(round(self._units(product, day) * 1.03))

    def glance_views(self, product, day):
        return int(self._units(product, day) * 11.5)

    def _hourly(self, product, day, kind):
        total = (
            self.ordered_units(product, day) if kind == "sales" else self.glance_views(product, day)
        )
        rng = random.Random(hash_seed(f"{self.cfg.seed}:{kind}-hours:{product.asin}:{day}"))
        return _split(total, HOUR_WEIGHTS, rng)

    def hourly_report(self, rtype, spec, start, end):
        """Rows per full hour in [start, end) and ASIN."""
        spec["dataStartTime"] = start.strftime(ISO)
        spec["dataEndTime"] = end.strftime(ISO)
        if rtype == "GET_VENDOR_REAL_TIME_SALES_REPORT":
            spec["reportOptions"] = {"currencyCode": self.currency}
        else:
            spec.pop("reportOptions", None)
        hour = start.replace(minute=0, second=0, microsecond=0)
        if hour < start:
            hour += HOUR
        rows, cache = [], {}
        while hour + HOUR <= end:
            for p in self.products:
                row = {
                    "startTime": hour.strftime(ISO),
                    "endTime": (hour + HOUR).strftime(ISO),
                    "asin": p.asin,
                }
                day = hour.date()
                if rtype == "GET_VENDOR_REAL_TIME_INVENTORY_REPORT":
                    rng = random.Random(hash_seed(f"{self.cfg.seed}:rt-inv:{p.asin}:{hour}"))
                    row["highlyAvailableInventory"] = int(p.daily_demand * rng.uniform(15, 40))
                else:
                    kind = "sales" if rtype == "GET_VENDOR_REAL_TIME_SALES_REPORT" else "traffic"
                    key = (p.asin, day, kind)
                    if key not in cache:
                        cache[key] = self._hourly(p, day, kind)
                    value = cache[key][hour.hour]
                    if kind == "sales":
                        row["orderedUnits"] = value
                        row["orderedRevenue"] = round(value * float(p.list_price) * 0.92, 2)
                    else:
                        row["glanceViews"] = value
                rows.append(row)
            hour += HOUR
        return {"reportSpecification": spec, "reportData": rows}

    def option_range_report(self, rtype, options):
        if rtype == "GET_PROMOTION_PERFORMANCE_REPORT":
            lo, hi = options["promotionStartDateFrom"], options["promotionStartDateTo"]
            return {"promotions": self._promotions(_when(lo), _when(hi))}
        lo, hi = options["campaignStartDateFrom"], options["campaignStartDateTo"]
        return {"campaigns": self._campaigns(_when(lo), _when(hi))}

    def _starts(self, lo, hi, kind, chance, hours):
        """(seeded stream, start) of each ``kind`` starting in [lo, hi] up to today: a day
        has one with probability ``chance``, starting at one of ``hours`` (UTC)."""
        today = _when_ts(self.clock.now()).date()
        day = lo.date()
        while day <= min(hi.date(), today):
            rng = random.Random(hash_seed(f"{self.cfg.seed}:{kind}:{day}"))
            if rng.random() < chance:
                start = _at(day, rng.choice(hours))
                if lo <= start <= hi:
                    yield rng, start
            day += timedelta(days=1)

    def _promotions(self, lo, hi):
        out = []
        for rng, start in self._starts(lo, hi, "promo", 0.12, range(6, 19)):
            day = start.date()
            length = rng.choice((0.25, 1, 3, 7))
            end = start + timedelta(days=length)
            products = rng.sample(self.products, rng.randint(1, 3))
            included, units, revenue, spent, views = [], 0, 0.0, 0.0, 0
            for p in products:
                sold = max(1, int(self._units(p, day) * length * rng.uniform(0.8, 2.0)))
                price = float(p.list_price) * 0.8
                funding = round(sold * float(p.list_price) * 0.12, 2)
                glances = int(sold * 11.5)
                included.append(
                    {
                        "asin": p.asin,
                        "productName": p.title,
                        "productGlanceViews": glances,
                        "productUnitsSold": sold,
                        "productAmountSpent": funding,
                        "productAmountSpentCurrencyCode": self.currency,
                        "productRevenue": round(sold * price, 2),
                        "productRevenueCurrencyCode": self.currency,
                    }
                )
                units += sold
                revenue += sold * price
                spent += funding
                views += glances
            kind = rng.choice(PROMOTION_TYPES)
            out.append(
                {
                    "promotionId": str(10_000_000_000 + hash_seed(f"promo:{day}") % 10**10),
                    "promotionName": f"Save on {products[0].title}",
                    "vendorCode": self.cfg.vendor_codes[0],
                    "unitsSold": units,
                    "amountSpent": round(spent, 2),
                    "amountSpentCurrencyCode": self.currency,
                    "revenue": round(revenue, 2),
                    "revenueCurrencyCode": self.currency,
                    "startDateTime": start.strftime(ISO),
                    "endDateTime": end.strftime(ISO),
                    "type": kind,
                    "status": "APPROVED",
                    "creationChannel": "SELF-SERVICE",
                    "marketplaceId": self.cfg.marketplace_info.marketplace_id,
                    "fundingAgreementId": str(50_000_000 + hash_seed(f"fa:{day}") % 10**7),
                    "glanceViews": views,
                    "createdDateTime": (start - timedelta(days=14)).strftime(ISO),
                    "lastUpdatedDateTime": start.strftime(ISO),
                    "includedProducts": included,
                }
            )
        return out

    def _campaigns(self, lo, hi):
        out = []
        for rng, start in self._starts(lo, hi, "coupon", 0.08, (8,)):
            day = start.date()
            products = rng.sample(self.products, rng.randint(1, 2))
            clips = rng.randint(50, 2000)
            redemptions = int(clips * rng.uniform(0.1, 0.4))
            discount = round(float(products[0].list_price) * 0.1, 2)
            spent = round(redemptions * (discount + 0.6), 2)
            budget = max(1000.0, round(spent * 2, -2))
            code = "%012X" % (hash_seed(f"coupon:{day}") % 16**12)
            out.append(
                {
                    "campaignId": "AMZ" + code[:10],
                    "campaignName": f"Coupon week of {day.isoformat()}",
                    "vendorCode": self.cfg.vendor_codes[0],
                    "marketplaceId": self.cfg.marketplace_info.marketplace_id,
                    "creationDateTime": (start - timedelta(days=7)).strftime(ISO),
                    "lastUpdatedDateTime": start.strftime(ISO),
                    "isSubscribeAndSave": False,
                    "budgetType": "PER_INDIVIDUAL_COUPON",
                    "totalClips": clips,
                    "totalRedemptions": redemptions,
                    "currencyCode": self.currency,
                    "coupons": [
                        {
                            "couponId": "A" + code,
                            "name": f"{products[0].title} 10% off",
                            "startDateTime": start.strftime(ISO),
                            "endDateTime": (start + timedelta(days=7)).strftime(ISO),
                            "isOncePerCustomer": True,
                            "customerSegment": "All (Default)",
                            "clips": clips,
                            "redemptions": redemptions,
                            "budget": budget,
                            "totalDiscount": round(redemptions * discount, 2),
                            "budgetSpent": spent,
                            "budgetRemaining": round(budget - spent, 2),
                            "budgetPercentageUsed": round(100 * spent / budget, 2),
                            "asins": [
                                {
                                    "asin": p.asin,
                                    "discountType": "PERCENT_OFF_LIST_PRICE",
                                    "discountAmount": 10,
                                }
                                for p in products
                            ],
                        }
                    ],
                }
            )
        return out


def _when(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def _when_ts(ts):
    return datetime.fromtimestamp(ts, timezone.utc)


def _at(day, hour):
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)
