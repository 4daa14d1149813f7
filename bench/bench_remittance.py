"""Remittance benchmark in Odoo: a month of a large vendor's Payments export imported, matched
and booked by Acorn, beside a competent baseline built on Odoo's ``account.payment.register``.

    python3 bench/bench_remittance.py [--payments 60] [--invoices 20000] [--deductions 6000]
        [--profile FILE] [--db acorn_bench_remittance] [--update]

On its own database of the durable PostgreSQL cluster (bench/common.py), inside Odoo:

1. generates the month as ``bench_remittance_core.py`` does (deterministic: invoice lines with
   a 2% terms discount; shortage claims, some reversed, price claims, chargebacks, co-op,
   provisions and their reversals, price protection) as Vendor Central's XLSX, and posts one
   Amazon invoice per invoice line (setup, not timed). The setup is committed under an account
   named after the sizes and reused by every later run of the same sizes (an interrupted
   setup goes on where it stopped); the timed part is always rolled back. The first full-size
   run posts 20,000 invoices (about half an hour on the loaded 2-core machine), later ones
   none (``--update``, or a new module version, updates acorn_vendor there; the setup stays);
2. times Acorn's import (``acorn.vc.remittance._acorn_import``: read by label, decode, keys,
   remittances and lines, deductions traced, match, one posted entry per payment, invoices and
   reversals reconciled), its peak RSS and queries;
3. rolls back to the same state and times the baseline an experienced Odoo developer would
   write: openpyxl reads the sheet by position, one search finds every invoice by its Amazon
   number, and per payment ``account.payment.register`` (grouped payment over its invoices,
   the difference reconciled) builds the payment's values, with the single write-off the
   wizard allows split by account (deductions pending, contra revenue, holdback) as
   ``account.payment`` accepts; the payments are created in one batch, posted together and
   reconciled with the wizard's own ``_reconcile_payments``.

``--profile FILE`` writes a cProfile of Acorn's import (``python3 -m pstats FILE``).

Asserted: both leave every invoice paid and the same balance on every account (receivable,
outstanding receipts, deductions pending, contra revenue, holdback), to the cent. The
baseline does less (no per-line records, no deduction traces, no To Review, no idempotency
keys, no reversal reconciliation): the ratio is the price of those.
"""

import argparse
import base64
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from bench.bench_remittance_core import month, rows, to_xlsx  # noqa: E402
from tools import dev  # noqa: E402

BENCH_DB = "acorn_bench_remittance"

INSIDE_ODOO = r"""
import base64, cProfile, io, json, resource, time
import openpyxl
from odoo import fields
cfg = json.loads(%(cfg)r)
out = {}
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
t0 = time.perf_counter()
company = env.company
Remittance = env["acorn.vc.remittance"]
# The setup (a chart, Amazon's partner, an account and the month's posted invoices) is
# committed once per month generated, under a name made of its sizes and seed, and reused by
# later runs; everything the timed part makes is rolled back.
account = env["acorn.vc.account"].search([("name", "=", cfg["setup_name"])], limit=1)
if not account:
    if not company.chart_template:
        env["account.chart.template"].try_loading("generic_coa", company, False)
    amazon = env["res.partner"].create({"name": "Amazon.com Services LLC (bench)",
                                        "is_company": True})
    account = env["acorn.vc.account"].create({"name": cfg["setup_name"], "marketplace_code": "US",
                                              "partner_id": amazon.id})
amazon = account.partner_id
invoices = env["account.move"].search([("partner_id", "=", amazon.id),
                                       ("move_type", "=", "out_invoice"), ("state", "=", "posted")])
have = set(invoices.mapped("amz_invoice_number"))
specs = [spec for spec in cfg["invoices"] if spec[0] not in have]
out["setup_created"] = len(specs)
for start in range(0, len(specs), 2000):
    chunk = env["account.move"].create([{
        "move_type": "out_invoice", "partner_id": amazon.id, "invoice_date": day,
        "amz_invoice_number": number, "acorn_account_id": account.id,
        "invoice_line_ids": [fields.Command.create({"name": number, "quantity": 1,
                             "price_unit": float(amount), "tax_ids": [fields.Command.clear()]})]}
        for number, day, amount in specs[start:start + 2000]])
    chunk.action_post()
    invoices |= chunk
    env.cr.commit()  # kept: an interrupted setup goes on where it stopped
assert len(invoices) == len(cfg["invoices"]), "setup incomplete: drop the bench database"
journal = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)],
                                        limit=1)
pending = Remittance._acorn_default_account(company, "deductions_pending")
contra = Remittance._acorn_default_account(company, "contra_revenue")
holdback = Remittance._acorn_default_account(company, "holdback")
env.flush_all()
env.cr.commit()
out["setup_s"] = time.perf_counter() - t0
data = base64.b64decode(cfg["xlsx"])
receivable = invoices.line_ids.account_id.filtered(lambda a: a.account_type == "asset_receivable")

def outcome():
    # What both must leave: invoices' residual, and each account's balance, to the cent.
    env.flush_all()
    residual = round(sum(env["account.move"].browse(invoices.ids).mapped("amount_residual")), 2)
    balances = {a.name: round(b, 2) for a, b in env["account.move.line"]._read_group(
        [("parent_state", "=", "posted"), ("partner_id", "=", amazon.id)],
        ["account_id"], ["balance:sum"])}
    entries = env["account.move"].search_count(
        [("state", "=", "posted"), ("journal_id", "=", journal.id)])
    return {"residual": residual, "balances": balances, "bank_entries": entries}

def acorn_import():
    profile = cfg["profile"] and cProfile.Profile()
    if profile:
        profile.enable()
    result = Remittance._acorn_import(account, "Payments.xlsx", data)
    env.flush_all()
    if profile:
        profile.disable()
        profile.dump_stats(cfg["profile"])
    return result["counts"]

def kind_account(number):
    # The baseline's own decoding: by the number's suffix, as a vendor's script would.
    if "_PROVISION" in number:
        return holdback
    if number.endswith(("SC", "SCR", "PC", "VCBSINV")):
        return pending
    return contra

def baseline():
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    payments, lines, section = {}, {}, None
    for row in book.worksheets[0].iter_rows(values_only=True):
        if row and row[0] == "Payment Number":
            section = "lines" if len(row) > 1 and row[1] == "Invoice Number" else "payments"
            continue
        if not row or row[0] in (None, "", "Payments", "Invoices"):
            continue
        if section == "payments":
            payments[str(row[0])] = (row[1].date(), round(float(row[3]), 2))
        elif section == "lines":
            lines.setdefault(str(row[0]), []).append(
                (str(row[1]), float(row[4]), float(row[7] or 0), row[3]))
    book.close()
    numbers = [ln[0] for group in lines.values() for ln in group]
    by_number = {m.amz_invoice_number: m for m in env["account.move"].search([
        ("amz_invoice_number", "in", numbers), ("move_type", "=", "out_invoice"),
        ("state", "=", "posted"), ("partner_id", "=", amazon.id)])}
    Register = env["account.payment.register"]
    to_process, wizards = [], []
    for number, (day, amount) in payments.items():
        moves = env["account.move"]
        writeoff = {}
        discount = 0.0
        for invoice, invoice_amount, disc, _description in lines.get(number, []):
            discount += disc
            if invoice in by_number:
                moves |= by_number[invoice]
            else:
                ledger = kind_account(invoice)
                writeoff[ledger] = writeoff.get(ledger, 0.0) - invoice_amount
        writeoff[contra] = writeoff.get(contra, 0.0) + discount
        wizard = Register.with_context(active_model="account.move", active_ids=moves.ids).create({
            "payment_date": day, "journal_id": journal.id, "group_payment": True,
            "amount": amount, "payment_difference_handling": "reconcile",
            "writeoff_account_id": pending.id, "writeoff_label": "Amazon deductions",
            "communication": f"Amazon payment {number}"})
        batch = wizard.batches[0]
        vals = wizard._create_payment_vals_from_wizard(batch)
        # The wizard allows one write-off account: split it by account, as account.payment
        # takes a list (the last line absorbs rounding so the entry balances).
        total = vals["write_off_line_vals"][0]["amount_currency"]
        split = [{"name": f"Amazon deductions {number}", "account_id": ledger.id,
                  "partner_id": amazon.id, "currency_id": company.currency_id.id,
                  "amount_currency": round(value, 2), "balance": round(value, 2)}
                 for ledger, value in writeoff.items() if round(value, 2)]
        rest = round(total - sum(v["amount_currency"] for v in split), 2)
        split[-1]["amount_currency"] = round(split[-1]["amount_currency"] + rest, 2)
        split[-1]["balance"] = split[-1]["amount_currency"]
        vals["write_off_line_vals"] = split
        to_process.append({"create_vals": vals, "to_reconcile": batch["lines"], "batch": batch})
        wizards.append(wizard)
    wizard = wizards[0]
    wizard._init_payments(to_process, edit_mode=True)  # one create for every payment
    wizard._post_payments(to_process, edit_mode=True)
    wizard._reconcile_payments(to_process, edit_mode=True)
    env.flush_all()
    return len(to_process)

env.cr.execute("SAVEPOINT bench_start")
counts, acorn = bench_time(acorn_import)
out["acorn"], out["counts"] = bench_best([acorn]), counts
out["acorn_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
acorn_outcome = outcome()
env.cr.execute("ROLLBACK TO SAVEPOINT bench_start")
env.invalidate_all()
env.registry.clear_cache()
booked, orm = bench_time(baseline)
out["orm"], out["orm_payments"] = bench_best([orm]), booked
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
orm_outcome = outcome()
assert acorn_outcome == orm_outcome, (acorn_outcome, orm_outcome)
assert acorn_outcome["residual"] == 0, acorn_outcome
out["outcome"] = acorn_outcome
print("ACORN-BENCH " + json.dumps(out))
env.cr.rollback()
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--payments", type=int, default=60)
    parser.add_argument("--invoices", type=int, default=20000)
    parser.add_argument("--deductions", type=int, default=6000)
    parser.add_argument("--profile", metavar="FILE", help="cProfile Acorn's import into FILE")
    common.add_database_options(parser)
    # Its own database: the posted invoices of each size are committed there and reused.
    parser.set_defaults(db=BENCH_DB)
    args = parser.parse_args()

    payments, _documents = month(args.payments, args.invoices, args.deductions)
    invoices = [
        (number, day.isoformat(), str(amount))
        for _payment, _day, lines in payments
        for number, day, description, amount, _discount in lines
        if description == "Invoice"
    ]
    xlsx = to_xlsx(rows(payments))
    lines = sum(len(p[2]) for p in payments)
    odoo, pg = common.odoo_and_postgres(dev)
    common.ensure_database(dev, odoo, pg, args.db, update=args.update)
    cfg = {
        "invoices": invoices,
        "xlsx": base64.b64encode(xlsx).decode(),
        "setup_name": f"Bench remittances {args.payments}/{args.invoices}/{args.deductions}",
        "profile": args.profile and str(Path(args.profile).resolve()),
    }
    r = common.run_in_odoo(dev, odoo, pg, args.db, INSIDE_ODOO, cfg)
    common.print_context(r)
    print(
        f"{args.payments} payments, {lines} lines ({len(invoices)} invoices, "
        f"{lines - len(invoices)} deductions); setup {r['setup_s']:.0f} s "
        f"({r['setup_created']} invoices posted, the rest kept from an earlier run)"
    )
    acorn, orm = r["acorn"], r["orm"]
    counts = r["counts"]
    print(
        f"Acorn import, match, book:           {common.timing(acorn)}; "
        f"{counts['matched']} matched, {counts['to_review']} to review; "
        f"RSS {r['acorn_rss_mb']:.0f} MB"
    )
    print(f"payment.register baseline (batched): {common.timing(orm)}; {r['orm_payments']} paid")
    print(f"same outcome (asserted): {r['outcome']}")
    print(f"{common.ratios(orm, acorn)}; Odoo max RSS {r['max_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
