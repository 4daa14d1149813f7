"""Reports API 2021-06-30 for the five vendor analytics reports, built from the sandbox's own
catalogue, demand model and purchase orders, and checked against the official schemas."""

import gzip
import hashlib
import hmac
import json
import math
import random
import uuid
from datetime import date, datetime, timedelta, timezone

from ..spapi_models import validate_report
from .common import ApiError, invalid, iso, parse_dt
from .config import hash_seed

REPORT_TYPES = (
    "GET_VENDOR_SALES_REPORT",
    "GET_VENDOR_INVENTORY_REPORT",
    "GET_VENDOR_FORECASTING_REPORT",
    "GET_VENDOR_TRAFFIC_REPORT",
    "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT",
)
PERIODS = ("DAY", "WEEK", "MONTH", "QUARTER", "YEAR")
REQUIRED_OPTIONS = {
    "GET_VENDOR_SALES_REPORT": {
        "reportPeriod": PERIODS,
        "distributorView": ("MANUFACTURING", "SOURCING"),
        "sellingProgram": ("RETAIL", "BUSINESS", "FRESH"),
    },
    "GET_VENDOR_INVENTORY_REPORT": {
        "reportPeriod": PERIODS,
        "distributorView": ("MANUFACTURING", "SOURCING"),
        "sellingProgram": ("RETAIL", "FRESH"),
    },
    "GET_VENDOR_FORECASTING_REPORT": {"sellingProgram": ("RETAIL", "FRESH")},
    "GET_VENDOR_TRAFFIC_REPORT": {"reportPeriod": PERIODS},
    "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT": {"reportPeriod": PERIODS},
}
DAY = 86400.0


def _d(ts):
    return datetime.fromtimestamp(ts, timezone.utc).date()


def _ts(day):
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()


def _period_end(start, period):
    if period == "DAY":
        return start
    if period == "WEEK":
        return start + timedelta(days=6)
    months = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}[period]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _period_start_ok(day, period):
    if period == "WEEK":
        return day.weekday() == 6  # Sunday
    if period == "MONTH":
        return day.day == 1
    if period == "QUARTER":
        return day.day == 1 and day.month in (1, 4, 7, 10)
    if period == "YEAR":
        return day.day == 1 and day.month == 1
    return True


def periods(start, end, period):
    out = []
    cur = start
    while cur <= end:
        stop = _period_end(cur, period)
        out.append((cur, stop))
        cur = stop + timedelta(days=1)
    return out


def check_options(report_type, options, start, end, today):
    """The reason Amazon would end the report FATAL, or None."""
    required = REQUIRED_OPTIONS[report_type]
    missing = [k for k in required if k not in options]
    if missing:
        return (
            f"This report type requires the {', '.join(missing)} reportOption"
            f"{'s' if len(missing) > 1 else ''} to be specified. Please review the document "
            "for this report type on GitHub, provide a value for this reportOption in your "
            "request, and try again."
        )
    for key, allowed in required.items():
        if options[key] not in allowed:
            return f"Invalid value {options[key]} for reportOption {key}: expected one of " + (
                ", ".join(allowed)
            )
    if report_type == "GET_VENDOR_FORECASTING_REPORT":
        return None
    if start is None or end is None:
        return "This report type requires dataStartTime and dataEndTime."
    if end < start:
        return "dataEndTime must not be before dataStartTime."
    if end > today:
        return "dataEndTime must not be in the future."
    period = options["reportPeriod"]
    if not _period_start_ok(start, period):
        first = {
            "WEEK": "a Sunday",
            "MONTH": "the first day of a month",
            "QUARTER": "the first day of a quarter",
            "YEAR": "January 1",
        }[period]
        return f"For reportPeriod {period}, dataStartTime must be {first}."
    if period != "DAY":
        ends = [p[1] for p in periods(start, end, period)]
        if end not in ends:
            return f"For reportPeriod {period}, dataEndTime must be the last day of a period."
    else:
        if (end - start).days + 1 > 15:
            return "For reportPeriod DAY, the date range must not exceed 15 days."
        if (today - start).days > 1460:
            return "For reportPeriod DAY, dataStartTime must be within the last 1460 days."
    return None


class ReportsMixin:
    # ---- API -----------------------------------------------------------------------

    def create_report(self, body):
        now = self.tick()
        rtype = body.get("reportType")
        if rtype not in REPORT_TYPES:
            raise invalid(
                f"Report type {rtype} is not available in the Acorn sandbox",
                "Supported: " + ", ".join(REPORT_TYPES),
            )
        mids = body.get("marketplaceIds") or []
        own = self.cfg.marketplace_info.marketplace_id
        if mids != [own]:
            raise invalid(
                "Vendor reports take exactly one marketplaceId, the account's",
                f"Send marketplaceIds [{own}] ({self.cfg.marketplace_info.name}); got {mids}.",
            )
        options = body.get("reportOptions") or {}
        if not isinstance(options, dict) or not all(isinstance(v, str) for v in options.values()):
            raise invalid("reportOptions must be an object of string values")
        start = (
            parse_dt("dataStartTime", body["dataStartTime"]) if body.get("dataStartTime") else None
        )
        end = parse_dt("dataEndTime", body["dataEndTime"]) if body.get("dataEndTime") else None
        if start is not None and start > now:
            raise invalid("dataStartTime must be prior to or equal to the current date and time")
        reason = check_options(
            rtype, options, _d(start) if start else None, _d(end) if end else None, _d(now)
        )
        with self.store.lock:
            count = self.store.one("SELECT COUNT(*) FROM reports")[0]
            rid = str(50_000_000_000 + hash_seed(self.cfg.seed) % 10**9 + count + 1)
            self.store.x(
                "INSERT INTO reports (id, report_type, options, data_start, data_end, "
                "marketplace_ids, created, fatal_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (rid, rtype, json.dumps(options), start, end, json.dumps(mids), now, reason),
            )
        return {"reportId": rid}

    def _report_status(self, row, now):
        if row["final_status"]:
            return row["final_status"]
        queued = row["created"] + self.cfg.report_queue_seconds
        done = queued + self.cfg.report_processing_seconds
        if now < queued:
            return "IN_QUEUE"
        if now < done:
            return "IN_PROGRESS"
        return "FATAL" if row["fatal_reason"] else "DONE"

    def report_json(self, row, now):
        status = self._report_status(row, now)
        out = {
            "reportId": row["id"],
            "reportType": row["report_type"],
            "marketplaceIds": json.loads(row["marketplace_ids"]),
            "createdTime": iso(row["created"]),
            "processingStatus": status,
        }
        if row["data_start"] is not None:
            out["dataStartTime"] = iso(row["data_start"])
        if row["data_end"] is not None:
            out["dataEndTime"] = iso(row["data_end"])
        queued = row["created"] + self.cfg.report_queue_seconds
        if status in ("IN_PROGRESS", "DONE", "FATAL"):
            out["processingStartTime"] = iso(queued)
        if status in ("DONE", "FATAL"):
            out["processingEndTime"] = iso(queued + self.cfg.report_processing_seconds)
            out["reportDocumentId"] = self._ensure_document(row)
        return out

    def get_report(self, report_id):
        now = self.tick()
        row = self.store.one("SELECT * FROM reports WHERE id = ?", (report_id,))
        if row is None:
            raise ApiError(404, "NotFound", f"Report {report_id} was not found")
        return self.report_json(row, now)

    def list_reports(self, params):
        now = self.tick()
        if params.get("nextToken"):
            if len(params) > 1:
                raise invalid("When nextToken is sent, send no other query parameter")
            try:
                state = json.loads(bytes.fromhex(params["nextToken"]))
                params, offset = state["p"], int(state["o"])
            except (ValueError, KeyError, TypeError):
                raise invalid("Invalid nextToken") from None
        else:
            offset = 0
        types = [t for t in (params.get("reportTypes") or "").split(",") if t]
        statuses = [s for s in (params.get("processingStatuses") or "").split(",") if s]
        if not types:
            raise invalid("reportTypes is required unless nextToken is sent")
        try:
            size = int(params.get("pageSize") or 10)
        except ValueError:
            raise invalid("pageSize must be an integer 1..100") from None
        if not 1 <= size <= 100:
            raise invalid("pageSize must be between 1 and 100")
        since = (
            parse_dt("createdSince", params["createdSince"])
            if params.get("createdSince")
            else now - 90 * DAY
        )
        until = (
            parse_dt("createdUntil", params["createdUntil"]) if params.get("createdUntil") else now
        )
        marks = ",".join("?" * len(types))
        rows = self.store.q(
            f"SELECT * FROM reports WHERE report_type IN ({marks}) AND created BETWEEN ? AND ? "
            "ORDER BY created DESC, id DESC",
            types + [since, until],
        )
        reports = [self.report_json(r, now) for r in rows]
        if statuses:
            reports = [r for r in reports if r["processingStatus"] in statuses]
        out = {"reports": reports[offset : offset + size]}
        if offset + size < len(reports):
            out["nextToken"] = json.dumps({"p": params, "o": offset + size}).encode().hex()
        return out

    def cancel_report(self, report_id):
        now = self.tick()
        row = self.store.one("SELECT * FROM reports WHERE id = ?", (report_id,))
        if row is None:
            raise ApiError(404, "NotFound", f"Report {report_id} was not found")
        status = self._report_status(row, now)
        if status != "IN_QUEUE":
            raise invalid(f"Report {report_id} is {status}; only IN_QUEUE reports can be cancelled")
        with self.store.lock:
            self.store.x("UPDATE reports SET final_status = 'CANCELLED' WHERE id = ?", (report_id,))

    def get_document(self, document_id, base_url):
        now = self.tick()
        row = self.store.one("SELECT id FROM documents WHERE id = ?", (document_id,))
        if row is None:
            raise ApiError(404, "NotFound", f"Report document {document_id} was not found")
        expires = int(now + self.cfg.document_url_ttl)
        sig = self._sign(document_id, expires)
        return {
            "reportDocumentId": document_id,
            "url": f"{base_url}/_sandbox/documents/{document_id}?expires={expires}&signature={sig}",
            "compressionAlgorithm": "GZIP",
        }

    def _sign(self, document_id, expires):
        key = self.cfg.client_secret.encode()
        return hmac.new(key, f"{document_id}:{expires}".encode(), hashlib.sha256).hexdigest()[:32]

    def download(self, document_id, expires, signature):
        """Bytes of the document if the pre-signed URL is valid, else an (S3-like) reason."""
        now = self.clock.now()
        try:
            expires = int(expires)
        except (TypeError, ValueError):
            return None, "Malformed URL"
        if not hmac.compare_digest(self._sign(document_id, expires), signature or ""):
            return None, "The request signature we calculated does not match the signature you "
        if now > expires:
            return None, "Request has expired"
        row = self.store.one("SELECT content FROM documents WHERE id = ?", (document_id,))
        if row is None:
            return None, "The specified key does not exist."
        return bytes(row["content"]), None

    # ---- documents -----------------------------------------------------------------

    def _ensure_document(self, row):
        if row["document_id"]:
            return row["document_id"]
        with self.store.lock:
            current = self.store.one("SELECT document_id FROM reports WHERE id = ?", (row["id"],))
            if current["document_id"]:
                return current["document_id"]
            if row["fatal_reason"]:
                doc = {"errorDetails": row["fatal_reason"]}
            else:
                doc = self.build_report(row)
                validate_report(row["report_type"], doc)
            content = gzip.compress(json.dumps(doc, separators=(",", ":")).encode(), mtime=0)
            doc_id = "amzn1.spdoc.1.4.%s.%s.T%s.0" % (
                self.cfg.marketplace_info.region.lower(),
                uuid.uuid4(),
                row["id"],
            )
            done_at = (
                row["created"]
                + self.cfg.report_queue_seconds
                + (self.cfg.report_processing_seconds)
            )
            self.store.x(
                "INSERT INTO documents (id, report_id, created, content) VALUES (?, ?, ?, ?)",
                (doc_id, row["id"], done_at, content),
            )
            self.store.x("UPDATE reports SET document_id = ? WHERE id = ?", (doc_id, row["id"]))
        return doc_id

    def _units(self, product, day):
        """Customer units Amazon shipped of one ASIN on one day (the demand model)."""
        rng = random.Random(hash_seed(f"{self.cfg.seed}:sales:{product.asin}:{day.toordinal()}"))
        season = 1.0 + 0.25 * math.sin(2 * math.pi * (day.timetuple().tm_yday - 80) / 365.0)
        season *= 1.6 if (day.month == 11 and day.day >= 20) or day.month == 12 else 1.0
        mean = product.daily_demand * season
        return max(0, int(round(rng.gauss(mean, math.sqrt(mean)))))

    def build_report(self, row):
        rtype = row["report_type"]
        options = json.loads(row["options"])
        today = _d(self.clock.now())
        spec = {
            "reportType": rtype,
            "reportOptions": options,
            "lastUpdatedDate": today.isoformat(),
            "marketplaceIds": json.loads(row["marketplace_ids"]),
        }
        if rtype == "GET_VENDOR_FORECASTING_REPORT":
            return {"reportSpecification": spec, "forecastByAsin": self._forecast(today)}
        start, end = _d(row["data_start"]), _d(row["data_end"])
        spec["dataStartTime"] = start.isoformat()
        spec["dataEndTime"] = end.isoformat()
        spans = periods(start, end, options["reportPeriod"])
        builder = {
            "GET_VENDOR_SALES_REPORT": self._sales,
            "GET_VENDOR_INVENTORY_REPORT": self._inventory,
            "GET_VENDOR_TRAFFIC_REPORT": self._traffic,
            "GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT": self._margin,
        }[rtype]
        return {"reportSpecification": spec, **builder(spans, options)}

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
                units = self._period_units(p, start, stop)
                ordered = int(round(units * 1.03))
                price = float(p.list_price) * 0.92
                row = {
                    "startDate": start.isoformat(),
                    "endDate": stop.isoformat(),
                    "asin": p.asin,
                    "customerReturns": int(units * 0.02),
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

    def _inventory(self, spans, options):
        cost = {p.asin: float(p.net_cost) for p in self.products}
        open_units = {
            r["asin"]: r["units"]
            for r in self.store.q(
                "SELECT i.asin, SUM(MAX(i.accepted - i.received, 0)) AS units FROM items i "
                "JOIN pos p ON p.number = i.po WHERE p.status = 'OPEN' AND p.created <= ? "
                "GROUP BY i.asin",
                (self.clock.now(),),
            )
        }
        aggregate, by_asin = [], []
        for start, stop in spans:
            lo, hi = _ts(start), _ts(stop) + DAY
            received = {
                r["asin"]: (r["units"], r["lead"])
                for r in self.store.q(
                    "SELECT i.asin, SUM(i.received) AS units, "
                    "AVG((i.last_receive - p.created) / 86400.0) AS lead FROM items i "
                    "JOIN pos p ON p.number = i.po WHERE i.last_receive >= ? AND "
                    "i.last_receive < ? GROUP BY i.asin",
                    (lo, hi),
                )
            }
            confirmed = {
                r["asin"]: (r["acc"], r["ord"])
                for r in self.store.q(
                    "SELECT i.asin, SUM(i.accepted) AS acc, SUM(CASE WHEN i.cancelled THEN 0 "
                    "ELSE i.ordered END) AS ord FROM items i JOIN pos p ON p.number = i.po "
                    "WHERE p.created >= ? AND p.created < ? AND i.confirmation != 'UNCONFIRMED' "
                    "GROUP BY i.asin",
                    (lo, hi),
                )
            }
            tot = {
                "recv": 0,
                "recv_cost": 0.0,
                "open": 0,
                "onhand": 0,
                "onhand_cost": 0.0,
                "acc": 0,
                "ord": 0,
                "sold": 0,
                "unsell": 0,
            }
            leads = []
            for p in self.products:
                rng = random.Random(hash_seed(f"{self.cfg.seed}:inv:{p.asin}:{stop}"))
                units, lead = received.get(p.asin, (0, None))
                units = int(units or 0)
                acc, ordered = confirmed.get(p.asin, (0, 0))
                sold = self._period_units(p, start, stop)
                onhand = int(p.daily_demand * rng.uniform(20, 45))
                unsell = int(onhand * rng.uniform(0.0, 0.03))
                row = {
                    "startDate": start.isoformat(),
                    "endDate": stop.isoformat(),
                    "asin": p.asin,
                    "netReceivedInventoryCost": self._amount(units * cost[p.asin]),
                    "netReceivedInventoryUnits": units,
                    "openPurchaseOrderUnits": int(open_units.get(p.asin) or 0),
                    "sellThroughRate": round(sold / (sold + onhand), 4) if sold + onhand else 0.0,
                    "unfilledCustomerOrderedUnits": int(sold * rng.uniform(0, 0.02)),
                    "sellableOnHandInventoryCost": self._amount(onhand * cost[p.asin]),
                    "sellableOnHandInventoryUnits": onhand,
                    "unsellableOnHandInventoryCost": self._amount(unsell * cost[p.asin]),
                    "unsellableOnHandInventoryUnits": unsell,
                }
                if ordered:
                    row["vendorConfirmationRate"] = round(min(acc / ordered, 1.0), 4)
                if lead is not None:
                    row["averageVendorLeadTimeDays"] = round(max(lead, 0.0), 1)
                    leads.append(row["averageVendorLeadTimeDays"])
                if options["reportPeriod"] != "DAY":
                    aged = int(onhand * rng.uniform(0.0, 0.1))
                    row["aged90PlusDaysSellableInventoryCost"] = self._amount(aged * cost[p.asin])
                    row["aged90PlusDaysSellableInventoryUnits"] = aged
                    row["unhealthyInventoryCost"] = self._amount(aged * cost[p.asin] * 0.5)
                    row["unhealthyInventoryUnits"] = aged // 2
                by_asin.append(row)
                tot["recv"] += units
                tot["recv_cost"] += units * cost[p.asin]
                tot["open"] += row["openPurchaseOrderUnits"]
                tot["onhand"] += onhand
                tot["onhand_cost"] += onhand * cost[p.asin]
                tot["acc"] += int(acc or 0)
                tot["ord"] += int(ordered or 0)
                tot["sold"] += sold
                tot["unsell"] += unsell
            agg = {
                "startDate": start.isoformat(),
                "endDate": stop.isoformat(),
                "netReceivedInventoryCost": self._amount(tot["recv_cost"]),
                "netReceivedInventoryUnits": tot["recv"],
                "openPurchaseOrderUnits": tot["open"],
                "sellableOnHandInventoryCost": self._amount(tot["onhand_cost"]),
                "sellableOnHandInventoryUnits": tot["onhand"],
                "unsellableOnHandInventoryUnits": tot["unsell"],
                "sellThroughRate": round(tot["sold"] / (tot["sold"] + tot["onhand"]), 4)
                if tot["sold"] + tot["onhand"]
                else 0.0,
                "procurableProductOutOfStockRate": 0.02,
            }
            if tot["ord"]:
                agg["vendorConfirmationRate"] = round(min(tot["acc"] / tot["ord"], 1.0), 4)
            if leads:
                agg["averageVendorLeadTimeDays"] = round(sum(leads) / len(leads), 1)
            aggregate.append(agg)
        return {"inventoryAggregate": aggregate, "inventoryByAsin": by_asin}

    def _forecast(self, today):
        # Weeks run Sunday..Saturday; the forecast starts with next week.
        start = today + timedelta(days=(6 - today.weekday()) % 7 or 7)
        rows = []
        for p in self.products:
            for week in range(26):
                ws = start + timedelta(days=7 * week)
                mean = round(self._period_units(p, ws, ws + timedelta(days=6)) * 1.0, 1)
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
