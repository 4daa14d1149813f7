"""The Amazon Vendor dashboard opened in a real browser at the issue's size: two years of DAY
reports for 5,000 ASINs (the data database bench/bench_reports.py builds and keeps), timed from
navigation to the dashboard drawn, cold and warm, on a desktop and a phone screen, beside
Odoo's own Sales dashboard in the same run.

    python3 bench/bench_dashboard_browser.py            # the issue's size (5,000 ASINs x 730 days)
    python3 bench/bench_dashboard_browser.py --update   # update acorn_vendor in the data database
                                                        # first (after a change to the dashboard
                                                        # or the KPI table's indexes)
    python3 bench/bench_dashboard_browser.py --asins 500 --days 60   # a smaller data database
    ACORN_BENCH_VERBOSE=1 python3 bench/bench_dashboard_browser.py  # each RPC's send and answer

It needs the data database ``acorn_bench_reports_<asins>x<days>`` on the durable benchmark
cluster (run bench/bench_reports.py once; this script never loads, reloads or drops it; with
--update it only updates the module in it: the report rows and the KPI rows stay as they are,
new indexes are built), Chromium, and websocket-client (requirements-dev.txt). A data database
copied before bench_reports.py copied the filestore gets the missing files (the dashboard's
spreadsheet among them) from the benchmark database's filestore.

The page's clock is pinned to the day after the data's last day (bench_reports.LAST_DAY + 1):
the dashboard's default period is relative to today (the last 90 days), and an unpinned clock
would find fewer weeks of data each day the benchmark runs later. The run prints how many KPI
rows that period holds.

What it does, for each width (1440 px, then 390 px, Odoo's phone layout):

1. Starts Odoo on the data database (HTTP on ``--port``, ``--workers=0``, no cron) and a
   headless Chromium with an empty profile, logged in as admin (the password is set to
   ``admin`` only when it is not already: the login, not the data).
2. **Cold**: the first page load of ``/odoo/dashboards?dashboard_id=<Amazon Vendor>`` after
   Odoo started and with the browser's cache empty (assets downloaded and parsed, the
   spreadsheet bundle loaded lazily, every RPC's ORM cache empty).
3. **Warm**: the same page load three more times; the best is kept.
4. **In the app**: from the loaded home screen (``/odoo``), the dashboard opened by the
   action the Dashboards menu runs (what a click does; the web client is already there);
   best of three.
5. **Reference**: Odoo's own *Sales* dashboard (``spreadsheet_dashboard_sale``) opened the same
   way, warm, best of three: the cost of the Dashboards app and a spreadsheet on this machine
   whatever the data (it shows Odoo's sample data when the database has no sale orders, as
   here, so it makes no data queries: a floor, not a twin).

**Rendered** means: the time (from the start of the navigation, or of the action) of the
second animation frame after the last ``/web/dataset/call_kw`` response of the page, with the
dashboard drawn: the spreadsheet's grid canvas present (the phone layout has no grid: its chart
figures instead) and a canvas in each chart on screen (the spreadsheet draws a chart when it is
scrolled into view, as Odoo does), and nothing asked of the server for a further
second (so the pivots and charts have their data and were painted with it). Times come from the
page's own clock (``performance.now()``, zero at navigation start). The server side of each
RPC is read from Chromium's Network domain (request sent to response headers); the sum, the
slowest and what it asked are printed. Screenshots of the warm dashboard at each width go to
``.cache/bench-dashboard/`` (a tall window, so the pivots below the charts are in the image).
"""

import argparse
import base64
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from datetime import time as dt_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench import common  # noqa: E402
from bench.bench_reports import LAST_DAY  # noqa: E402
from tools import dev  # noqa: E402

TODAY = LAST_DAY + timedelta(days=1)  # the page's today (see PINNED_CLOCK)
# The dashboard's default period (its date filter's relative value) in days before today.
PERIOD_DAYS = {
    "last_week": 7,
    "last_month": 30,
    "last_three_months": 90,
    "last_six_months": 180,
    "last_year": 365,
}
WIDTHS = {1440: 900, 390: 844}  # width -> window height (a desktop, a phone)
SHOT_HEIGHT = {1440: 3200, 390: 2600}  # down to the inventory pivot; the phone shows charts
QUIET_S = 1.0  # nothing asked of the server for this long: the page is done
TIMEOUT_S = 120

# Before the database is served: the admin login works (set only when it does not), the
# dashboards' ids, the size of the KPI table; with the PostgreSQL settings of the prelude.
INSIDE_ODOO = r"""
import json
from odoo.exceptions import AccessDenied
admin = env.ref("base.user_admin")
try:
    admin.with_user(admin)._check_credentials(
        {"type": "password", "password": "admin"}, {"interactive": True})
    password_set = False
except AccessDenied:
    admin.password = "admin"
    env.cr.commit()
    password_set = True
sales = env.ref("spreadsheet_dashboard_sale.spreadsheet_dashboard_sales", raise_if_not_found=False)
dashboard = env.ref("acorn_vendor.spreadsheet_dashboard_amazon_vendor")
period = [f["defaultValue"] for f in json.loads(dashboard.spreadsheet_data)["globalFilters"]
          if f["type"] == "date"][0]
cfg = json.loads(%(cfg)r)
env.cr.execute("SELECT COUNT(*), MIN(week_start), MAX(week_start), "
               "COUNT(*) FILTER (WHERE week_start >= %%s::date - %%s) FROM acorn_vc_report_kpi",
               [cfg["today"], cfg["days"].get(period, 0)])
rows, first, last, in_period = env.cr.fetchone()
print("ACORN-BENCH " + json.dumps({
    "password_set": password_set,
    "amazon": dashboard.id, "period": period, "in_period": in_period,
    "sales": sales.id if sales else None,
    "kpi_rows": rows, "first_week": str(first), "last_week": str(last)}))
"""

# The page's clock, pinned to the day after the data's last day: the dashboard's period is
# relative to today, and the data stops at bench_reports.LAST_DAY, so an unpinned clock would
# read fewer weeks each day the benchmark is run later.
PINNED_CLOCK = r"""
(() => {
    const offset = %(today_ms)d - Date.now();
    const RealDate = Date;
    class PinnedDate extends RealDate {
        constructor(...args) {
            if (args.length) super(...args);
            else super(RealDate.now() + offset);
        }
        static now() {
            return RealDate.now() + offset;
        }
    }
    window.Date = PinnedDate;
})();
"""

# In every page before Odoo's code: counts the RPCs in flight and notes the second animation
# frame after each answer (the frame that paints what the answer changed), and whether the
# dashboard is drawn (see the docstring).
PAGE_PROBE = r"""
(() => {
    const bench = (window.__bench = { pending: 0, rpcs: 0, paintedAt: 0, activeAt: 0, t0: 0 });
    const open = XMLHttpRequest.prototype.open;
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.open = function (method, url) {
        this.__benchUrl = String(url);
        return open.apply(this, arguments);
    };
    XMLHttpRequest.prototype.send = function () {
        if (this.__benchUrl.includes("/web/dataset/call_kw")) {
            bench.pending++;
            bench.rpcs++;
            bench.activeAt = performance.now();
            const entry = { url: this.__benchUrl, sent: bench.activeAt };
            (bench.log = bench.log || []).push(entry);
            this.addEventListener("loadend", () => {
                bench.pending--;
                bench.activeAt = entry.answered = performance.now();
                setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(() => {
                    bench.paintedAt = performance.now();
                })), 0);
            });
        }
        return send.apply(this, arguments);
    };
    bench.drawn = (charts) => {
        const root = document.querySelector(".o_spreadsheet_dashboard_action");
        if (!root || root.querySelector(".dashboard-loading-status")) return false;
        const grid = root.querySelector(".o-grid canvas");
        const mobile = root.querySelector(".o_mobile_dashboard");
        const shown = [...root.querySelectorAll(".o-chart-container")];
        const drawn = shown.filter((chart) => chart.querySelector("canvas"));
        return Boolean(grid || mobile) && drawn.length === shown.length && drawn.length >= charts;
    };
})();
"""


class Browser:
    """Headless Chromium over the DevTools protocol: one page, its Network events kept."""

    def __init__(self, port):
        import websocket  # noqa: PLC0415 - a dev requirement, only for this benchmark

        self.profile = tempfile.mkdtemp(prefix="acorn-bench-chromium-")
        self.proc = subprocess.Popen(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        tabs = None
        for _ in range(100):
            with contextlib.suppress(requests.ConnectionError):
                tabs = requests.get(f"http://127.0.0.1:{port}/json", timeout=5).json()
                break
            time.sleep(0.2)
        if tabs is None:
            self.close()
            sys.exit("Chromium did not open its DevTools port")
        page = next(t for t in tabs if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=TIMEOUT_S)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if msg.get("method", "").startswith("Network."):
                self.events.append(msg)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self):
        with contextlib.suppress(Exception):
            self.ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def server_rpcs(events):
    """The call_kw RPCs in ``events``: (server ms, what it asked), from the Network domain."""
    asked, timings = {}, {}
    for event in events:
        params = event["params"]
        if event["method"] == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if "/web/dataset/call_kw" in url:
                asked[params["requestId"]] = describe(url, params["request"].get("postData"))
        elif event["method"] == "Network.responseReceived":
            timing = params["response"].get("timing")
            if params["requestId"] in asked and timing:
                timings[params["requestId"]] = timing["receiveHeadersEnd"] - timing["sendEnd"]
    return [(ms, asked[rid]) for rid, ms in timings.items()]


def describe(url, body):
    """model.method and the group-by of an RPC, to name the slowest one."""
    name = url.rsplit("/call_kw/", 1)[-1]
    try:
        kwargs = json.loads(body or "{}")["params"].get("kwargs", {})
    except (ValueError, AttributeError):
        return name
    groupby = kwargs.get("groupby")
    return f"{name} by {','.join(groupby)}" if groupby else name


def wait_rendered(browser, ready, since=0.0):
    """Page time (ms, from ``since``) the page was rendered (see the docstring) once the
    JavaScript expression ``ready`` holds, and the count of RPCs."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        time.sleep(0.1)
        state = browser.evaluate(
            "window.__bench && JSON.stringify({pending: __bench.pending, rpcs: __bench.rpcs, "
            f"painted: __bench.paintedAt, active: __bench.activeAt, ready: Boolean({ready}), "
            "now: performance.now(), log: __bench.log || []})"
        )
        if not state:
            continue
        state = json.loads(state)
        quiet = state["now"] - max(state["active"], state["painted"]) > QUIET_S * 1000
        if state["ready"] and not state["pending"] and quiet:
            if os.environ.get("ACORN_BENCH_VERBOSE"):  # when each RPC went and came back
                for entry in (e for e in state["log"] if e["sent"] >= since):
                    sent, answered = entry["sent"] - since, entry.get("answered", 0) - since
                    print(
                        f"    {sent:7.0f} -> {answered:7.0f} ms {entry['url'].rsplit('/', 2)[1:]}"
                    )
                print(f"    painted {state['painted'] - since:.0f} ms")
            return max(state["painted"], since) - since, state["rpcs"]
    sys.exit(f"not rendered within {TIMEOUT_S} s: {ready}")


def open_page(browser, base, path, charts):
    """Navigate to the dashboard at ``path``; (ms to rendered, RPCs, Network events)."""
    browser.events = []
    browser.call("Page.navigate", url=base + path)
    ms, rpcs = wait_rendered(browser, f"__bench.drawn({charts})")
    return ms, rpcs, browser.events


def open_in_app(browser, base, dashboard_id, charts):
    """From the loaded web client (``/odoo``), run the Dashboards action on ``dashboard_id``."""
    browser.call("Page.navigate", url=base + "/odoo")
    wait_rendered(
        browser, "window.odoo && odoo.__WOWL_DEBUG__ && document.querySelector('.o_main_navbar')"
    )
    browser.events = []
    since = browser.evaluate(
        "(() => { const t0 = performance.now(); __bench.rpcs = 0; "
        "odoo.__WOWL_DEBUG__.root.env.services.action.doAction({type: 'ir.actions.client', "
        f"tag: 'action_spreadsheet_dashboard', params: {{dashboard_id: {dashboard_id}}}}}); "
        "return t0; })()"
    )
    ms, rpcs = wait_rendered(browser, f"__bench.drawn({charts})", since)
    return ms, rpcs, browser.events


def summary(ms, rpcs, events):
    server = server_rpcs(events)
    slowest = max(server, default=(0, "-"))
    return {
        "s": ms / 1000,
        "rpcs": rpcs,
        "server_s": sum(t for t, _ in server) / 1000,
        "slowest_s": slowest[0] / 1000,
        "slowest": slowest[1],
    }


def start_odoo(odoo, pg, db, port, log):
    # Without --db-filter, -d is the one database served: the data database belongs to
    # PostgreSQL's superuser (copied by psql), so the filter's listing would not find it.
    base = [a for a in dev.odoo_base_args(odoo, pg, db, port) if not a.startswith("--db-filter")]
    cmd = [
        *base,
        "--workers=0",
        "--max-cron-threads=0",
        f"--logfile={log}",
    ]
    proc = subprocess.Popen(cmd, env={**os.environ, **odoo.env}, stdout=subprocess.DEVNULL)
    for _ in range(600):
        if proc.poll() is not None:
            sys.exit(f"Odoo stopped at start (see {log})")
        with contextlib.suppress(requests.ConnectionError):
            # 303 to the database selector while the registry loads, 200 once it serves
            url = f"http://127.0.0.1:{port}/web/login"
            if requests.get(url, timeout=30, allow_redirects=False).status_code == 200:
                # One static file first, alone: the first static request reads every
                # add-on's manifest, and Python 3.11's parser can fail when the browser's
                # parallel requests do it at once (a 500 on the web client's bundle).
                requests.get(f"http://127.0.0.1:{port}/web/static/img/favicon.ico", timeout=30)
                return proc
        time.sleep(0.2)
    proc.terminate()
    sys.exit(f"Odoo did not answer on port {port} (see {log})")


def login(base):
    session = requests.Session()
    page = session.get(base + "/web/login", timeout=60).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(
        base + "/web/login",
        data={"login": "admin", "password": "admin", "csrf_token": csrf},
        timeout=60,
    )
    if "session_id" not in session.cookies or not session.get(base + "/odoo", timeout=60).ok:
        sys.exit("login as admin failed")
    return session.cookies["session_id"]


def measure_width(args, odoo, pg, db, ids, width):
    """Everything for one width, with its own Odoo start (so the first open is cold)."""
    base = f"http://127.0.0.1:{args.port}"
    folder = dev.CACHE / "bench-dashboard"
    folder.mkdir(parents=True, exist_ok=True)
    server = start_odoo(odoo, pg, db, args.port, folder / "odoo.log")
    browser = None
    try:
        sid = login(base)
        browser = Browser(args.chrome_port)
        browser.call("Network.enable")
        browser.call("Page.enable")
        today_ms = datetime.combine(TODAY, dt_time(12)).timestamp() * 1000
        pinned = PINNED_CLOCK % {"today_ms": today_ms}
        browser.call("Page.addScriptToEvaluateOnNewDocument", source=pinned + PAGE_PROBE)
        browser.call(
            "Network.setCookie", name="session_id", value=sid, domain="127.0.0.1", path="/"
        )

        def size(height):
            browser.call(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=height,
                deviceScaleFactor=1,
                mobile=width < 500,
            )

        size(WIDTHS[width])
        amazon = f"/odoo/dashboards?dashboard_id={ids['amazon']}"
        out = {"cold": summary(*open_page(browser, base, amazon, args.charts))}
        runs = [summary(*open_page(browser, base, amazon, args.charts)) for _ in range(args.rounds)]
        out["warm"] = min(runs, key=lambda r: r["s"])
        runs = [
            summary(*open_in_app(browser, base, ids["amazon"], args.charts))
            for _ in range(args.rounds)
        ]
        out["in_app"] = min(runs, key=lambda r: r["s"])
        if ids["sales"]:
            runs = [
                summary(*open_in_app(browser, base, ids["sales"], 0)) for _ in range(args.rounds)
            ]
            out["reference"] = min(runs, key=lambda r: r["s"])
        size(SHOT_HEIGHT[width])
        open_page(browser, base, amazon, args.charts)
        shot = folder / f"amazon-vendor-{width}.png"
        shot.write_bytes(
            base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
        )
        out["shot"] = str(shot)
        return out
    finally:
        if browser:
            browser.close()
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


def line(label, t):
    return (
        f"  {label:34} {t['s']:.2f} s to rendered; {t['rpcs']} RPCs, server {t['server_s']:.2f} s "
        f"in all, slowest {t['slowest_s']:.2f} s ({t['slowest']})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--asins", type=int, default=5000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--port", type=int, default=8089, help="Odoo's HTTP port")
    parser.add_argument("--chrome-port", type=int, default=9339, help="Chromium's DevTools port")
    parser.add_argument("--rounds", type=int, default=3, help="warm opens; the best is kept")
    parser.add_argument(
        "--charts", type=int, default=1, help="charts on the first screen, at least"
    )
    parser.add_argument(
        "--widths", default="1440,390", help="window widths in px, among 1440 and 390"
    )
    parser.add_argument(
        "--update", action="store_true", help="update acorn_vendor in the data database first"
    )
    args = parser.parse_args()
    widths = [int(w) for w in args.widths.split(",")]
    if not set(widths) <= set(WIDTHS):
        sys.exit(f"--widths: among {', '.join(map(str, WIDTHS))}")
    if not shutil.which("chromium"):
        sys.exit("chromium not found")

    odoo, pg = common.odoo_and_postgres(dev)
    db = f"acorn_bench_reports_{args.asins}x{args.days}"
    if not pg.db_exists(db):
        sys.exit(
            f"{db} is missing: run python3 bench/bench_reports.py --asins {args.asins} "
            f"--days {args.days} first"
        )
    # Data databases made before bench_reports.py copied the filestore lack its files.
    copied = common.copy_filestore(dev, pg, common.BENCH_DB, db)
    if args.update:
        common.build(dev, odoo, pg, db, exists=True)
    info = common.run_in_odoo(
        dev, odoo, pg, db, INSIDE_ODOO, {"today": str(TODAY), "days": PERIOD_DAYS}
    )
    results = {width: measure_width(args, odoo, pg, db, info, width) for width in widths}
    common.print_context(info)
    print(
        f"data: {db}, {info['kpi_rows']:,} KPI rows (Amazon weeks {info['first_week']} to "
        f"{info['last_week']}); admin password {'set' if info['password_set'] else 'kept'}; "
        f"{copied} files copied to its filestore"
    )
    print(
        f"the dashboard's default period: {info['period']} before {TODAY} (the page's clock, "
        f"pinned): {info['in_period']:,} KPI rows"
    )
    for width, out in results.items():
        print(f"Amazon Vendor dashboard at {width} px (rendered: see the docstring):")
        print(line("cold page load (first after start)", out["cold"]))
        print(line(f"warm page load (best of {args.rounds})", out["warm"]))
        print(line(f"in the app, warm (best of {args.rounds})", out["in_app"]))
        if "reference" in out:
            print(line("reference: Odoo's Sales dashboard", out["reference"]))
        print(f"  screenshot: {out['shot']}")
    print(f"load average at the end: {common.load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
