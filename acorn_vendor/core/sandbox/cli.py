"""``./acorn sandbox``: run, reset and inspect the local Vendor Central.

    ./acorn sandbox serve --db vc.sqlite --port 8710 --seed 1 --pos-per-day 50 \\
        --history-days 730 [--faults 503:getPurchaseOrders:2,slow:*:1:3]
    ./acorn sandbox reset --db vc.sqlite
    ./acorn sandbox status [--url http://127.0.0.1:8710 | --db vc.sqlite]

serve prints the SP-API base URL, the LWA token URL and the LWA credentials to configure in
Acorn (or any SP-API client), then serves until Ctrl-C. Settings are those of SandboxConfig
(see the package docstring); --faults takes a JSON list, a .json file or short forms
kind[:operation[:count[:seconds]]] separated by commas.
"""

import argparse
import json
import logging
import os
import signal
import sqlite3
import sys
import time
from urllib.error import URLError
from urllib.request import urlopen

from .config import FAULT_KINDS, SandboxConfig, parse_faults_arg

DEFAULT_PORT = 8710


def _parser():
    parser = argparse.ArgumentParser(prog="acorn sandbox", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the sandbox in the foreground")
    serve.add_argument("--db", required=True, help="SQLite file (created if missing)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--seed", type=int, default=1)
    serve.add_argument("--pos-per-day", type=float, default=50.0)
    serve.add_argument("--history-days", type=int, default=730)
    serve.add_argument("--lines-min", type=int, default=1)
    serve.add_argument("--lines-max", type=int, default=20)
    serve.add_argument("--marketplace", default="US")
    serve.add_argument("--vendor-codes", default="ACRN1,ACRN2")
    serve.add_argument("--catalogue", help="catalogue JSON (products, fulfilment_centres)")
    serve.add_argument("--start-time", help="sandbox clock at creation (ISO-8601)")
    serve.add_argument("--clock-speed", type=float, default=1.0)
    serve.add_argument("--transaction-delay", type=float, default=60.0)
    serve.add_argument("--token-ttl", type=int, default=3600)
    serve.add_argument("--shortage-rate", type=float, default=0.05)
    serve.add_argument("--no-throttle", action="store_true", help="disable the token buckets")
    serve.add_argument(
        "--strict", action="store_true", help="check every response against the official models"
    )
    serve.add_argument("--faults", help="faults active at start; kinds: " + ", ".join(FAULT_KINDS))
    serve.add_argument("-v", "--verbose", action="store_true")
    reset = sub.add_parser(
        "reset", help="delete the sandbox state (history is regenerated on the next serve)"
    )
    reset.add_argument("--db", required=True)
    status = sub.add_parser("status", help="show URL, credentials, clock and counts")
    status.add_argument("--url", default=f"http://127.0.0.1:{DEFAULT_PORT}")
    status.add_argument("--db", help="read a sandbox file directly instead of asking the server")
    return parser


def _serve(args):
    from .server import SandboxServer

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    cfg = SandboxConfig(
        seed=args.seed,
        marketplace=args.marketplace,
        vendor_codes=args.vendor_codes,
        pos_per_day=args.pos_per_day,
        history_days=args.history_days,
        lines_min=args.lines_min,
        lines_max=args.lines_max,
        catalogue=args.catalogue,
        start_time=args.start_time,
        clock_speed=args.clock_speed,
        transaction_delay=args.transaction_delay,
        token_ttl=args.token_ttl,
        shortage_rate=args.shortage_rate,
        throttle=not args.no_throttle,
        strict=args.strict,
        faults=parse_faults_arg(args.faults) if args.faults else [],
    )
    started = time.perf_counter()
    try:
        server = SandboxServer(cfg, args.db, host=args.host, port=args.port)
    except OSError as exc:
        print(
            f"acorn sandbox: cannot listen on {args.host}:{args.port}: {exc.strerror}; "
            "choose another --port",
            file=sys.stderr,
        )
        return 1
    print(f"Acorn sandbox ready in {time.perf_counter() - started:.1f}s")
    _print_status(server.status())
    sys.stdout.flush()

    def terminate(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Stopping sandbox")
    finally:
        server.stop()
    return 0


def _print_status(status, stats=None):
    print(f"SP-API base URL : {status['url']}")
    print(f"LWA token URL   : {status.get('token_url') or status['url'] + '/auth/o2/token'}")
    print(f"Marketplace     : {status['marketplace']} ({status.get('marketplaceId', '')})")
    print(f"Sandbox clock   : {status['now']}")
    print("Credentials     : " + json.dumps(status["credentials"]))
    if stats:
        print("Stats           : " + json.dumps(stats, indent=2, sort_keys=True))


def _status(args):
    if args.db:
        if not os.path.exists(args.db):
            print(f"No sandbox database at {args.db}", file=sys.stderr)
            return 1
        conn = sqlite3.connect(args.db)
        meta = {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM meta")}
        counts = dict(conn.execute("SELECT state, COUNT(*) FROM pos GROUP BY state"))
        txs = dict(conn.execute("SELECT status, COUNT(*) FROM transactions GROUP BY status"))
        conn.close()
        if "seed" not in meta:
            print(f"{args.db} holds no sandbox yet", file=sys.stderr)
            return 1
        from .common import iso

        base, _real = meta.get("clock", [meta.get("epoch"), 0])
        _print_status(
            {
                "url": meta.get("url", "(not running)"),
                "marketplace": meta.get("marketplace"),
                "marketplaceId": _marketplace_id(meta.get("marketplace")),
                "now": iso(base) + " (when last saved)",
                "credentials": meta.get("credentials"),
            },
            {"seed": meta["seed"], "purchaseOrders": counts, "transactions": txs},
        )
        return 0
    try:
        with urlopen(args.url.rstrip("/") + "/_sandbox/status", timeout=5) as resp:
            status = json.load(resp)
        with urlopen(args.url.rstrip("/") + "/_sandbox/stats", timeout=5) as resp:
            stats = json.load(resp)
    except (URLError, OSError, ValueError) as exc:
        print(f"No sandbox answering at {args.url}: {exc}", file=sys.stderr)
        return 1
    _print_status(status, stats)
    return 0


def _marketplace_id(code):
    from ..marketplaces import MARKETPLACES

    return MARKETPLACES[code].marketplace_id if code in MARKETPLACES else ""


def _reset(args):
    removed = False
    for suffix in ("", "-wal", "-shm"):
        path = args.db + suffix
        if os.path.exists(path):
            os.remove(path)
            removed = True
    print(f"Sandbox state {'removed' if removed else 'was already absent'}: {args.db}")
    return 0


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        return {"serve": _serve, "reset": _reset, "status": _status}[args.command](args)
    except ValueError as exc:
        print(f"acorn sandbox: {exc}", file=sys.stderr)
        return 2
