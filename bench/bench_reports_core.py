"""How fast the pure reader turns vendor report documents into bulk-loadable rows.

    python3 bench/bench_reports_core.py [--asins 5000] [--days 15] [--repeat 3]

Target context (issue 15): two years of DAY sales, inventory and traffic for 5,000 ASINs is
about 11 million rows, which the Odoo side must load at 100,000 rows/s or more; this measures
the pure part of that path. Each document is one 15-day DAY request as Amazon gives it
(gzip'd JSON, per-ASIN rows plus the aggregate, a few nulls in required fields and one
undocumented field). Per report type it prints rows/s for

- ``decode``: gunzip + json.loads only (the floor any reader pays, the baseline);
- ``read``: decode + Acorn's checks (``read_document``: rows and typed columns);
- ``read+frame``: the above + the typed pandas DataFrame the bulk load takes;
- ``careful``: ``read_document(careful=True)``, the row-by-row road (nested reports take it);
- ``jsonschema``: decode + Amazon's full schema with jsonschema (what ``strict`` adds).
"""

import argparse
import gzip
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from acorn_vendor.core.reports.documents import read_document  # noqa: E402
from acorn_vendor.core.spapi_models import PayloadInvalid, validate_report  # noqa: E402
from bench.common import machine  # noqa: E402

START = date(2026, 1, 4)
OPTIONS = {"reportPeriod": "DAY", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}


def money(rng, scale):
    return {"amount": round(rng.uniform(0, scale), 2), "currencyCode": "USD"}


def sales_row(rng, day, asin):
    units = rng.randint(0, 40)
    return {
        "startDate": day,
        "endDate": day,
        "asin": asin,
        "customerReturns": rng.randint(0, 2),
        "orderedRevenue": money(rng, 900),
        "orderedUnits": units + rng.randint(0, 2),
        "shippedCogs": money(rng, 400),
        "shippedRevenue": money(rng, 900),
        "shippedUnits": units,
    }


def inventory_row(rng, day, asin):
    return {
        "startDate": day,
        "endDate": day,
        "asin": asin,
        "vendorConfirmationRate": round(rng.random(), 4),
        "netReceivedInventoryCost": money(rng, 2000),
        "netReceivedInventoryUnits": rng.randint(0, 200),
        "openPurchaseOrderUnits": None if rng.random() < 0.02 else rng.randint(0, 500),
        "averageVendorLeadTimeDays": round(rng.uniform(5, 20), 1),
        "sellThroughRate": round(rng.random(), 4),
        "unfilledCustomerOrderedUnits": rng.randint(0, 5),
        "sellableOnHandInventoryCost": money(rng, 9000),
        "sellableOnHandInventoryUnits": rng.randint(0, 900),
        "unsellableOnHandInventoryCost": money(rng, 90),
        "unsellableOnHandInventoryUnits": rng.randint(0, 9),
        "sourceableProductOutOfStockRate": 0.01,  # undocumented, as in models#647
    }


def traffic_row(rng, day, asin):
    return {"startDate": day, "endDate": day, "asin": asin, "glanceViews": rng.randint(0, 500)}


KINDS = {
    "GET_VENDOR_SALES_REPORT": ("sales", sales_row, OPTIONS),
    "GET_VENDOR_INVENTORY_REPORT": ("inventory", inventory_row, OPTIONS),
    "GET_VENDOR_TRAFFIC_REPORT": ("traffic", traffic_row, {"reportPeriod": "DAY"}),
}


def document(report_type, asins, days, seed=1, start=START):
    prefix, make, options = KINDS[report_type]
    rng = random.Random(seed)
    dates = [(start + timedelta(days=i)).isoformat() for i in range(days)]
    rows = [make(rng, day, asin) for day in dates for asin in asins]
    aggregate = [{k: v for k, v in make(rng, day, "X").items() if k != "asin"} for day in dates]
    for row in aggregate:
        row.pop("sourceableProductOutOfStockRate", None)
    return {
        "reportSpecification": {
            "reportType": report_type,
            "reportOptions": options,
            "lastUpdatedDate": "2026-02-01",
            "dataStartTime": dates[0],
            "dataEndTime": dates[-1],
            "marketplaceIds": ["ATVPDKIKX0DER"],
        },
        f"{prefix}Aggregate": aggregate,
        f"{prefix}ByAsin": rows,
    }


def best(fn, repeat):
    """Least CPU time of ``repeat`` runs: CPU, not wall time, as the machine is shared."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        fn()
        times.append(time.process_time() - started)
    return min(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asins", type=int, default=5000)
    parser.add_argument("--days", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(machine())
    asins = [f"B0{i:08d}" for i in range(args.asins)]
    total_rows = total_read = total_frame = 0.0
    for report_type in KINDS:
        doc = document(report_type, asins, args.days)
        raw = gzip.compress(json.dumps(doc, separators=(",", ":")).encode(), 6)
        rows = len(doc[f"{KINDS[report_type][0]}ByAsin"])
        decode = best(lambda raw=raw: json.loads(gzip.decompress(raw)), args.repeat)
        read = best(lambda raw=raw: read_document(raw), args.repeat)
        framed = best(lambda raw=raw: read_document(raw).frame(), args.repeat)
        careful = best(lambda raw=raw: read_document(raw, careful=True), 1)
        sample = {
            **doc,
            next(k for k in doc if k.endswith("ByAsin")): doc[
                next(k for k in doc if k.endswith("ByAsin"))
            ][: min(rows, 20000)],
        }
        started = time.process_time()
        try:
            validate_report(report_type, sample)
        except PayloadInvalid:
            pass  # nulls in required fields: Amazon's schema refuses what Amazon sends
        schema_rate = min(rows, 20000) / (time.process_time() - started)
        print(
            f"{report_type}: {rows:,} rows, {len(raw) / 1e6:.1f} MB gzip | "
            f"decode {rows / decode:,.0f} rows/s | read {rows / read:,.0f} rows/s | "
            f"read+frame {rows / framed:,.0f} rows/s | careful {rows / careful:,.0f} rows/s | "
            f"jsonschema {schema_rate:,.0f} rows/s"
        )
        total_rows += rows
        total_read += read
        total_frame += framed
    print(
        f"all three: read {total_rows / total_read:,.0f} rows/s, read+frame "
        f"{total_rows / total_frame:,.0f} rows/s; 11 million rows would take "
        f"{11e6 / (total_rows / total_frame) / 60:.1f} min of reading on one core"
    )


if __name__ == "__main__":
    main()
