"""``./acorn edi ...``: read, acknowledge and validate EDI files from the command line.

    ./acorn edi parse FILE      summary of interchanges / transaction sets and every error
    ./acorn edi ack FILE        print the 997 functional acknowledgement for FILE
    ./acorn edi validate FILE   errors only; exit 1 when there are any
    ./acorn edi edifact ...     the EDIFACT tools (parse | validate | contrl)
    ./acorn edi partner --out DIR --in DIR --sender ID --receiver ID [--watch SECONDS]
                                play Amazon over a folder pair: answer each new file Acorn
                                wrote to DIR (out) with a 997 / CONTRL in DIR (in), once

An EDIFACT file (starting with UNA or UNB) given to parse/validate/ack is handed to the EDIFACT
tools (ack answers with a CONTRL there).

Exit codes: 0 clean, 1 errors found in the file, 2 the file cannot be opened.
"""

import argparse
import logging
import sys

from .x12 import X12Reader, acknowledge

_logger = logging.getLogger(__name__)


def _open(path):
    if path == "-":
        return sys.stdin.buffer
    return open(path, "rb")  # the caller closes it


def _describe(tx):
    doc = tx.document
    number = (
        getattr(doc, "number", None)
        or getattr(doc, "shipment_id", None)
        or getattr(doc, "purchase_order_number", None)
        or getattr(doc, "payment_reference", None)
        or getattr(doc, "adjustment_number", None)
        or getattr(doc, "reference", None)
        or ""
    )
    lines = getattr(doc, "items", None) or getattr(doc, "lines", None) or []
    what = type(doc).__name__ if doc is not None else "unreadable"
    return f"{what} {number}".strip() + (f", {len(lines)} lines" if lines else "")


def _run(path, out, summary):
    try:
        fh = _open(path)
    except OSError as exc:
        print(f"cannot open {path}: {exc.strerror}", file=sys.stderr)
        return 2
    errors = 0
    warnings = 0
    count = 0
    with fh:
        reader = X12Reader(fh, keep_acks="errors")
        for tx in reader:
            count += 1
            bad = [i for i in tx.issues if i.severity == "error"]
            errors += len(bad)
            warnings += len(tx.issues) - len(bad)
            if summary:
                state = "OK " if not bad else "ERR"
                print(
                    f"{state} ISA {tx.interchange.control} GS {tx.group.control} "
                    f"{tx.set_id} {tx.control}: {_describe(tx)}",
                    file=out,
                )
            for issue in tx.issues:
                print(f"    {issue}", file=out)
        for issue in reader.issues:
            print(f"    {issue}", file=out)
            errors += issue.severity == "error"
        if summary:
            groups = sum(len(i.groups) for i in reader.interchanges)
            print(
                f"{len(reader.interchanges)} interchange(s), {groups} group(s), {count} "
                f"transaction set(s), {errors} error(s), {warnings} warning(s)",
                file=out,
            )
        elif not errors:
            print(f"{path}: valid ({count} transaction sets)", file=out)
    return 1 if errors else 0


def _is_edifact(path):
    if path == "-":
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head[:3] in (b"UNA", b"UNB")


def _partner(argv):
    """``./acorn edi partner``: the local Amazon trading partner (core/partner.py)."""
    from . import exchange, partner

    parser = argparse.ArgumentParser(
        prog="acorn edi partner",
        description="Play Amazon over local folders: answer what Acorn sends with 997/CONTRL.",
    )
    parser.add_argument("--out", required=True, help="Acorn's outbound folder (read)")
    parser.add_argument("--in", dest="in_dir", required=True, help="Acorn's inbox (written)")
    parser.add_argument("--sender", required=True, help="Acorn's interchange id (ISA06/UNB)")
    parser.add_argument("--receiver", required=True, help="Amazon's interchange id (ISA08/UNB)")
    parser.add_argument("--sender-qualifier", help="default ZZ (X12) / 14 (EDIFACT)")
    parser.add_argument("--receiver-qualifier", help="default ZZ (X12) / 14 (EDIFACT)")
    parser.add_argument("--standard", choices=exchange.STANDARDS, default="x12")
    parser.add_argument("--version", default="4010", help="X12 version of the 997s")
    parser.add_argument("--production", action="store_true", help="usage P instead of T")
    parser.add_argument("--state", help="the partner's own folder (default: partner/ by --out)")
    parser.add_argument("--watch", type=float, metavar="SECONDS", help="repeat until Ctrl-C")
    args = parser.parse_args(argv)
    qualifier = "ZZ" if args.standard == "x12" else "14"
    profile = exchange.Profile(
        args.standard,
        args.version,
        args.sender,
        args.sender_qualifier or qualifier,
        args.receiver,
        args.receiver_qualifier or qualifier,
        test=not args.production,
    )
    try:
        amazon = partner.Partner(args.out, args.in_dir, profile, state_dir=args.state)
        if args.watch:
            try:
                amazon.watch(args.watch)
            except KeyboardInterrupt:
                return 0
        answers = amazon.run_once()
    except partner.folder.TransportError as exc:
        print(f"partner: {exc}", file=sys.stderr)
        return 2
    for answer in answers:
        print(answer.line())
    if not answers:
        print("nothing new to answer")
    return 0


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["partner"]:
        return _partner(argv[1:])
    if argv[:1] == ["edifact"] or (
        len(argv) >= 2 and argv[0] in ("parse", "validate", "ack") and _is_edifact(argv[1])
    ):
        from .edifact import cli as edifact_cli

        rest = argv[1:] if argv[0] == "edifact" else argv
        if rest[:1] == ["ack"]:
            rest = ["contrl", *rest[1:]]
        return edifact_cli.main(rest)
    parser = argparse.ArgumentParser(prog="acorn edi", description="Amazon X12 EDI tools")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (
        ("parse", "summary of the file and its errors"),
        ("ack", "print the 997 for the file"),
        ("validate", "check the file; exit 1 on errors"),
    ):
        cmd = sub.add_parser(name, help=helptext)
        cmd.add_argument("file", help="X12 file ('-' = standard input)")
    args = parser.parse_args(argv)
    if args.command == "ack":
        try:
            fh = _open(args.file)
        except OSError as exc:
            print(f"cannot open {args.file}: {exc.strerror}", file=sys.stderr)
            return 2
        with fh:
            text, result = acknowledge(fh)
        if not text:
            print("nothing to acknowledge (no functional group other than 997s)", file=sys.stderr)
            return 1
        sys.stdout.write(text)
        return 0 if result.ok else 1
    return _run(args.file, sys.stdout, summary=args.command == "parse")
