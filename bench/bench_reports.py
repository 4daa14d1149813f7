"""Vendor report bulk load in Odoo: Acorn's COPY loader beside a batched ORM create of the
same rows, in one run, on the durable benchmark cluster.

    python3 bench/bench_reports.py [--asins 5000] [--days 15] [--update]

Writes one 15-day DAY document per report type (sales, inventory, traffic; the generator of
``bench_reports_core``: per-ASIN rows plus the aggregate, nulls in required fields, one
undocumented field), then, on the benchmark database of the durable PostgreSQL cluster
(bench/common.py), inside Odoo and for each document:

1. reads it with the core (``read_document`` + ``frame``; not in either load figure, both
   paths start from the same typed frames);
2. the baseline an experienced Odoo developer would write: products matched by ASIN with one
   ``search_read``, the rows as ``vals`` dicts (nulls as None), ``create(vals_list)`` in
   batches of 1,000, then a flush; the table's fingerprint (every stored value, hashed) is
   kept and the rows rolled back to a savepoint;
3. Acorn's loader (``table_frames`` + ``replace_rows``: the period replaced, pandas CSV,
   PostgreSQL COPY into the lean row table), asserted to store the same rows and values,
   except that the ORM stores 0 where Amazon sent null (``create`` writes None as 0 in an
   Integer or Float field) while COPY keeps NULL: those are compared as 0, and counted;
4. a staging variant, measured only: COPY into a temporary table without foreign keys, then
   one ``INSERT ... SELECT`` joining the products by ASIN; exactly Acorn's rows (asserted).

Prints the machine, the PostgreSQL settings of the benchmark's own session, rows/s wall and
per CPU-second (Odoo + its PostgreSQL backend). Everything is rolled back.
"""

import argparse
import gzip
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from bench.bench_reports_core import KINDS, document  # noqa: E402
from tools import dev  # noqa: E402

INSIDE_ODOO = r"""
import io, json
from odoo.addons.acorn_vendor.core.reports.documents import read_document
from odoo.addons.acorn_vendor.models.acorn_vc_report_document import STORAGE
from odoo.addons.acorn_vendor.models.report_loader import ADDED_COLUMNS, replace_rows, table_frames
cfg = json.loads(%(cfg)r)
out = {"types": {}}
env = env(context=dict(env.context, tracking_disable=True))
account = env["acorn.vc.account"].create({"name": "Bench reports", "marketplace_code": "US"})
asins = cfg["asins"]
env["product.product"].create([{"name": f"Bench {a}", "amz_asin": a, "type": "consu"}
                               for a in asins[: len(asins) // 2]])  # half the ASINs are known
Document = env["acorn.vc.report.document"]

def fingerprint(model, doc, sample=False, nulls_as_zero=False):
    # Every stored value of the document's rows, hashed. The ORM stores 0 for a None in an
    # Integer or Float field, so against it the numbers are compared with NULL read as 0.
    columns = ["selling_program", "distributor_view", "report_period", "period_start",
               "period_end", "asin", "is_aggregate", "product_id"]
    for name in model._acorn_fields.values():
        numeric = model._fields[name].type in ("integer", "float")
        columns.append(f"COALESCE({name}, 0)" if nulls_as_zero and numeric else name)
    env.flush_all()
    rows = "SELECT ROW(%%s)::text AS t FROM %%s WHERE document_id = %%%%s" %% (
        ", ".join(columns), model._table)
    if sample:  # a few rows, to show what differs
        env.cr.execute(rows + " ORDER BY 1 LIMIT 3", [doc.id])
        return [r[0] for r in env.cr.fetchall()]
    env.cr.execute(
        "SELECT COUNT(*), md5(string_agg(t, '|' ORDER BY t)) FROM (%%s) rows" %% rows, [doc.id])
    return list(env.cr.fetchone())

for report_type, path in cfg["files"].items():
    model = env[STORAGE[report_type]].sudo()
    raw = open(path, "rb").read()
    parsed = read_document(raw, expected_type=report_type)
    frame, aggregate = parsed.frame(), parsed.frame("aggregate")
    record = Document.create({"account_id": account.id, "report_type": report_type,
                              "options": json.dumps(parsed.options), "state": "done",
                              "period_start": frame["period_start"].min().date(),
                              "period_end": frame["period_end"].max().date(),
                              "selling_program": parsed.options.get("sellingProgram"),
                              "distributor_view": parsed.options.get("distributorView"),
                              "report_period": parsed.options.get("reportPeriod")})
    env.flush_all()
    rows = len(frame) + len(aggregate)

    def orm_load():
        # The same rows as dicts, products matched in one search_read, batched create().
        parts = table_frames(model, record, frame, aggregate)
        found = env["product.product"].search_read([("amz_asin", "in", asins)], ["amz_asin"])
        products = {p["amz_asin"]: p["id"] for p in found}
        vals = []
        for part in parts:
            part = part.astype(object).where(part.notna(), None)
            for row in part.to_dict("records"):
                row.update(account_id=account.id, document_id=record.id,
                           product_id=products.get(row["asin"]))
                vals.append(row)
        for i in range(0, len(vals), 1000):
            model.create(vals[i:i + 1000])
        env.flush_all()
        return len(vals)

    def acorn_load():
        return replace_rows(model, record, table_frames(model, record, frame, aggregate))

    def staged_load():
        # COPY into a temporary table without foreign keys, then one INSERT ... SELECT that
        # joins the products: the foreign keys are still checked, by the INSERT.
        parts = table_frames(model, record, frame, aggregate)
        columns = [*parts[0].columns, "account_id", "document_id"]
        env.cr.execute("CREATE TEMP TABLE bench_stage ON COMMIT DROP AS SELECT %%s FROM %%s "
                       "WITH NO DATA" %% (", ".join(columns), model._table))
        buffer = io.StringIO()
        for part in parts:
            part.assign(account_id=account.id, document_id=record.id).to_csv(
                buffer, header=False, index=False, na_rep="\\N")
        buffer.seek(0)
        env.cr.copy_expert("COPY bench_stage (%%s) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
                           %% ", ".join(columns), buffer)
        listed = ", ".join(columns)
        env.cr.execute(
            "INSERT INTO %%s (%%s, product_id) SELECT %%s, p.id FROM bench_stage s LEFT JOIN "
            "(SELECT amz_asin, MIN(id) AS id FROM product_product GROUP BY 1) p "
            "ON p.amz_asin = s.asin" %% (model._table, listed,
                                          ", ".join(f"s.{c}" for c in columns)))
        count = env.cr.rowcount
        env.cr.execute("DROP TABLE bench_stage")
        model.invalidate_model()
        return count

    result = {"rows": rows}
    for name, fn in (("orm", orm_load), ("acorn", acorn_load), ("staged", staged_load)):
        env.cr.execute("SAVEPOINT bench_load")
        count, timing = bench_time(fn)
        assert count == rows, (name, count, rows)
        result[name] = dict(timing, fingerprint=fingerprint(model, record),
                            as_orm=fingerprint(model, record, nulls_as_zero=True),
                            sample=fingerprint(model, record, sample=True))
        if name == "acorn":
            numeric = [f for f in model._acorn_fields.values()
                       if model._fields[f].type in ("integer", "float")]
            env.cr.execute("SELECT %%s FROM %%s WHERE document_id = %%%%s" %% (
                " + ".join(f"COUNT(*) FILTER (WHERE {f} IS NULL)" for f in numeric),
                model._table), [record.id])
            result["nulls"] = env.cr.fetchone()[0]
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_load")
        env.invalidate_all()
    # The same rows and values (nulls aside, which only COPY keeps) in all three.
    assert result["acorn"]["as_orm"] == result["orm"]["fingerprint"], (
        result["acorn"]["sample"], result["orm"]["sample"])
    assert result["staged"]["fingerprint"] == result["acorn"]["fingerprint"]
    out["types"][report_type] = result
env.cr.rollback()
print("ACORN-BENCH " + json.dumps(out))
"""


def per_second(rows, t):
    cpu = t["odoo_cpu"] + t["pg_cpu"]
    return f"{rows / t['s']:,.0f} rows/s, {rows / cpu:,.0f} per CPU-second ({common.timing(t)})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--asins", type=int, default=5000)
    parser.add_argument("--days", type=int, default=15)
    common.add_database_options(parser)
    args = parser.parse_args()

    odoo, pg = common.odoo_and_postgres(dev)
    common.ensure_database(dev, odoo, pg, args.db, update=args.update)
    asins = [f"B0{i:08d}" for i in range(args.asins)]
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for report_type in KINDS:
            path = Path(tmp) / f"{report_type}.json.gz"
            doc = document(report_type, asins, args.days)
            path.write_bytes(gzip.compress(json.dumps(doc, separators=(",", ":")).encode(), 6))
            files[report_type] = str(path)
        r = common.run_in_odoo(
            dev, odoo, pg, args.db, INSIDE_ODOO, {"files": files, "asins": asins}
        )
    common.print_context(r)
    total = {"rows": 0, "orm": [], "acorn": [], "staged": []}
    for report_type, t in r["types"].items():
        total["rows"] += t["rows"]
        print(
            f"{report_type}: {t['rows']:,} rows, same stored rows in all three (asserted); "
            f"the ORM stored 0 for {t['nulls']:,} nulls Amazon sent, COPY kept them NULL"
        )
        for name, label in (
            ("acorn", "Acorn COPY loader"),
            ("staged", "staged COPY + INSERT…SELECT"),
            ("orm", "ORM create(vals_list) x1000"),
        ):
            print(f"  {label:30} {per_second(t['rows'], t[name])}")
            total[name].append(t[name])
    for name in ("acorn", "staged", "orm"):
        runs = total[name]
        wall = sum(t["s"] for t in runs)
        cpu = sum(t["odoo_cpu"] + t["pg_cpu"] for t in runs)
        print(
            f"all three, {name}: {total['rows'] / wall:,.0f} rows/s wall, "
            f"{total['rows'] / cpu:,.0f} per CPU-second"
        )
    acorn = sum(t["s"] for t in total["acorn"])
    orm = sum(t["s"] for t in total["orm"])
    print(f"ratio (ORM / Acorn), wall-clock: {orm / acorn:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
