"""``./acorn spapi check|orders|transaction``: the client from a shell.

Credentials come from flags or, better (flags show in ``ps``), environment variables:
ACORN_LWA_CLIENT_ID, ACORN_LWA_CLIENT_SECRET, ACORN_LWA_REFRESH_TOKEN, ACORN_SPAPI_ENDPOINT,
ACORN_LWA_TOKEN_URL, ACORN_SPAPI_REGION.
"""

import argparse
import json
import logging
import os
import sys
from datetime import timedelta

from .auth import Credentials
from .client import SpApiClient
from .dates import format_utc, parse_datetime, utcnow
from .errors import SpApiError

ENV = {
    "client_id": "ACORN_LWA_CLIENT_ID",
    "client_secret": "ACORN_LWA_CLIENT_SECRET",
    "refresh_token": "ACORN_LWA_REFRESH_TOKEN",
    "endpoint": "ACORN_SPAPI_ENDPOINT",
    "token_url": "ACORN_LWA_TOKEN_URL",
    "region": "ACORN_SPAPI_REGION",
}


def _datetime(text):
    try:
        return parse_datetime(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser():
    parser = argparse.ArgumentParser(prog="acorn spapi", description=__doc__.split("\n")[0])
    common = argparse.ArgumentParser(add_help=False)
    for name in ("client_id", "client_secret", "refresh_token", "endpoint", "token_url"):
        common.add_argument("--" + name.replace("_", "-"), dest=name, help=f"default: ${ENV[name]}")
    common.add_argument(
        "--region", choices=("NA", "EU", "FE"), help="default: $ACORN_SPAPI_REGION or NA"
    )
    common.add_argument("--timeout", type=float, default=30.0, help="read timeout, seconds")
    common.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", parents=[common], help="token exchange + one cheap call")
    orders = sub.add_parser("orders", parents=[common], help="list purchase orders (JSON lines)")
    orders.add_argument("--created-after", type=_datetime, help="default: 7 days ago")
    orders.add_argument("--created-before", type=_datetime)
    orders.add_argument("--changed-after", type=_datetime)
    orders.add_argument("--changed-before", type=_datetime)
    orders.add_argument("--state", choices=("New", "Acknowledged", "Closed"))
    orders.add_argument("--vendor-code", help="orderingVendorCode")
    orders.add_argument("--no-details", action="store_true", help="PO numbers and states only")
    orders.add_argument("--max", type=int, default=0, help="stop after N orders (0: all)")
    tx = sub.add_parser("transaction", parents=[common], help="status of a submission")
    tx.add_argument("transaction_id")
    return parser


def client_from_args(args):
    def pick(name):
        return getattr(args, name, None) or os.environ.get(ENV[name]) or None

    creds = Credentials(pick("client_id"), pick("client_secret"), pick("refresh_token"))
    return SpApiClient(
        creds,
        region=pick("region") or "NA",
        endpoint=pick("endpoint"),
        token_url=pick("token_url"),
        timeout=(5, args.timeout),
    )


def main(argv=None, out=None):
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        client = client_from_args(args)
        if args.command == "check":
            print(client.check_connection(), file=out)
        elif args.command == "orders":
            _orders(client, args, out)
        elif args.command == "transaction":
            print(json.dumps(client.get_transaction(args.transaction_id), indent=2), file=out)
    except SpApiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _orders(client, args, out):
    filters = {
        "createdAfter": args.created_after,
        "createdBefore": args.created_before,
        "changedAfter": args.changed_after,
        "changedBefore": args.changed_before,
        "purchaseOrderState": args.state,
        "orderingVendorCode": args.vendor_code,
        "includeDetails": not args.no_details,
    }
    if not (args.created_after or args.changed_after):
        filters["createdAfter"] = utcnow() - timedelta(days=7)
    count = 0
    for order in client.iter_purchase_orders(**filters):
        print(json.dumps(order, separators=(",", ":")), file=out)
        count += 1
        if args.max and count >= args.max:
            break
    since = format_utc(filters["createdAfter"] or filters["changedAfter"])
    print(f"{count} purchase order(s) since {since}", file=sys.stderr)
