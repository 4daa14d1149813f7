"""``./acorn edi edifact parse|contrl|validate FILE``.

parse     print each message as JSON (its document, or its problems)
contrl    print the CONTRL interchange answering FILE (accepted / rejected with UCS/UCD)
validate  list every problem with where it is; exit code 1 when there is an error
"""

import argparse
import dataclasses
import json
import sys
from datetime import date, datetime
from decimal import Decimal

from . import api
from .ack import contrl_interchange


def _jsonable(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            k: _jsonable(v) for k, v in dataclasses.asdict(value).items() if v not in (None, [], {})
        }
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if v not in (None, [], {})}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _open(path):
    if path == "-":
        return sys.stdin.buffer
    return open(path, "rb")  # noqa: SIM115 - closed by the caller


def cmd_parse(args, out):
    status = 0
    with _open(args.file) as fp:
        for ic, mres in api.iter_results(fp):
            if mres is None:
                if ic.issues:
                    entry = {"interchange": _ref(ic), "issues": [i.as_dict() for i in ic.issues]}
                    out.write(json.dumps(entry, ensure_ascii=False) + "\n")
                status = status or int(any(i.severity == "error" for i in ic.issues))
                continue
            entry = {
                "interchange": _ref(ic),
                "message": mres.ref,
                "type": mres.message.identifier,
                "ok": mres.ok,
            }
            if mres.document is not None:
                entry["document"] = _jsonable(mres.document)
            if mres.issues:
                entry["issues"] = [i.as_dict() for i in mres.issues]
            status = status or int(not mres.ok)
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return status


def _ref(ic):
    return ic.header.control_ref if ic.header else None


def cmd_validate(args, out):
    errors = warnings = messages = 0
    with _open(args.file) as fp:
        for ic, mres in api.iter_results(fp, amazon=not args.syntax_only, parse=False):
            issues = ic.issues if mres is None else mres.issues
            if mres is not None:
                messages += 1
            for issue in issues:
                if issue.severity == "error":
                    errors += 1
                else:
                    warnings += 1
                out.write("%s [%s]\n" % (issue, issue.code))
    out.write("%d message(s), %d error(s), %d warning(s)\n" % (messages, errors, warnings))
    return 1 if errors else 0


def cmd_contrl(args, out):
    with _open(args.file) as fp:
        results = api.read(fp, keep_segments=False, parse=False)
    status = 0
    for n, result in enumerate(results, 1):
        if result.header is None:
            sys.stderr.write("No UNB: nothing to acknowledge (%s)\n" % result.issues[0])
            status = 1
            continue
        ref = args.control_ref or ("C" + result.control_ref)[:14]
        if len(results) > 1 and args.control_ref:
            ref = "%s%d" % (args.control_ref[:12], n)
        out.write(contrl_interchange(result, ref, line_breaks=args.lines))
        out.write("\n")
    return status


def main(argv=None):
    parser = argparse.ArgumentParser(prog="acorn edi edifact", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="print each message as JSON")
    p.add_argument("file", help="EDIFACT file ('-' for stdin)")
    p.set_defaults(func=cmd_parse)
    p = sub.add_parser("validate", help="list problems and where they are")
    p.add_argument("file")
    p.add_argument("--syntax-only", action="store_true", help="skip Amazon's business rules")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("contrl", help="print the CONTRL answering the file")
    p.add_argument("file")
    p.add_argument("--control-ref", help="interchange reference of the CONTRL (default C<ref>)")
    p.add_argument("--lines", action="store_true", help="one segment per line")
    p.set_defaults(func=cmd_contrl)
    args = parser.parse_args(argv)
    try:
        return args.func(args, sys.stdout)
    except OSError as exc:
        sys.stderr.write("Cannot read %s: %s\n" % (args.file, exc))
        return 2


if __name__ == "__main__":
    sys.exit(main())
