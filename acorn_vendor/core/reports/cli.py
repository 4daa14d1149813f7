"""``./acorn reports parse FILE [--json] [--strict]``: read a vendor report document without
Odoo (plain or gzip JSON, as getReportDocument's URL gives it)."""

import argparse
import json
import sys

from .documents import ReportDocumentError, ReportFatalError, read_document


def build_parser():
    parser = argparse.ArgumentParser(prog="acorn reports", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    parse = sub.add_parser("parse", help="read one report document and print it")
    parse.add_argument("file", help="the document (JSON, or gzip'd JSON); - for stdin")
    parse.add_argument(
        "--json",
        action="store_true",
        help='print {"report_type", "options", "rows", "aggregate"} with Amazon\'s field names',
    )
    parse.add_argument(
        "--strict", action="store_true", help="also validate against Amazon's full JSON schema"
    )
    parse.add_argument("--type", help="the reportType expected (checked against the document)")
    return parser


def main(argv=None, out=None):
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    source = "stdin" if args.file == "-" else args.file
    try:
        if args.file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(args.file, "rb") as fh:
                data = fh.read()
    except OSError as exc:
        print(f"acorn reports: cannot read {source}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        doc = read_document(data, expected_type=args.type, source=source, strict=args.strict)
    except ReportFatalError as exc:
        print(f"acorn reports: FATAL report: {exc.error_details}", file=sys.stderr)
        print(f"hint: {exc.hint}", file=sys.stderr)
        return 1
    except ReportDocumentError as exc:
        print(f"acorn reports: {exc}", file=sys.stderr)
        return 1
    for note in doc.notes():
        print(f"note: {note}", file=sys.stderr)
    if args.json:
        json.dump(doc.to_json(), out, indent=1, ensure_ascii=False)
        out.write("\n")
        return 0
    _summary(doc, out)
    return 0


def _summary(doc, out):
    spec = doc.specification
    print(f"{doc.report_type}  marketplace {doc.marketplace_id}", file=out)
    if doc.options:
        print("options: " + ", ".join(f"{k}={v}" for k, v in doc.options.items()), file=out)
    if spec.get("dataStartTime"):
        print(f"data: {spec.get('dataStartTime')} .. {spec.get('dataEndTime')}", file=out)
    print(f"rows: {len(doc.rows)}  aggregate: {len(doc.aggregate)}", file=out)
    if doc.rows:
        text = doc.frame().head(20).to_string(index=False, max_cols=12, line_width=160)
        print(text, file=out)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
