"""Acorn's dev loop: find Odoo, run a private PostgreSQL, build databases, run every suite.

Nothing here touches a PostgreSQL or database the user already has: the cluster lives under
``.cache/pg`` (or a private /var/tmp folder when the checkout is not reachable by the
``postgres`` user), listens on its own port and socket, and trusts local connections only.
"""

import argparse
import atexit
import contextlib
import getpass
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from tools import test_report
from tools.test_report import Suite

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
ADDONS = ("acorn_vendor", "acorn_vendor_edi")
# Modules the demo and test databases start from besides ours (ours pull the rest in).
ODOO_BRANCH = "18.0"
ODOO_GIT = "https://github.com/odoo/odoo.git"
DEFAULT_PG_PORT = 54329
DB_USER = "acorn"
QUEUE_JOB_REQ = "odoo-addon-queue_job>=18.0,<18.1"


def say(msg):
    print(f"[acorn] {msg}", flush=True)


def banner(msg):
    line = "!" * 78
    print(f"\n{line}\n!! {msg}\n{line}\n", flush=True)


def run(cmd, check=True, **kw):
    """subprocess.run that, on failure, shows what the command said before stopping."""
    try:
        return subprocess.run(cmd, check=check, **kw)
    except subprocess.CalledProcessError as exc:
        for stream in (exc.stdout, exc.stderr):
            if stream:
                sys.stderr.write(
                    stream if isinstance(stream, str) else stream.decode(errors="replace")
                )
        sys.exit(f"[acorn] command failed ({exc.returncode}): {' '.join(map(str, cmd))}")


# --------------------------------------------------------------------------- Odoo discovery


@dataclass
class OdooInstall:
    python: list  # command prefix that runs odoo-bin
    source: str  # how it was found, shown to the user
    env: dict = field(default_factory=dict)

    def command(self, *args):
        return [*self.python, *args]

    def addons_paths(self):
        """Odoo's own add-on folders (core + OCA wheels), then this repository."""
        code = "import odoo.addons, os; print(os.pathsep.join(odoo.addons.__path__))"
        out = run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**os.environ, **self.env},
        ).stdout.strip()
        paths = [p for p in out.split(os.pathsep) if p and Path(p).is_dir()]
        return [*paths, str(ROOT)]


def _odoo_version(python_env):
    code = "import odoo.release as r; print(r.version_info[0])"
    res = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **python_env},
        cwd="/",
    )
    return res.stdout.strip() if res.returncode == 0 else None


def find_odoo(allow_clone=True):
    """Return (OdooInstall or None, list of reasons for what was tried)."""
    tried = []
    version = _odoo_version({})
    if version == "18":
        return OdooInstall([sys.executable, "-m", "odoo"], "odoo importable by python3"), tried
    tried.append(
        f"python3 cannot import Odoo 18 (found version {version})"
        if version
        else "python3 cannot import odoo"
    )
    candidates = []
    if os.environ.get("ODOO_PATH"):
        candidates.append(("ODOO_PATH", Path(os.environ["ODOO_PATH"])))
    else:
        tried.append("ODOO_PATH is not set")
    candidates.append(("cached clone", CACHE / "odoo"))
    for label, path in candidates:
        if not (path / "odoo-bin").exists():
            if label != "cached clone":
                tried.append(f"{label}={path} holds no odoo-bin")
            continue
        env = {
            "PYTHONPATH": os.pathsep.join(filter(None, [str(path), os.environ.get("PYTHONPATH")]))
        }
        if _odoo_version(env) == "18":
            return (
                OdooInstall([sys.executable, str(path / "odoo-bin")], f"{label} {path}", env),
                tried,
            )
        tried.append(f"{label} {path} is not an importable Odoo 18 (missing requirements?)")
    if allow_clone:
        target = CACHE / "odoo"
        say(f"cloning upstream Odoo {ODOO_BRANCH} into {target} (needs network access)")
        try:
            res = subprocess.run(
                ["git", "clone", "--depth", "1", "-b", ODOO_BRANCH, ODOO_GIT, str(target)],
                timeout=1800,
                check=False,
                # Give up on a stalled connection instead of hanging a closed network.
                env={
                    **os.environ,
                    "GIT_TERMINAL_PROMPT": "0",
                    "GIT_HTTP_LOW_SPEED_LIMIT": "1000",
                    "GIT_HTTP_LOW_SPEED_TIME": "60",
                },
            )
        except subprocess.TimeoutExpired:
            res = subprocess.CompletedProcess([], 1)
        if res.returncode == 0:
            pip_install(["-r", str(target / "requirements.txt")])
            return find_odoo(allow_clone=False)[0], tried
        tried.append(f"git clone {ODOO_GIT} failed (no network?)")
    return None, tried


# --------------------------------------------------------------------------- installs


def have_module(name):
    code = f"import importlib.util,sys; sys.exit(importlib.util.find_spec({name!r}) is None)"
    return subprocess.run([sys.executable, "-c", code], cwd="/", check=False).returncode == 0


def pip_install(args):
    run([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "-q", *args])


def pg_bindir():
    for base in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (base / "initdb").exists():
            return base
    found = shutil.which("initdb") or shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _missing_debian_packages(with_dev):
    """Debian packages to install: the PostgreSQL server always, test tools for `test`."""
    missing = []
    if pg_bindir() is None:
        missing += ["postgresql", "libpq-dev"]
    if not shutil.which("wkhtmltopdf"):
        missing.append("wkhtmltopdf")  # Odoo's PDF reports: GS1-128 carton/pallet labels
    if with_dev and not shutil.which("docker-compose"):
        missing.append("docker-compose")  # checks docker/docker-compose.yml offline
    if with_dev and not (shutil.which("chromium") or shutil.which("chromium-browser")):
        missing.append("chromium")  # Odoo's tours (HttpCase.start_tour) drive it headless
    if with_dev and not Path("/usr/sbin/sshd").exists():
        missing.append("openssh-server")  # the SFTP transport's tests run a real sshd
    return missing


def ensure_installed(with_dev=True):
    """Install what is missing: Debian packages, Python requirements."""
    missing = _missing_debian_packages(with_dev)
    if missing:
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            sys.exit(f"Missing Debian packages {' '.join(missing)}: install them (apt-get).")
        say(f"installing {' '.join(missing)} with apt-get")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)
    reqs = ROOT / ("requirements-dev.txt" if with_dev else "requirements.txt")
    digest = hashlib.sha1(b"".join(p.read_bytes() for p in sorted(ROOT.glob("requirements*.txt"))))
    stamp = CACHE / f"{reqs.name}.{digest.hexdigest()[:12]}.ok"
    if not stamp.exists():
        say(f"installing Python requirements from {reqs.name}")
        pip_install(["-r", str(reqs)])
        CACHE.mkdir(exist_ok=True)
        stamp.touch()


def ensure_queue_job(odoo):
    """OCA queue_job: its wheel declares ``odoo`` as a dependency, which PyPI does not have."""
    code = "import odoo.addons.queue_job"
    res = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        env={**os.environ, **odoo.env},
        cwd="/",
        check=False,
    )
    if res.returncode != 0:
        say(f"installing OCA queue_job ({QUEUE_JOB_REQ}) without its odoo dependency")
        pip_install(["--no-deps", QUEUE_JOB_REQ])


# --------------------------------------------------------------------------- PostgreSQL


class Postgres:
    """A private cluster: its own data folder, port and socket; trust for local users only."""

    def __init__(self, durable=False):
        """``durable``: a second cluster (.cache/pg-bench) with PostgreSQL's crash-safe
        defaults, for benchmarks a user compares with production; the default cluster turns
        fsync, synchronous_commit and full_page_writes off to make tests fast."""
        self.bindir = pg_bindir()
        self.durable = durable
        name = "pg-bench" if durable else "pg"
        self.data = CACHE / name / "data"
        self.as_postgres = os.geteuid() == 0  # the server refuses to run as root
        if self.as_postgres and not self._postgres_can_use(CACHE):
            # The checkout is in a folder the postgres user cannot enter (e.g. /root).
            key = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
            self.data = Path("/var/tmp") / f"acorn-{name}-{key}" / "data"
        self.socket_dir = self.data.parent / "run"
        if len(str(self.socket_dir)) > 80:  # unix socket paths are limited to 107 bytes
            key = hashlib.sha1(str(self.data).encode()).hexdigest()[:10]
            self.socket_dir = Path("/tmp") / f"acorn-pg-{key}"
        self.log = self.data.parent / "server.log"
        self.port = self._port()

    def _port(self):
        """ACORN_PG_PORT, else the port this cluster was created with, else 54329 when free
        (another checkout's cluster may hold it), else any free port. The durable cluster
        takes neither ACORN_PG_PORT nor 54329: they are the test cluster's."""
        if os.environ.get("ACORN_PG_PORT") and not self.durable:
            return int(os.environ["ACORN_PG_PORT"])
        remembered = self.data.parent / "port"
        if remembered.exists():
            return int(remembered.read_text())
        with socket.socket() as probe:
            free = probe.connect_ex(("127.0.0.1", DEFAULT_PG_PORT))
            port = DEFAULT_PG_PORT if free and not self.durable else 0
        port = port or free_port()
        self.data.parent.mkdir(parents=True, exist_ok=True)
        remembered.write_text(str(port))
        return port

    def _postgres_can_use(self, folder):
        folder.mkdir(parents=True, exist_ok=True)
        res = subprocess.run(
            ["runuser", "-u", "postgres", "--", "test", "-x", str(folder)],
            check=False,
            capture_output=True,
        )
        return res.returncode == 0

    def _run(self, cmd, **kw):
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return run(cmd, **kw)

    def _own(self, *paths):
        for p in paths:
            p.mkdir(parents=True, exist_ok=True)
            if self.as_postgres:
                shutil.chown(p, "postgres", "postgres")

    def running(self):
        res = self._run(
            [str(self.bindir / "pg_ctl"), "-D", str(self.data), "status"],
            check=False,
            capture_output=True,
        )
        return res.returncode == 0

    def start(self):
        if self.bindir is None:
            sys.exit("PostgreSQL binaries not found; run ./acorn setup")
        self._own(self.data.parent, self.socket_dir)
        if not (self.data / "PG_VERSION").exists():
            self._own(self.data)
            say(f"initialising a private PostgreSQL cluster in {self.data}")
            self._run(
                [
                    str(self.bindir / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ],
                capture_output=True,
            )
        if not self.running():
            opts = (
                f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
                "-c max_connections=200 -c shared_buffers=256MB"
            )
            if not self.durable:
                opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            self._run(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                    "-o",
                    opts,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
                capture_output=True,
            )
            say(f"PostgreSQL listening on 127.0.0.1:{self.port} and socket {self.socket_dir}")
        self.psql(
            "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='%s') THEN "
            "CREATE ROLE %s LOGIN CREATEDB; END IF; END$$;" % (DB_USER, DB_USER)
        )
        return self

    def stop(self):
        if self.bindir and self.running():
            self._run(
                [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"],
                capture_output=True,
            )
            say("PostgreSQL stopped")

    def psql(self, sql, db="postgres", user="postgres"):
        return run(
            [
                str(self.bindir / "psql"),
                "-h",
                str(self.socket_dir),
                "-p",
                str(self.port),
                "-U",
                user,
                "-d",
                db,
                "-qAt",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ],
            capture_output=True,
            text=True,
        ).stdout.strip()

    def db_exists(self, name):
        return self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"

    def drop_db(self, name):
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def odoo_args(self):
        return [
            f"--db_host={self.socket_dir}",
            f"--db_port={self.port}",
            f"--db_user={DB_USER}",
            "--db_password=",
        ]


# --------------------------------------------------------------------------- Odoo runs


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def odoo_base_args(odoo, pg, db, http_port, subcommand=None):
    """Odoo's command line on the private cluster; ``subcommand`` (e.g. shell) goes first."""
    return odoo.command(
        *([subcommand] if subcommand else []),
        f"--addons-path={','.join(odoo.addons_paths())}",
        f"--data-dir={CACHE / 'odoo-data'}",
        *pg.odoo_args(),
        "-d",
        db,
        f"--db-filter=^{db}$",
        "--http-interface=127.0.0.1",
        f"--http-port={http_port}",
        "--no-database-list",
    )


# A 2-core machine runs both add-ons' tests in 6 to 15 minutes; a hang must not eat CI's hour.
ODOO_TEST_TIMEOUT = 45 * 60
LOG_TAIL = 40


def _stop_group(proc, stopped):
    """SIGTERM the process group (Odoo and the browsers it started), SIGKILL if it lingers."""
    stopped.set()
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def run_odoo_tests(odoo, pg, addons, timeout=None, tags=None):
    """Install ``addons`` on a fresh database with tests on. The Suite counts skipped tests
    apart and fails on any ERROR line, on no result line and on a run past ``timeout``."""
    if timeout is None:
        timeout = int(os.environ.get("ACORN_ODOO_TEST_TIMEOUT", ODOO_TEST_TIMEOUT))
    db = f"acorn_test_{os.getpid()}"
    pg.drop_db(db)
    cmd = [
        *odoo_base_args(odoo, pg, db, free_port()),
        "-i",
        ",".join(addons),
        "--test-enable",
        f"--test-tags={tags or ','.join('/' + a for a in addons)}",
        "--stop-after-init",
        "--log-level=test",
        "--workers=0",
        "--max-cron-threads=0",
    ]
    say("Odoo tests: " + " ".join(cmd[len(odoo.python) :]))
    log_path = CACHE / "odoo-test.log"
    suite = Suite(f"odoo tests ({', '.join(addons)})")
    errors, counts, tail = [], None, deque(maxlen=LOG_TAIL)
    started = time.monotonic()
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **odoo.env},
            errors="replace",
            start_new_session=True,  # one group: a timeout stops Odoo and its browsers
        )
        stopped = threading.Event()
        timer = threading.Timer(timeout, _stop_group, [proc, stopped])
        timer.start()
        try:
            for line in proc.stdout:
                log.write(line)
                sys.stdout.write(line)
                tail.append(line.rstrip("\n"))
                if test_report.ODOO_LEVEL.match(line):
                    errors.append(line.rstrip())
                skip = test_report.odoo_skip(line)
                if skip:
                    suite.skips.append(skip)
                counts = test_report.odoo_counts(line) or counts
            rc = proc.wait()
        finally:
            timer.cancel()
    timed_out = stopped.is_set()
    pg.drop_db(db)
    forget_db_files(db)
    seconds = time.monotonic() - started
    if timed_out:
        print(f"\n--- last {len(tail)} lines of {log_path} ---", *tail, "---", sep="\n")
        suite.problems.append(
            f"timed out after {timeout}s (ACORN_ODOO_TEST_TIMEOUT); log tail above, "
            f"all in {log_path}"
        )
    if counts is None:
        if not timed_out:
            suite.problems.append(f"no result line (exit code {rc}), see {log_path}")
    else:
        failed, errored, run_count = counts
        suite.failed = failed + errored
        # A class whose setUpClass skips adds skips without started tests: never below 0.
        suite.passed = max(0, run_count - suite.failed - len(suite.skips))
        if run_count == 0:
            suite.problems.append("ran no test")
    if errors:
        suite.problems.append(f"{len(errors)} ERROR/CRITICAL log line(s), first: {errors[0][:300]}")
    if rc != 0 and not suite.problems and not suite.failed:
        suite.problems.append(f"Odoo exit code {rc}")
    say(f"{suite.name}: {suite.counts()} in {seconds:.0f}s")
    return suite


# --------------------------------------------------------------------------- commands


def cmd_setup(args):
    ensure_installed(with_dev=not args.runtime_only)
    odoo, tried = find_odoo(allow_clone=not args.no_clone)
    if odoo:
        ensure_queue_job(odoo)
        say(f"Odoo 18 found: {odoo.source}")
    else:
        banner("Odoo 18 not found: " + "; ".join(tried))
    return 0


def lint():
    """ruff (lint + format) on everything, pylint-odoo's mandatory checks on the add-ons."""
    results = {}
    targets = [str(ROOT / p) for p in (*ADDONS, "tests", "tools", "bench", "acorn", "setup.py")]
    ruff = [sys.executable, "-m", "ruff"]
    results["ruff check"] = run([*ruff, "check", *targets], check=False, cwd=ROOT).returncode
    results["ruff format"] = run(
        [*ruff, "format", "--check", *targets], check=False, cwd=ROOT
    ).returncode
    results["pylint-odoo"] = run(
        [
            sys.executable,
            "-m",
            "pylint",
            f"--rcfile={ROOT / '.pylintrc-mandatory'}",
            *[str(ROOT / a) for a in ADDONS],
        ],
        check=False,
        cwd=ROOT,
    ).returncode
    return results


def pytest_suite(extra, name="pure pytest", python=sys.executable):
    """Run the pure suite with ``python``; skips are named through tests/conftest.py."""
    cmd = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    # Test files or folders named after `--` replace the default, the whole tests/ folder.
    if not any(arg.startswith(("tests", str(ROOT))) or arg.endswith(".py") for arg in extra):
        cmd.append(str(ROOT / "tests"))
    CACHE.mkdir(exist_ok=True)
    skips_file = CACHE / ("skips-" + re.sub(r"\W+", "-", name) + ".jsonl")
    skips_file.unlink(missing_ok=True)
    proc = subprocess.Popen(
        [*cmd, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env={**os.environ, "ACORN_SKIPS_FILE": str(skips_file)},
    )
    counts = None
    for line in proc.stdout:
        sys.stdout.write(line)
        counts = test_report.pytest_counts(line) or counts
    rc = proc.wait()
    suite = Suite(name, skips=test_report.read_pytest_skips(skips_file))
    if counts is None:
        suite.problems.append(f"pytest exited {rc} without its closing line")
        return suite
    suite.passed = counts.get("passed", 0)
    suite.failed = counts.get("failed", 0) + counts.get("error", 0)
    unnamed = counts.get("skipped", 0) - len(suite.skips)
    if unnamed > 0:
        suite.problems.append(f"{unnamed} skip(s) counted by pytest but not named")
    if rc == 5 or suite.passed + suite.failed == 0:
        suite.problems.append("ran no test")
    elif rc != 0 and not suite.failed:
        suite.problems.append(f"pytest exit code {rc}")
    return suite


def fresh_venv():
    """A venv holding only requirements-test.txt (the runtime requirements and the pure
    suite's tools), cached by the requirements' hash: proves they install a working whole
    on their own, without the packages Odoo's requirements happen to pin first."""
    reqs = ROOT / "requirements-test.txt"
    digest = hashlib.sha1(sys.version.encode())
    for path in (ROOT / "requirements.txt", reqs):
        digest.update(path.read_bytes())
    venv = CACHE / f"venv-{digest.hexdigest()[:12]}"
    python = venv / "bin" / "python"
    ready = venv / "acorn-requirements.ok"
    if ready.exists():
        return python, None
    shutil.rmtree(venv, ignore_errors=True)
    say(f"fresh venv {venv.name}: only {reqs.name} (a minute or two the first time)")
    for cmd in (
        [sys.executable, "-m", "venv", str(venv)],
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", str(reqs)],
    ):
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if res.returncode != 0:
            sys.stdout.write(res.stdout[-3000:] + res.stderr[-3000:])
            return None, f"{' '.join(cmd[:4])} failed (exit code {res.returncode})"
    ready.touch()
    return python, None


def cmd_test(args):
    ci = test_report.under_ci()
    ensure_installed(with_dev=True)
    allowed = test_report.read_allowed_skips()
    suites, reasons, not_run = [], [], []

    if not args.no_lint:
        say("lint: ruff and pylint-odoo")
        for name, rc in lint().items():
            say(f"lint {name}: {'ok' if rc == 0 else 'FAILED'}")
            if rc:
                reasons.append(f"lint {name}")

    say("pure suite: pytest tests/")
    suites.append(pytest_suite(args.pytest_args))
    if ci or args.fresh_venv:
        python, problem = fresh_venv()
        if python is None:
            suites.append(Suite("pure pytest (fresh venv)", problems=[problem]))
        else:
            say("pure suite again, in a fresh venv with only requirements-test.txt")
            suites.append(pytest_suite(args.pytest_args, "pure pytest (fresh venv)", python))

    odoo, tried = (None, ["--no-odoo given"]) if args.no_odoo else find_odoo(allow_clone=True)
    if odoo is None:
        why = "Odoo suites did not run: " + "; ".join(tried)
        if ci:
            reasons.append(why)
        else:
            not_run.append(why)
    else:
        ensure_queue_job(odoo)
        pg = Postgres().start()
        suites.append(run_odoo_tests(odoo, pg, list(ADDONS), tags=args.odoo_tags))
        if args.odoo_tags:
            why = f"Odoo suites narrowed to --odoo-tags {args.odoo_tags}"
            (reasons if ci else not_run).append(why)

    reasons += test_report.judge(suites, allowed, ci)
    print("\n" + "=" * 78)
    for suite in suites:
        print(f"{suite.name}: {suite.counts()}")
    for line in test_report.skip_lines(suites, allowed):
        print(line)
    for why in not_run:
        banner(f"{why}. This run is not a pass; under CI it fails.")
    for line in test_report.closing_lines(suites, reasons, not_run):
        print(line)
    return 1 if reasons else 0


def cmd_pg(args):
    pg = Postgres()
    if args.action == "start":
        pg.start()
    elif args.action == "stop":
        pg.stop()
    else:
        print("running" if pg.running() else "stopped", pg.data)
    return 0


def sandbox_state(db, folder=None):
    """The sandbox's state for one demo database: the POs it sent and the answers that
    database gave. One per database, so a rebuilt or a second database meets POs still to
    acknowledge instead of a Vendor Central that an earlier database already answered."""
    return Path(folder or CACHE / "sandbox") / f"{db}.sqlite"


def port_in_use(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _start_sandbox(port, db_name):
    """The demo's Vendor Central: the local Acorn sandbox, state kept in .cache/sandbox.

    A port already answering is refused: a sandbox left by an earlier demo would go on
    serving its old state (deleted by --reset but still open), in which the previous
    database had answered every PO, while the new sandbox could not listen. The sandbox
    stops when this process ends, however it ends (a failed build too)."""
    if port_in_use(port):
        sys.exit(
            f"acorn demo: port {port} is in use, perhaps by the sandbox of an earlier demo "
            "(`ss -ltnp` names its process): stop it, or choose --sandbox-port."
        )
    db = sandbox_state(db_name)
    db.parent.mkdir(parents=True, exist_ok=True)
    log = open(CACHE / "sandbox" / "sandbox.log", "a", encoding="utf-8")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "acorn"),
            "sandbox",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    atexit.register(_stop_sandbox, proc)
    return proc


def _stop_sandbox(proc):
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)


DEMO_ACCOUNT_SCRIPT = """
env.ref('acorn_vendor.acorn_vc_account_demo')._acorn_use_sandbox(%(url)r)
env.cr.commit()
"""
# The report history the schedule would take hours to request at createReport's one a
# minute, loaded from the sandbox through the same loader (what is missing only), newest
# first, committed every few documents (an interrupted load resumes on the next start).
# The load is one sync run of the reports kind, so Monitoring shows when reports last came.
DEMO_REPORTS_SCRIPT = """
account = env.ref('acorn_vendor.acorn_vc_account_demo')
with env['acorn.vc.sync.run']._acorn_track(account, 'reports') as run:
    while docs := env['acorn.vc.report.document']._acorn_load_sandbox_history(account, limit=6):
        run.add({'created': len(docs)})
        env.cr.commit()
# Amazon's POs of the past weeks, so the forecast backtest has something to compare.
while env['acorn.vc.amazon.demand']._acorn_demo_po_history_step(account):
    env.cr.commit()
# Last month's cross-check, as the cron on the 1st runs it (Analytics > Cross-check).
env['acorn.vc.report.cross.check']._cron_monthly_cross_check()
env.cr.commit()
"""


def forget_db_files(db, data_dir=None, sandbox_dir=None):
    """What a dropped database leaves behind: its filestore, its EDI folders and its
    sandbox state. A rebuilt demo reuses account ids, so old folders would hand it the last
    demo's files, and the old sandbox state only POs that database already acknowledged."""
    data_dir = Path(data_dir or CACHE / "odoo-data")
    for path in (data_dir / "filestore" / db, data_dir / "acorn_edi" / db):
        shutil.rmtree(path, ignore_errors=True)
    state = sandbox_state(db, sandbox_dir)
    for path in (state, state.with_name(state.name + "-wal"), state.with_name(state.name + "-shm")):
        path.unlink(missing_ok=True)


def cmd_demo(args):
    ensure_installed(with_dev=False)
    odoo, tried = find_odoo(allow_clone=True)
    if odoo is None:
        sys.exit("Cannot run the demo without Odoo 18: " + "; ".join(tried))
    ensure_queue_job(odoo)
    pg = Postgres().start()
    db = args.db
    if args.reset:
        pg.drop_db(db)
        forget_db_files(db)
    base = odoo_base_args(odoo, pg, db, args.port)
    sandbox_url = f"http://127.0.0.1:{args.sandbox_port}"
    env = {**os.environ, **odoo.env, "ACORN_SANDBOX_URL": sandbox_url}
    sandbox = _start_sandbox(args.sandbox_port, db)
    say(
        f"Acorn sandbox (Vendor Central) on {sandbox_url}, state in {sandbox_state(db)}, "
        "log in .cache/sandbox/sandbox.log"
    )
    if not pg.db_exists(db):
        say(f"creating demo database {db} with {', '.join(ADDONS)} (a few minutes)")
        run([*base, "-i", ",".join(ADDONS), "--stop-after-init", "--log-level=warn"], env=env)
    else:  # bring an existing demo up to this checkout's code, and to this sandbox port
        say(f"updating {', '.join(ADDONS)} in {db}")
        run([*base, "-u", ",".join(ADDONS), "--stop-after-init", "--log-level=warn"], env=env)
        run(
            [*odoo_base_args(odoo, pg, db, args.port, "shell"), "--no-http"],
            input=DEMO_ACCOUNT_SCRIPT % {"url": sandbox_url},
            text=True,
            env=env,
            capture_output=True,
        )
    say("loading the sandbox's two years of vendor reports, newest first (minutes, once)")
    loaded = run(
        [*odoo_base_args(odoo, pg, db, args.port, "shell"), "--no-http"],
        input=DEMO_REPORTS_SCRIPT,
        text=True,
        env=env,
        capture_output=True,
    )
    if "Traceback" in loaded.stdout + loaded.stderr:
        say("the report history did not load; Analytics fills as the schedule runs:")
        sys.stderr.write((loaded.stdout + loaded.stderr)[-2000:])
    url = f"http://127.0.0.1:{args.port}/odoo"
    banner(f"Odoo is starting on {url}   login: admin   password: admin   (Ctrl-C stops)")
    # queue_job's runner lives in a server-wide module: without it queued syncs never run.
    odoo_proc = subprocess.Popen(
        [*base, "--max-cron-threads=1", "--load=base,web,queue_job"], env=env
    )

    def stop(*_):
        odoo_proc.terminate()
        if sandbox.poll() is None:
            os.killpg(sandbox.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    try:
        return odoo_proc.wait()
    except KeyboardInterrupt:
        stop()
        return 0
    finally:
        stop()


def cmd_odoo(args):
    """Odoo with the project's add-ons path and private PostgreSQL, for ad-hoc runs."""
    odoo, tried = find_odoo(allow_clone=False)
    if odoo is None:
        sys.exit("Odoo 18 not found: " + "; ".join(tried))
    pg = Postgres().start()
    extra = args.odoo_args[1:] if args.odoo_args[:1] == ["--"] else args.odoo_args
    # An Odoo subcommand (shell, neutralize...) must precede the options.
    subcommand = extra.pop(0) if extra and not extra[0].startswith("-") else None
    cmd = odoo_base_args(odoo, pg, args.db, args.port, subcommand)
    return run([*cmd, *extra], check=False, env={**os.environ, **odoo.env}).returncode


def main(argv):
    parser = argparse.ArgumentParser(prog="acorn", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("setup", help="install what is missing (PostgreSQL, Python deps, queue_job)")
    p.add_argument("--runtime-only", action="store_true", help="skip test/lint tools")
    p.add_argument("--no-clone", action="store_true", help="never clone upstream Odoo")
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("test", help="lint, pure pytest suite, Odoo tests of both add-ons")
    p.add_argument("--no-lint", action="store_true")
    p.add_argument("--no-odoo", action="store_true", help="pure suite only (not a pass)")
    p.add_argument(
        "--odoo-tags",
        metavar="TAGS",
        help="Odoo --test-tags while developing, e.g. /acorn_vendor:TestDispute (not a pass)",
    )
    p.add_argument(
        "--fresh-venv",
        action="store_true",
        help="also run the pure suite in a venv with only requirements-test.txt (CI always does)",
    )
    p.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    p.set_defaults(func=cmd_test)

    p = sub.add_parser("demo", help="build the demo database and serve Odoo on localhost")
    p.add_argument("--db", default="acorn_demo")
    p.add_argument("--port", type=int, default=int(os.environ.get("ACORN_HTTP_PORT", "8069")))
    p.add_argument("--sandbox-port", type=int, default=8071)
    p.add_argument("--reset", action="store_true", help="drop and rebuild the demo database")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("pg", help="the private PostgreSQL cluster")
    p.add_argument("action", choices=["start", "stop", "status"])
    p.set_defaults(func=cmd_pg)

    p = sub.add_parser("odoo", help="run Odoo on the private cluster: ./acorn odoo --db X -- ARGS")
    p.add_argument("--db", default="acorn_demo")
    p.add_argument("--port", type=int, default=int(os.environ.get("ACORN_HTTP_PORT", "8069")))
    p.add_argument("odoo_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_odoo)

    args = parser.parse_args(argv)
    if getpass.getuser() == "postgres":
        sys.exit("run acorn as your own user, not postgres")
    return args.func(args)
