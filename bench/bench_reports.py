"""Vendor report bulk load in Odoo: the COPY loader beside a batched ORM create, same run.

    python3 bench/bench_reports.py [--asins 5000] [--days 15] [--baseline-rows 20000] [--update]

Writes one 15-day DAY document per report type (sales, inventory, traffic; generator of
``bench_reports_core``), builds (once) ``acorn_bench`` with acorn_vendor, then inside Odoo:
reads each document with the core (``read_document`` + ``frame``), loads it with
``report_loader`` (pandas CSV + PostgreSQL COPY, replacing the period), and loads the first
``--baseline-rows`` rows again with ``create(vals_list)`` in batches of 1,000 (the competent
ORM baseline). Prints rows/s for each, the machine, its load and PostgreSQL's settings.
Everything is rolled back.
"""

import argparse
import gzip
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_reports_core import KINDS, document  # noqa: E402
from bench.common import machine, odoo_and_postgres, run_in_odoo  # noqa: E402
from tools import dev  # noqa: E402

DB = "acorn_bench"

INSIDE_ODOO = r"""
import json, time
from odoo.addons.acorn_vendor.core.reports.documents import read_document
from odoo.addons.acorn_vendor.models.report_loader import replace_rows, table_frames
cfg = json.loads(%(cfg)r)
out = {"types": {}}
env.cr.execute("SELECT name, setting, unit FROM pg_settings WHERE name IN "
               "('shared_buffers', 'synchronous_commit', 'fsync', 'work_mem', "
               "'max_wal_size', 'wal_level', 'server_version')")
out["pg"] = {name: f"{value}{unit or ''}" for name, value, unit in env.cr.fetchall()}
account = env["acorn.vc.account"].create({"name": "Bench reports", "marketplace_code": "US"})
Document = env["acorn.vc.report.document"]
STORAGE = {"GET_VENDOR_SALES_REPORT": "acorn.vc.report.sales",
           "GET_VENDOR_INVENTORY_REPORT": "acorn.vc.report.inventory",
           "GET_VENDOR_TRAFFIC_REPORT": "acorn.vc.report.traffic"}
for report_type, path in cfg["files"].items():
    raw = open(path, "rb").read()
    model = env[STORAGE[report_type]].sudo()
    start = time.perf_counter()
    doc = read_document(raw, expected_type=report_type)
    frame, aggregate = doc.frame(), doc.frame("aggregate")
    read_s = time.perf_counter() - start
    record = Document.create({"account_id": account.id, "report_type": report_type,
                              "options": json.dumps(doc.options), "state": "done",
                              "loaded_at": "2026-01-01 00:00:00",
                              "selling_program": doc.options.get("sellingProgram"),
                              "distributor_view": doc.options.get("distributorView"),
                              "report_period": doc.options.get("reportPeriod")})
    env.flush_all()
    start = time.perf_counter()
    parts = table_frames(model, record, frame, aggregate)
    count = replace_rows(model, record, parts)
    rows = parts[0]
    copy_s = time.perf_counter() - start
    head = rows.head(cfg["baseline_rows"]).astype(object)
    base = head.where(head.notna(), None)
    vals = [dict(v, account_id=account.id, company_id=account.company_id.id, document_id=record.id)
            for v in base.to_dict("records")]
    start = time.perf_counter()
    for i in range(0, len(vals), 1000):
        model.create(vals[i:i + 1000])
    env.flush_all()
    orm_s = time.perf_counter() - start
    out["types"][report_type] = {"rows": count, "read_s": read_s, "copy_s": copy_s,
                                 "orm_rows": len(vals), "orm_s": orm_s}
env.cr.rollback()
print("ACORN-BENCH " + json.dumps(out))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--asins", type=int, default=5000)
    parser.add_argument("--days", type=int, default=15)
    parser.add_argument("--baseline-rows", type=int, default=20000)
    parser.add_argument("--update", action="store_true", help=f"update acorn_vendor in {DB}")
    args = parser.parse_args()
    print(machine())
    odoo, pg = odoo_and_postgres(dev)
    if not pg.db_exists(DB) or args.update:
        dev.run(
            [
                *dev.odoo_base_args(odoo, pg, DB, dev.free_port()),
                "-u" if pg.db_exists(DB) else "-i",
                "acorn_vendor",
                "--without-demo=all",
                "--stop-after-init",
                "--log-level=warn",
            ],
            env={**os.environ, **odoo.env},
        )
    asins = [f"B0{i:08d}" for i in range(args.asins)]
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for report_type in KINDS:
            path = Path(tmp) / f"{report_type}.json.gz"
            doc = document(report_type, asins, args.days)
            path.write_bytes(gzip.compress(json.dumps(doc, separators=(",", ":")).encode(), 6))
            files[report_type] = str(path)
        cfg = {"files": files, "baseline_rows": args.baseline_rows}
        out = run_in_odoo(dev, odoo, pg, DB, INSIDE_ODOO, cfg)
    print("PostgreSQL: " + ", ".join(f"{k} {v}" for k, v in sorted(out["pg"].items())))
    total_rows = total_copy = 0
    for report_type, r in out["types"].items():
        total_rows += r["rows"]
        total_copy += r["copy_s"]
        print(
            f"{report_type}: {r['rows']} rows; read+frame {r['rows'] / r['read_s']:,.0f} rows/s; "
            f"COPY load {r['rows'] / r['copy_s']:,.0f} rows/s; ORM create(vals_list) "
            f"{r['orm_rows'] / r['orm_s']:,.0f} rows/s ({r['orm_rows']} rows)"
        )
    print(f"all three: COPY load {total_rows / total_copy:,.0f} rows/s")


if __name__ == "__main__":
    main()
