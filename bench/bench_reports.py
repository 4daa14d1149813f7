"""Vendor reports in Odoo at the issue's size: two years of DAY sales, inventory and traffic for
5,000 ASINs (about 11 million rows) loaded by Acorn, the ORM baseline beside it in the same run,
the incremental KPI refresh after a day's import, and the dashboard's queries on that data.

    python3 bench/bench_reports.py                      # the issue's size (5,000 ASINs x 730 days)
    python3 bench/bench_reports.py --asins 500 --days 60    # a quick run on a loaded machine
    python3 bench/bench_reports.py --reload             # load the data again (after a code change)

What it does, on the durable benchmark cluster (bench/common.py):

1. Documents: 15-day DAY windows back from the last day, one per report type (the generator
   of ``bench_reports_core``: per-ASIN rows plus the aggregate, nulls in required fields, one
   undocumented field), gzip'd JSON cached in ``.cache/bench-reports/`` (made once per size).
2. Data database ``acorn_bench_reports_<asins>x<days>``, copied from the benchmark database
   and kept: when it lacks the data, every document is loaded by the import path the jobs
   take (``_acorn_load_document``: raw document archived, read, rows replaced by COPY), one
   commit per document as one job each, the KPI table refreshed once at the end (measured
   apart: the jobs refresh the weeks of each document instead). Reruns reuse the data and
   skip this step.
3. In a savepoint on a second account, rolled back: the ORM baseline (the document read by
   the same core, its rows as ``vals`` dicts, products matched with one ``search_read``,
   ``create(vals_list)`` per 1,000 rows) beside Acorn's import of the same documents (the
   newest window of each type: 75,000 rows each at full size), asserted to store the same
   values (the ORM writes 0 where Amazon sent null; compared as 0, counted).
4. A day's import: one more day of sales, inventory and traffic for every ASIN through the same
   path, with the incremental KPI refresh of its week, rolled back.
5. The dashboard: the ``web_read_group`` / ``read_group`` calls the Amazon Vendor dashboard's
   charts and pivots make (its default period, the last 90 days), and the KPI pivot and
   graph views' first queries, each timed (best of three). bench_dashboard_browser.py times
   the dashboard itself in a browser.

Prints rows/s wall and per CPU-second (Odoo + its PostgreSQL backend), queries, peak memory.
"""

import argparse
import gzip
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from bench.bench_reports_core import KINDS, document  # noqa: E402
from tools import dev  # noqa: E402

LAST_DAY = date(2026, 11, 28)  # a Saturday: the last window ends a week
WINDOW = 15

INSIDE_ODOO = r"""
import json, math, resource, time
from datetime import date, timedelta
from odoo.addons.acorn_vendor.core.reports.documents import read_document
from odoo.addons.acorn_vendor.models.acorn_vc_report_document import STORAGE
cfg = json.loads(%(cfg)r)
out = {"dashboard": {}, "dashboard_per_asin": {}}
env = env(context=dict(env.context, tracking_disable=True))
Document = env["acorn.vc.report.document"]
Account = env["acorn.vc.account"]
Kpi = env["acorn.vc.report.kpi"]

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def new_document(account, report_type, start, end):
    # The document the planner records for a window (the options it asks for).
    options = cfg["options"][report_type]
    return Document.create({
        "account_id": account.id, "report_type": report_type, "state": "requested",
        "options": json.dumps(options), "reason": "backfill",
        "period_start": start, "period_end": end,
        "selling_program": options.get("sellingProgram"),
        "distributor_view": options.get("distributorView"),
        "report_period": options.get("reportPeriod")})

def import_file(account, report_type, path, start, end, kpi_later=True):
    raw = open(path, "rb").read()
    record = new_document(account, report_type, start, end)
    ctx = dict(env.context, acorn_kpi_later=kpi_later)
    rows = record.with_context(ctx)._acorn_load_document(raw)
    assert record.state == "done", record.error_details
    return rows + record.aggregate_count

account = Account.search([("name", "=", "Bench reports")], limit=1)
if cfg["phase"] == "setup":  # is the data there? if not, an empty account and the products
    expected = cfg["expected_rows"]
    loaded = 0
    if account and not cfg["reload"]:
        env.cr.execute("SELECT SUM(row_count + aggregate_count) FROM acorn_vc_report_document "
                       "WHERE account_id = %%s AND state = 'done'", [account.id])
        loaded = env.cr.fetchone()[0] or 0
    if loaded != expected:
        if account:
            account.unlink()  # its documents and their rows go with it
        account = Account.create({"name": "Bench reports", "marketplace_code": "US"})
        known = cfg["asins"][: len(cfg["asins"]) // 2]  # half the ASINs are products in Odoo
        found = env["product.product"].search([("amz_asin", "in", known)]).mapped("amz_asin")
        env["product.product"].create([{"name": f"Bench {a}", "amz_asin": a, "type": "consu"}
                                       for a in known if a not in set(found)])
        env.cr.commit()
    print("ACORN-BENCH " + json.dumps({"load": loaded != expected}))
    raise SystemExit(0)
if cfg["phase"] == "load":  # one loader: its share of the documents, one commit each
    runs, total, started = [], 0, time.time()
    for report_type, path, start, end in cfg["files"]:
        count, timing = bench_time(lambda: import_file(account, report_type, path, start, end))
        env.cr.commit()  # one job, one transaction
        runs.append(timing)
        total += count
    out = {"rows": total, "documents": len(runs), "peak_mb": peak_mb(), "started": started,
           "ended": time.time(),
           **{k: sum(t[k] for t in runs) for k in ("s", "odoo_cpu", "pg_cpu", "queries")}}
    print("ACORN-BENCH " + json.dumps(out))
    raise SystemExit(0)
if cfg["loaded"]:
    count, timing = bench_time(lambda: Kpi._acorn_refresh(account.ids))
    env.cr.commit()
    out["kpi_full"] = dict(timing, rows=count)
    env.cr.execute("ANALYZE acorn_vc_report_sales, acorn_vc_report_inventory, "
                   "acorn_vc_report_traffic, acorn_vc_report_kpi")

# 3. ORM baseline beside Acorn on the newest window of each type, on another account.
def fingerprint(model, account, nulls_as_zero=False):
    columns = ["selling_program", "distributor_view", "report_period", "period_start",
               "period_end", "asin", "is_aggregate", "product_id"]
    for name in model._acorn_fields.values():
        numeric = model._fields[name].type in ("integer", "float")
        columns.append(f"COALESCE({name}, 0)" if nulls_as_zero and numeric else name)
    env.flush_all()
    rows = "SELECT ROW(%%s)::text AS t FROM %%s WHERE account_id = %%%%s" %% (
        ", ".join(columns), model._table)
    env.cr.execute("SELECT COUNT(*), md5(string_agg(t, '|' ORDER BY t)) FROM (%%s) rows" %% rows,
                   [account.id])
    return list(env.cr.fetchone())

def orm_import(account, report_type, path, start, end):
    # What an experienced Odoo developer writes: the same reader, products in one
    # search_read, the rows as vals dicts, create() per 1,000, then a flush.
    raw = open(path, "rb").read()
    parsed = read_document(raw, expected_type=report_type)
    record = new_document(account, report_type, start, end)
    model = env[STORAGE[report_type]].sudo()
    found = env["product.product"].search_read([("amz_asin", "in", cfg["asins"])], ["amz_asin"])
    products = {p["amz_asin"]: p["id"] for p in found}
    start, end = ("startDate", "endDate")
    vals = []
    for section, aggregate in (("rows", False), ("aggregate", True)):
        columns = parsed.columns[section]
        names = list(columns)
        fields = model._acorn_fields.items()
        for values in zip(*columns.values()):
            row = dict(zip(names, values))
            vals.append({"account_id": account.id, "document_id": record.id,
                         "selling_program": parsed.options.get("sellingProgram"),
                         "distributor_view": parsed.options.get("distributorView"),
                         "report_period": parsed.options.get("reportPeriod"),
                         "period_start": row[start], "period_end": row[end],
                         "asin": row.get("asin"), "is_aggregate": aggregate,
                         "product_id": products.get(row.get("asin")),
                         **{column: row.get(amazon) for amazon, column in fields}})
    for i in range(0, len(vals), 1000):
        model.create(vals[i:i + 1000])
    env.flush_all()
    return len(vals)

compare = {}
for report_type, path, start, end in cfg["newest"]:
    model = env[STORAGE[report_type]].sudo()
    result = {}
    for name, fn in (("orm", orm_import), ("acorn", import_file)):
        env.cr.execute("SAVEPOINT bench_compare")
        other = Account.create({"name": "Bench compare", "marketplace_code": "US"})
        count, timing = bench_time(lambda: fn(other, report_type, path, start, end))
        result["rows"] = count
        result[name] = dict(timing, fingerprint=fingerprint(model, other),
                            as_orm=fingerprint(model, other, nulls_as_zero=True))
        if name == "acorn":
            numeric = [f for f in model._acorn_fields.values()
                       if model._fields[f].type in ("integer", "float")]
            env.cr.execute("SELECT %%s FROM %%s WHERE account_id = %%%%s" %% (
                " + ".join(f"COUNT(*) FILTER (WHERE {f} IS NULL)" for f in numeric),
                model._table), [other.id])
            result["nulls"] = env.cr.fetchone()[0]
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_compare")
        env.invalidate_all()
    assert result["acorn"]["as_orm"] == result["orm"]["fingerprint"], report_type
    compare[report_type] = result
out["compare"] = compare

# 4. A day's import with its incremental KPI refresh (rolled back).
env.cr.execute("SAVEPOINT bench_day")
day_runs = []
for report_type, path, start, end in cfg["day"]:
    count, timing = bench_time(
        lambda: import_file(account, report_type, path, start, end, kpi_later=False))
    day_runs.append(dict(timing, rows=count))
out["day"] = day_runs
env.cr.execute("ROLLBACK TO SAVEPOINT bench_day")
env.invalidate_all()

# 5. The dashboard's queries (default period: the last 90 days, the day after the data's end).
today = date.fromisoformat(cfg["last_day"]) + timedelta(days=1)
since = today - timedelta(days=89)
period = [("week_start", ">=", str(since)), ("week_start", "<=", str(today))]
kpi_measures = ["shipped_units:sum", "shipped_revenue:sum", "customer_returns:sum",
                "return_rate:avg", "glance_views:sum", "net_received_inventory_units:sum",
                "vendor_confirmation_rate:avg", "average_vendor_lead_time_days:avg",
                "sell_through_rate:avg", "__count"]
stock_measures = ["sellable_on_hand_units:avg", "unsellable_on_hand_units:avg",
                  "aged90_plus_days_sellable_units:avg", "open_purchase_order_units:avg", "__count"]

def same(a, b):
    # the same answer, floats to 1e-9 (sums taken in another order)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return (isinstance(b, (list, tuple)) and len(a) == len(b)
                and all(same(x, y) for x, y in zip(a, b)))
    if isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def dashboard_calls(Kpi):
    calls = {}
    for measure in ("shipped_units", "shipped_revenue", "glance_views",
                    "net_received_inventory_units"):
        calls[f"chart: {measure} by week"] = lambda m=measure: Kpi.web_read_group(
            period, [f"{m}:sum"], ["week_start:day"], lazy=False)
    for label, measures, groupby in (("pivot: KPIs by account", kpi_measures, ["account_id"]),
                                     ("pivot: KPIs by Amazon week", kpi_measures,
                                      ["week_start:day"]),
                                     ("pivot: inventory health by ASIN", stock_measures,
                                      ["asin"])):
        calls[label] = lambda m=measures, g=groupby: (Kpi.read_group(period, m, [], lazy=False),
                                                      Kpi.read_group(period, m, g, lazy=False))
    pivot_measures = ["shipped_units:sum", "customer_returns:sum", "vendor_confirmation_rate:avg"]
    calls["KPI pivot view: account x month, all weeks"] = lambda: [
        Kpi.read_group([], pivot_measures, groupby, lazy=False)
        for groupby in ([], ["account_id"], ["week_start:month"],
                        ["account_id", "week_start:month"])]
    calls["KPI pivot view expanded: product x month, all weeks"] = lambda: Kpi.read_group(
        [], pivot_measures, ["product_id", "week_start:month"], lazy=False)
    calls["KPI graph view: shipped units by week, all weeks"] = lambda: Kpi.web_read_group(
        [], ["shipped_units:sum"], ["week_start:week"], lazy=False)
    calls["KPI list view: first 80 rows and count"] = lambda: (Kpi.search_read([], limit=80),
                                                             Kpi.search_count([]))
    return calls


# Each question as Acorn answers it (from the per-account weekly rows where they answer it the
# same), and as the per-ASIN rows alone answer it (the baseline: acorn_kpi_per_asin), with
# the answers compared.
per_asin = Kpi.with_context(acorn_kpi_per_asin=True)
for (label, call), baseline in zip(dashboard_calls(Kpi).items(),
                                   dashboard_calls(per_asin).values(), strict=True):
    runs = [bench_time(call)[1] for _ in range(3)]
    out["dashboard"][label] = bench_best(runs)
    answer, base_answer = call(), baseline()
    runs = [bench_time(baseline)[1] for _ in range(3)]
    out["dashboard_per_asin"][label] = dict(bench_best(runs), same=same(answer, base_answer))
env.cr.execute("SELECT COUNT(*) FROM acorn_vc_report_kpi")
out["kpi_rows"] = env.cr.fetchone()[0]
env.cr.rollback()
out["peak_mb"] = peak_mb()
print("ACORN-BENCH " + json.dumps(out))
"""


def windows(days):
    """(first, last) day of each 15-day window, newest first, covering ``days`` days."""
    out, end = [], LAST_DAY
    first_day = LAST_DAY - timedelta(days=days - 1)
    while end >= first_day:
        start = max(first_day, end - timedelta(days=WINDOW - 1))
        out.append((start, end))
        end = start - timedelta(days=1)
    return out


def write_documents(folder, asins, days):
    """The documents of this size, made once and kept in ``folder``; (type, path) newest first."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for index, (start, end) in enumerate(windows(days)):
        for report_type in KINDS:
            path = folder / f"{report_type}-{start}.json.gz"
            if not path.exists():
                doc = document(report_type, asins, (end - start).days + 1, seed=index, start=start)
                data = gzip.compress(json.dumps(doc, separators=(",", ":")).encode(), 6)
                path.with_suffix(".tmp").write_bytes(data)
                path.with_suffix(".tmp").rename(path)
            files.append((report_type, str(path), str(start), str(end)))
    day = LAST_DAY + timedelta(days=1)
    day_files = []
    for report_type in KINDS:
        path = folder / f"{report_type}-{day}-day.json.gz"
        if not path.exists():
            doc = document(report_type, asins, 1, seed=99, start=day)
            path.write_bytes(gzip.compress(json.dumps(doc, separators=(",", ":")).encode(), 6))
        day_files.append((report_type, str(path), str(day), str(day)))
    return files, day_files


def per_second(rows, t):
    cpu = t["odoo_cpu"] + t["pg_cpu"]
    timing = common.timing(t)
    return f"{rows / t['s']:,.0f} rows/s wall, {rows / cpu:,.0f} per CPU-second ({timing})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--asins", type=int, default=5000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--reload", action="store_true", help="load the data again")
    parser.add_argument(
        "--workers", type=int, default=2, help="loaders at once, as queue_job workers (2 cores)"
    )
    common.add_database_options(parser)
    args = parser.parse_args()

    odoo, pg = common.odoo_and_postgres(dev)
    common.ensure_database(dev, odoo, pg, args.db, update=args.update)
    data_db = f"acorn_bench_reports_{args.asins}x{args.days}"
    if args.update or args.reload:
        pg.drop_db(data_db)
    if not pg.db_exists(data_db):
        dev.say(f"copying {args.db} to {data_db} (kept for later runs)")
        pg.psql(f'CREATE DATABASE "{data_db}" TEMPLATE "{args.db}"')
        common.copy_filestore(dev, pg, args.db, data_db)
    asins = [f"B0{i:08d}" for i in range(args.asins)]
    folder = dev.CACHE / "bench-reports" / f"{args.asins}x{args.days}"
    dev.say(f"documents in {folder} (made once)")
    files, day_files = write_documents(folder, asins, args.days)
    expected = args.days * (args.asins + 1) * len(KINDS)
    cfg = {
        "phase": "setup",
        "files": files,
        "newest": files[: len(KINDS)],
        "day": day_files,
        "asins": asins,
        "expected_rows": expected,
        "reload": args.reload,
        "options": {name: options for name, (_prefix, _make, options) in KINDS.items()},
        "last_day": str(LAST_DAY),
    }
    load = None
    if common.run_in_odoo(dev, odoo, pg, data_db, INSIDE_ODOO, cfg)["load"]:
        # The loaders: queue_job workers on the acorn channel, each its share of the jobs.
        shares = [
            {**cfg, "phase": "load", "files": files[i :: args.workers]} for i in range(args.workers)
        ]
        with ThreadPoolExecutor(args.workers) as pool:
            parts = list(
                pool.map(partial(common.run_in_odoo, dev, odoo, pg, data_db, INSIDE_ODOO), shares)
            )
        load = {
            key: sum(p[key] for p in parts)
            for key in ("rows", "documents", "odoo_cpu", "pg_cpu", "queries")
        }
        load["s"] = max(p["ended"] for p in parts) - min(p["started"] for p in parts)
        load["peak_mb"] = max(p["peak_mb"] for p in parts)
    r = common.run_in_odoo(
        dev, odoo, pg, data_db, INSIDE_ODOO, {**cfg, "phase": "main", "loaded": bool(load)}
    )
    common.print_context(r)
    print(
        f"data: {args.asins:,} ASINs x {args.days} days x sales, inventory, traffic = "
        f"{expected:,} rows (with Amazon's aggregate rows), database {data_db}"
    )
    if load:
        print(
            f"load (the jobs' path: {load['documents']} documents, one commit each, "
            f"{args.workers} loaders at once): {per_second(load['rows'], load)}; "
            f"Odoo peak RSS {load['peak_mb']:.0f} MB per loader"
        )
        kpi = r["kpi_full"]
        print(f"KPI table, full refresh after the load: {kpi['rows']:,} rows, {common.timing(kpi)}")
    else:
        print("load: skipped, the data database already holds it (--reload loads it again)")
    print("same documents on a second account (newest window of each type), rolled back:")
    orm_rows = orm_s = orm_cpu = acorn_s = acorn_cpu = 0
    for report_type, t in r["compare"].items():
        print(
            f"  {report_type}: {t['rows']:,} rows, same stored values (asserted); the ORM "
            f"stored 0 for {t['nulls']:,} nulls Amazon sent, COPY kept them NULL"
        )
        for name, label in (("acorn", "Acorn import"), ("orm", "ORM create(vals_list) x1000")):
            print(f"    {label:28} {per_second(t['rows'], t[name])}")
        orm_rows += t["rows"]
        orm_s += t["orm"]["s"]
        acorn_s += t["acorn"]["s"]
        orm_cpu += t["orm"]["odoo_cpu"] + t["orm"]["pg_cpu"]
        acorn_cpu += t["acorn"]["odoo_cpu"] + t["acorn"]["pg_cpu"]
    print(
        f"  all three: Acorn {orm_rows / acorn_s:,.0f} rows/s wall, {orm_rows / acorn_cpu:,.0f} "
        f"per CPU-second; ORM {orm_rows / orm_s:,.0f} rows/s wall, {orm_rows / orm_cpu:,.0f} "
        f"per CPU-second; ratio {orm_s / acorn_s:.1f}x wall, {orm_cpu / acorn_cpu:.1f}x CPU"
    )
    for t, (report_type, *_file) in zip(r["day"], day_files, strict=True):
        print(
            f"a day's import, {report_type}: {t['rows']:,} rows with the KPI refresh of its "
            f"week: {common.timing(t)}"
        )
    print(
        f"dashboard queries on {r['kpi_rows']:,} KPI rows (best of 3), and from the per-ASIN "
        "rows alone (acorn_kpi_per_asin: the baseline):"
    )
    for label, t in r["dashboard"].items():
        base = r["dashboard_per_asin"][label]
        flag = "" if t["s"] < 1 else "  <-- over a second"
        print(f"  {label:50} {common.timing(t)}{flag}")
        print(
            f"  {'':50} per-ASIN rows: {common.timing(base)}; {base['s'] / t['s']:.1f}x; "
            f"{'same answer' if base['same'] else 'ANSWERS DIFFER'}"
        )
    print(f"Odoo peak RSS {r['peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
