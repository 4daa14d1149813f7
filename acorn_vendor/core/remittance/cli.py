"""``./acorn finance parse FILE [--json]``: what a Vendor Central Payments export holds.

    ./acorn finance parse Payments.xlsx            payments, their lines' kinds, every issue
    ./acorn finance parse Payments.csv --json      the same as JSON (amounts as strings)
    ./acorn finance parse FILE --date-order DMY    read ambiguous slash dates as DD/MM

Exit codes: 0 readable (warnings allowed), 1 errors found (an import would refuse the file),
2 the file cannot be opened.
"""

import argparse
import json
import sys
from collections import Counter

from .cell_values import DATE_ORDERS
from .payments_export import read_payments_export


def _parser():
    parser = argparse.ArgumentParser(prog="acorn finance", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    parse = sub.add_parser("parse", help="print the payments and lines a Payments export holds")
    parse.add_argument("file", help="XLSX or CSV export (- for standard input)")
    parse.add_argument("--json", action="store_true", help="print JSON")
    parse.add_argument("--date-order", choices=DATE_ORDERS, help="for ambiguous slash dates")
    parse.add_argument("--currency", help="currency when the file has no Currency column")
    return parser


def _summary(result, out):
    for payment in result.payments:
        kinds = Counter(line.kind for line in payment.lines)
        state = "HIDDEN LINES" if payment.lines_hidden else f"{len(payment.lines)} lines"
        print(
            f"Payment {payment.number}  {payment.date.isoformat()}  {payment.amount} "
            f"{payment.currency}  {state}",
            file=out,
        )
        if kinds:
            print("    " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())), file=out)
        if payment.gap:
            print(f"    unexplained by the lines shown: {payment.gap}", file=out)
    for issue in result.issues:
        print(str(issue), file=out)
    lines = sum(len(p.lines) for p in result.payments)
    hidden = sum(p.lines_hidden for p in result.payments)
    print(
        f"{len(result.payments)} payment(s), {lines} line(s), {hidden} with hidden lines "
        f"(gap {result.hidden_gap}), {len(result.errors)} error(s), "
        f"{len(result.issues) - len(result.errors)} warning(s); dates {result.date_order} "
        f"{result.date_order_reason}".rstrip(),
        file=out,
    )


def main(argv=None, out=None):
    out = out or sys.stdout
    args = _parser().parse_args(argv)
    try:
        if args.file == "-":
            data, name = sys.stdin.buffer.read(), ""
        else:
            with open(args.file, "rb") as fh:
                data, name = fh.read(), args.file
    except OSError as exc:
        print(f"cannot open {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    result = read_payments_export(
        data, file_name=name, date_order=args.date_order, default_currency=args.currency
    )
    if args.json:
        json.dump(result.to_json(), out, indent=2)
        print(file=out)
    else:
        _summary(result, out)
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
