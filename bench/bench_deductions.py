"""Deduction assessment benchmark: 6,000 deductions against two years of shipments (20,000
deliveries), Acorn's bulk assessment beside a record-by-record ORM baseline.

    python3 bench/bench_deductions.py [--deliveries 20000] [--deductions 6000]

Inside Odoo (``odoo shell`` on the benchmark database of the durable PostgreSQL cluster, see
bench/common.py; everything is rolled back at the end) it builds one Amazon PO chain through
the ORM (PO with two lines, sale order, delivered picking with two SSCC cartons, the ASN's
transaction, a proof of delivery, the invoice) and clones it in SQL ``--deliveries`` times over
two years, varying what the assessment looks at: Amazon's receipts, the ASN's state and time,
labels, BOL, POD, the ship date against the window, the invoiced price. ``--deductions``
deductions (shortages, price claims, ASN and on-time chargebacks) point at random chains.
Then it measures:

1. Acorn: ``_acorn_assess``, the evidence in a handful of grouped queries, the core's rules
   over one DataFrame, windows, one UPDATE;
2. the baseline: what an experienced Odoo developer would write, a loop over the deductions
   with prefetching on (invoice lines, sale lines, PO lines, pickings, moves, packages and
   transactions read per batch; the proofs of delivery in one search), the same rules, then
   one ``write`` per deduction.

Both must give the same verdict, strength, disputable amount and window for every deduction.
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from tools import dev  # noqa: E402

INSIDE_ODOO = r"""
import json, random, re, resource, time
from datetime import date, datetime, timedelta
from psycopg2.extras import execute_values
from odoo import fields
from odoo.addons.acorn_vendor.core.deductions.assessment import assess, evidence_frame
from odoo.addons.acorn_vendor.models.acorn_vc_deduction import POD_NAME_PATTERN
cfg = json.loads(%(cfg)r)
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
cr = env.cr
out = {}
t0 = time.perf_counter()
N, D = cfg["deliveries"], cfg["deductions"]
rng = random.Random(14)
start = datetime(2024, 12, 1)
account = env["acorn.vc.account"].create({"name": "Bench deductions", "marketplace_code": "US"})
customer = env["res.partner"].create({"name": "Amazon bench deductions"})
account.partner_id = customer
products = env["product.product"].create([
    {"name": f"Bench deduction item {i}", "default_code": f"BDED{i:04d}",
     "amz_asin": f"BDED{i:06d}", "is_storable": True, "taxes_id": False}
    for i in range(cfg["products"])])
po = env["acorn.vc.purchase.order"].create({
    "name": "BDPO-T", "account_id": account.id, "amz_state": "closed", "vendor_code": "BENCH",
    "ship_to_code": "ABE2", "ack_status": "done", "po_date": start,
    "ship_window_start": start, "ship_window_end": start + timedelta(days=3),
    "line_ids": [fields.Command.create({
        "sequence_number": str(k + 1), "asin": products[k].amz_asin, "product_id": products[k].id,
        "ordered_qty": 24, "ordered_units": 24, "accepted_qty": 24, "received_qty": 24,
        "net_cost": 5.0}) for k in range(2)]})
sale = env["sale.order"].create({
    "partner_id": customer.id, "client_order_ref": po.name, "acorn_purchase_order_id": po.id,
    "order_line": [fields.Command.create({
        "product_id": line.product_id.id, "product_uom_qty": 24, "price_unit": 5.0,
        "acorn_po_line_id": line.id, "tax_id": False}) for line in po.line_ids]})
group = env["procurement.group"].create({"name": sale.name, "sale_id": sale.id})
warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
ptype = warehouse.out_type_id
src, dst = ptype.default_location_src_id, env.ref("stock.stock_location_customers")
picking = env["stock.picking"].create({
    "picking_type_id": ptype.id, "location_id": src.id, "location_dest_id": dst.id,
    "partner_id": customer.id, "group_id": group.id,
    "move_ids": [fields.Command.create({
        "name": sol.name, "product_id": sol.product_id.id, "product_uom_qty": 24,
        "product_uom": sol.product_uom.id, "location_id": src.id, "location_dest_id": dst.id,
        "group_id": group.id, "sale_line_id": sol.id}) for sol in sale.order_line]})
cartons = env["stock.quant.package"].create([{"name": f"BDED-CTN-{k}"} for k in range(2)])
env["stock.move.line"].create([{
    "picking_id": picking.id, "move_id": move.id, "product_id": move.product_id.id,
    "product_uom_id": move.product_uom.id, "quantity": 24, "location_id": src.id,
    "location_dest_id": dst.id, "result_package_id": cartons[k].id}
    for k, move in enumerate(picking.move_ids)])
tx = env["acorn.vc.transaction"].create({
    "account_id": account.id, "kind": "shipment_confirmation", "picking_id": picking.id,
    "payload": {"bench": True}, "state": "success", "submitted_at": start})
pod = env["ir.attachment"].create({"name": "POD.pdf", "raw": b"%%PDF-1.4 bench",
                                   "res_model": "stock.picking", "res_id": picking.id})
invoice = env["account.move"].create({
    "move_type": "out_invoice", "partner_id": customer.id, "acorn_account_id": account.id,
    "invoice_date": start.date(),
    "invoice_line_ids": [fields.Command.create({
        "product_id": sol.product_id.id, "quantity": 24, "price_unit": 5.0,
        "sale_line_ids": [fields.Command.set(sol.ids)], "tax_ids": [fields.Command.clear()]})
        for sol in sale.order_line]})
template = env["acorn.vc.deduction"].create({
    "account_id": account.id, "company_id": env.company.id,
    "currency_id": env.company.currency_id.id, "date": start.date(), "name": "BDED-T",
    "kind": "shortage_claim", "amount": -10.0})
env.flush_all()

def columns(table):
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %%s "
               "AND column_name <> 'id' ORDER BY ordinal_position", (table,))
    return [row[0] for row in cr.fetchall()]

def clone(table, template_id, overrides, rows):
    # One INSERT ... SELECT per page: the template row with ``overrides`` ({column: SQL type})
    # taken from each of ``rows``; returns the new ids in order.
    names = list(overrides)
    keep = [c for c in columns(table) if c not in overrides]
    sql = (f"INSERT INTO {table} ({', '.join(keep + names)}) "
           f"SELECT {', '.join('t.' + c for c in keep)}, {', '.join('v.' + n for n in names)} "
           f"FROM (VALUES %%s) AS v ({', '.join(names)}) JOIN {table} t ON t.id = {template_id} "
           "RETURNING id")
    template_sql = "(" + ", ".join(f"%%s::{kind}" for kind in overrides.values()) + ")"
    ids = []
    for page in range(0, len(rows), 5000):
        ids += [r[0] for r in execute_values(cr._obj, sql, rows[page:page + 5000],
                                             template=template_sql, fetch=True)]
    return ids

chains = []
for g in range(N):
    day = start + timedelta(days=730 * g / N)
    p1, p2 = rng.sample(range(len(products)), 2)
    chains.append({
        "day": day, "products": (products[p1].id, products[p2].id),
        "received": [24 - (rng.choice((0, 0, 2, 4, 24)) if rng.random() < 0.4 else 0), 24],
        "asn_state": rng.choices(("accepted", "sent", "rejected"), (90, 6, 4))[0],
        "asn_late": rng.random() < 0.1, "shipped_late": rng.random() < 0.1,
        "pod": rng.random() < 0.7, "bol": rng.random() < 0.8, "unlabelled": rng.random() < 0.05,
        "overbilled": rng.random() < 0.05})
po_ids = clone("acorn_vc_purchase_order", po.id,
               {"name": "varchar", "po_date": "timestamp", "ship_window_start": "timestamp",
                "ship_window_end": "timestamp", "ship_to_code": "varchar"},
               [(f"BDPO{g:06d}", c["day"], c["day"], c["day"] + timedelta(days=3),
                 ("ABE2", "SDF8", "ONT8", "MDW2", "PHX6")[g %% 5])
                for g, c in enumerate(chains)])
po_line_ids = clone("acorn_vc_purchase_order_line", po.line_ids[0].id,
                    {"order_id": "int", "sequence_number": "varchar", "product_id": "int",
                     "received_qty": "int"},
                    [(po_ids[g], str(k + 1), c["products"][k], c["received"][k])
                     for g, c in enumerate(chains) for k in range(2)])
so_ids = clone("sale_order", sale.id,
               {"name": "varchar", "acorn_purchase_order_id": "int", "client_order_ref": "varchar"},
               [(f"BDSO{g:06d}", po_ids[g], f"BDPO{g:06d}") for g in range(N)])
sol_ids = clone("sale_order_line", sale.order_line[0].id,
                {"order_id": "int", "product_id": "int", "acorn_po_line_id": "int"},
                [(so_ids[g], c["products"][k], po_line_ids[2 * g + k])
                 for g, c in enumerate(chains) for k in range(2)])
picking_ids = clone(
    "stock_picking", picking.id,
    {"name": "varchar", "sale_id": "int", "acorn_purchase_order_id": "int", "state": "varchar",
     "date_done": "timestamp", "acorn_shipped_date": "timestamp", "acorn_asn_state": "varchar",
     "acorn_bill_of_lading": "varchar", "acorn_carrier_scac": "varchar",
     "acorn_shipment_type": "varchar"},
    [(f"BD/OUT/{g:06d}", so_ids[g], po_ids[g], "done",
      c["day"] + timedelta(days=5 if c["shipped_late"] else 1),
      c["day"] + timedelta(days=5 if c["shipped_late"] else 1), c["asn_state"],
      f"BOL{g}" if c["bol"] else None, ("ODFL", "UPSN", "FDEG")[g %% 3], "LessThanTruckLoad")
     for g, c in enumerate(chains)])
move_ids = clone("stock_move", picking.move_ids[0].id,
                 {"picking_id": "int", "product_id": "int", "sale_line_id": "int",
                  "state": "varchar", "quantity": "numeric"},
                 [(picking_ids[g], c["products"][k], sol_ids[2 * g + k], "done", 24)
                  for g, c in enumerate(chains) for k in range(2)])
package_ids = clone("stock_quant_package", cartons[0].id,
                    {"name": "varchar", "acorn_sscc": "varchar"},
                    [(f"BDC{g}-{k}", None if (c["unlabelled"] and k) else f"00{g:08d}{k:08d}")
                     for g, c in enumerate(chains) for k in range(2)])
clone("stock_move_line", picking.move_line_ids[0].id,
      {"picking_id": "int", "move_id": "int", "product_id": "int", "result_package_id": "int"},
      [(picking_ids[g], move_ids[2 * g + k], c["products"][k], package_ids[2 * g + k])
       for g, c in enumerate(chains) for k in range(2)])
clone("acorn_vc_transaction", tx.id, {"picking_id": "int", "submitted_at": "timestamp"},
      [(picking_ids[g], c["day"] + timedelta(days=(5 if c["shipped_late"] else 1)
                                             + (2 if c["asn_late"] else 0), hours=2))
       for g, c in enumerate(chains)])
clone("ir_attachment", pod.id, {"res_id": "int"},
      [(picking_ids[g],) for g, c in enumerate(chains) if c["pod"]])
move_template = invoice.invoice_line_ids[0]
invoice_ids = clone("account_move", invoice.id,
                    {"amz_invoice_number": "varchar", "invoice_date": "date",
                     "invoice_date_due": "date"},
                    [(f"BDINV{g:06d}", c["day"].date() + timedelta(days=6),
                      c["day"].date() + timedelta(days=66)) for g, c in enumerate(chains)])
price = lambda c, k: 5.5 if (c["overbilled"] and k == 0) else 5.0
aml_ids = clone("account_move_line", move_template.id,
                {"move_id": "int", "product_id": "int", "price_unit": "numeric",
                 "price_subtotal": "numeric"},
                [(invoice_ids[g], c["products"][k], price(c, k), 24 * price(c, k))
                 for g, c in enumerate(chains) for k in range(2)])
execute_values(cr._obj, "INSERT INTO sale_order_line_invoice_rel (invoice_line_id, order_line_id) "
               "VALUES %%s", list(zip(aml_ids, sol_ids)), page_size=10000)
kinds = rng.choices(
    [("shortage_claim", "shortage"), ("price_claim", "price_claim"),
     ("chargeback", "asn_accuracy"), ("chargeback", "po_on_time")], (60, 15, 15, 10), k=D)
targets = rng.sample(range(N), D)
deduction_ids = clone(
    "acorn_vc_deduction", template.id,
    {"name": "varchar", "kind": "varchar", "sub_kind": "varchar", "amount": "numeric",
     "amount_taken": "numeric", "date": "date", "notice_date": "date", "invoice_id": "int",
     "sale_order_id": "int", "purchase_order_id": "int", "base_invoice_number": "varchar"},
    [(f"BDINV{g:06d}{'SC' if k[0] == 'shortage_claim' else 'X'}{i}", k[0], k[1],
      -round(rng.choice((10.0, 20.0, 48.0, 120.0)), 2),
      0, chains[g]["day"].date() + timedelta(days=60), chains[g]["day"].date() + timedelta(days=20),
      invoice_ids[g], so_ids[g], po_ids[g], f"BDINV{g:06d}")
     for i, (g, k) in enumerate(zip(targets, kinds))])
relation = env["acorn.vc.deduction"]._fields["picking_ids"]
execute_values(cr._obj, f"INSERT INTO {relation.relation} ({relation.column1}, {relation.column2}) "
               "VALUES %%s", [(d, picking_ids[g]) for d, g in zip(deduction_ids, targets)],
               page_size=10000)
env.invalidate_all()
cr.execute("ANALYZE")
out["setup_s"] = time.perf_counter() - t0
Deduction = env["acorn.vc.deduction"]
today = date(2026, 12, 6)
out["deliveries"], out["deductions"] = N, D

def acorn():
    records = Deduction.browse(deduction_ids)
    records._acorn_assess(today=today)
    env.flush_all()

RESULT = ("verdict", "strength", "disputable_amount", "window_file_before", "window_state")

def snapshot():
    env.invalidate_all()
    rows = Deduction.browse(deduction_ids).read(list(RESULT))
    return {r["id"]: tuple(round(r[f], 2) if isinstance(r[f], float) else r[f] for f in RESULT)
            for r in rows}

def orm():
    # Record by record with prefetching: every field access loads the whole batch.
    records = Deduction.browse(deduction_ids)
    pods = set(env["ir.attachment"].search([
        ("res_model", "=", "stock.picking"), ("res_id", "in", records.picking_ids.ids)
    ]).filtered(lambda a: re.search(POD_NAME_PATTERN, a.name or "", re.I)).mapped("res_id"))
    rows, results = [], []
    for d in records:
        inv, po = d.invoice_id, d.purchase_order_id
        lines = inv.invoice_line_ids.filtered(lambda ln: ln.display_type == "product")
        priced = [ln for ln in lines if ln.sale_line_ids.acorn_po_line_id]
        facts = {}
        if lines:
            units = sum(lines.mapped("quantity"))
            facts = {"units": units, "subtotal": sum(lines.mapped("price_subtotal")),
                     "priced": len(priced),
                     "received": sum(lines.sale_line_ids.acorn_po_line_id.mapped("received_qty"))
                     if priced else None,
                     "overbilled": round(sum(
                         max(ln.price_subtotal / ln.quantity
                             - ln.sale_line_ids.acorn_po_line_id[0].net_cost, 0) * ln.quantity
                         for ln in priced if ln.quantity), 2)}
            short_units = short_value = 0.0
            for ln in priced:
                shipped_line = sum(ln.sale_line_ids.move_ids.filtered(
                    lambda m: m.state == "done" and m.picking_id.acorn_asn_state == "accepted"
                ).mapped("quantity"))
                short = max(min(shipped_line, ln.quantity)
                            - ln.sale_line_ids.acorn_po_line_id[0].received_qty, 0)
                short_units += short
                short_value += short * (ln.price_subtotal / ln.quantity if ln.quantity else 0)
            facts.update(short_units=short_units, short_value=round(short_value, 2))
        pickings, shipped = [], None
        for p in d.picking_ids:
            cartons = p.move_line_ids.result_package_id.filtered(lambda pk: not pk.acorn_is_pallet)
            sent = p.acorn_transaction_ids.filtered(
                lambda t: t.kind == "shipment_confirmation").mapped("submitted_at")
            pickings.append({
                "name": p.name, "asn_state": p.acorn_asn_state,
                "asn_sent_at": min(sent) if sent else None,
                "shipped_at": p.acorn_shipped_date or p.date_done,
                "carrier": p.acorn_carrier_scac, "bill_of_lading": p.acorn_bill_of_lading,
                "pro_number": p.acorn_pro_number, "shipment_type": p.acorn_shipment_type,
                "cartons": len(cartons), "cartons_with_sscc": len(cartons.filtered("acorn_sscc")),
                "has_pod": p.id in pods})
            shipped = (shipped or 0.0) + (sum(
                p.move_ids.filtered(lambda m: m.state == "done"
                                    and (not inv or m.product_id in lines.product_id))
                .mapped("quantity")) if p.acorn_asn_state == "accepted" else 0.0)
        base = {
            "id": d.id, "kind": d.kind, "sub_kind": d.sub_kind, "amount": d.amount,
            "invoice_id": inv.id, "purchase_order_id": po.id,
            "agreement_amount": d.agreement_amount, "base_invoice_number": d.base_invoice_number,
            "name": d.name, "date": d.date, "notice_date": d.notice_date,
            "disputes_filed": d.disputes_filed, "last_answer_date": d.last_answer_date,
            "fc_code": d.fc_code, "carrier": d.carrier, "amz_po_number": d.amz_po_number,
            "invoice_date": d.line_id.invoice_date, "po_name": po.name,
            "invoice_date_due": inv.invoice_date_due,
            "invoice_number": inv.amz_invoice_number or inv.name,
            "ship_window_start": po.ship_window_start, "ship_window_end": po.ship_window_end,
            "ship_to_code": po.ship_to_code}
        rows.append(Deduction._acorn_evidence_row(base, facts, pickings, shipped))
    verdicts = assess(evidence_frame(rows))
    from odoo.addons.acorn_vendor.core.deductions.deadlines import dispute_window, window_state
    deadlines = account._acorn_deduction_rules()[0]
    for d, row, result in zip(records, rows, verdicts.itertuples(index=False)):
        window = dispute_window(row["sub_kind"], due_date=row["due_date"],
                                notice_date=row["notice_date"], rules=deadlines)
        d.write({
            "verdict": result.verdict, "strength": result.strength or False,
            "disputable_amount": float(result.disputable), "explanation": result.explanation,
            "missing_evidence": result.missing or False, "due_date": row["due_date"],
            "window_opens": window.opens, "window_file_before": window.file_before,
            "window_closes": window.closes,
            "window_state": window_state(window, today, row["disputes_filed"],
                                         answered_on=row["last_answer_date"]),
            "invoiced_units": row["invoiced_units"] or 0, "fc_code": row["fc_code"],
            "carrier": row["carrier"] or False, "assessed_on": today})
    env.flush_all()

def reset():
    cr.execute("UPDATE acorn_vc_deduction SET verdict = NULL, strength = NULL, "
               "window_state = NULL, disputable_amount = 0, window_file_before = NULL "
               "WHERE id = ANY(%%s)", (deduction_ids,))
    env.invalidate_all()

acorn_runs, orm_runs, answers = [], [], {}
for _round in range(cfg["rounds"]):  # alternate, so a burst of other load hits both
    reset()
    acorn_runs.append(bench_time(acorn)[1])
    answers["acorn"] = snapshot()
    reset()
    orm_runs.append(bench_time(orm)[1])
    answers["orm"] = snapshot()
assert answers["acorn"] == answers["orm"], "both give the same verdicts and windows"
out["acorn"], out["orm"] = bench_best(acorn_runs), bench_best(orm_runs)
counts = {}
for verdict in answers["acorn"].values():
    counts[verdict[0]] = counts.get(verdict[0], 0) + 1
out["verdicts"] = counts
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("ACORN-BENCH " + json.dumps(out))
cr.rollback()
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deliveries", type=int, default=20000)
    parser.add_argument("--deductions", type=int, default=6000)
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2, help="timings of each, best kept")
    common.add_database_options(parser)
    args = parser.parse_args()

    odoo, pg = common.odoo_and_postgres(dev)
    common.ensure_database(dev, odoo, pg, args.db, update=args.update)
    cfg = {k: getattr(args, k) for k in ("deliveries", "deductions", "products", "rounds")}
    r = common.run_in_odoo(dev, odoo, pg, args.db, INSIDE_ODOO, cfg)
    common.print_context(r)
    print(
        f"{r['deductions']} deductions against {r['deliveries']} deliveries over two years "
        f"(built in {r['setup_s']:.0f} s); verdicts: {r['verdicts']}"
    )
    print(f"best of {r['acorn']['rounds']} rounds each, alternating:")
    print(f"Acorn (grouped SQL, one table, one UPDATE): {common.timing(r['acorn'])}")
    print(f"ORM record by record with prefetching:      {common.timing(r['orm'])}")
    print(f"{common.ratios(r['orm'], r['acorn'])}; same verdicts and windows (asserted)")
    print(f"max RSS {r['max_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
