"""What `./acorn test` reports: each suite's counts, its skipped tests by name, the skip
allow-list, and the closing lines. Pure (no subprocess) so tests/test_dev_loop.py checks it.

A skipped test is not a passed one: it is counted apart and named. Under CI a skip that the
allow-list does not name, with its reason, fails the run, as does a suite that did not run.
"""

import fnmatch
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ALLOWED_SKIPS = Path(__file__).resolve().parent.parent / "tests" / "allowed_skips.txt"

# Odoo 18's OdooTestResult.addSkip: "skipped <Class.method> : <reason>", logged by the test's
# module (odoo/tests/result.py), e.g.
# 2026-01-01 10:00:00,000 42 INFO db odoo.addons.acorn_vendor.tests.test_x: skipped T.t : why
ODOO_SKIP = re.compile(
    r"^\S+ \S+ \d+ INFO \S+ (?P<logger>[\w.]+): skipped (?P<test>.+?) : (?P<reason>.*)$"
)
# Odoo's closing line: "3 failed, 1 error(s) of 120 tests when loading database 'x'".
ODOO_RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
ODOO_LEVEL = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")
# pytest's closing line, with or without the ===== padding (-q drops it).
PYTEST_SUMMARY = re.compile(r"^=*\s*((?:\d+ \w+(?:, )?)+) in [\d.]+s")


def under_ci(environ=None):
    """True when CI is set to anything but an explicit no (.ci/run sets CI=true)."""
    value = (os.environ if environ is None else environ).get("CI", "")
    return value.strip().lower() not in ("", "0", "false", "no")


@dataclass(frozen=True)
class Skip:
    test: str  # pytest node id, or the Odoo test's module.Class.method without odoo.addons.
    reason: str


@dataclass
class Suite:
    """One suite's outcome; ``problems`` are reasons it failed besides failed tests."""

    name: str
    passed: int = 0
    failed: int = 0
    skips: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    def counts(self):
        return f"{self.passed} passed, {self.failed} failed, {len(self.skips)} skipped"


def odoo_skip(line):
    """The Skip an Odoo log line reports, or None."""
    match = ODOO_SKIP.match(line.rstrip("\n"))
    if not match:
        return None
    test = match["test"].strip()
    # Odoo's TestCase is described "Class.method"; a plain unittest case as
    # "method (odoo.addons.module.Class.method)", which holds the whole id.
    whole = re.search(r"\(([\w.]+)\)$", test)
    test_id = whole[1] if whole else f"{match['logger']}.{test}"
    return Skip(test_id.removeprefix("odoo.addons."), match["reason"].strip())


def odoo_counts(line):
    """(failed, errors, run) from Odoo's closing line, or None."""
    match = ODOO_RESULT.search(line)
    return tuple(int(group) for group in match.groups()) if match else None


def pytest_counts(line):
    """{"passed": 3, "failed": 1, ...} from pytest's closing line, or None."""
    match = PYTEST_SUMMARY.search(line)
    if not match:
        return None
    found = re.findall(r"(\d+) (passed|failed|skipped|errors?|xfailed|xpassed)", match.group(1))
    return {kind.rstrip("s") if kind == "errors" else kind: int(n) for n, kind in found}


def read_pytest_skips(path):
    """The skips tests/conftest.py wrote, one JSON object a line (no file: none)."""
    path = Path(path)
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Skip(**json.loads(line)) for line in lines if line.strip()]


def read_allowed_skips(path=ALLOWED_SKIPS):
    """{test id or glob: reason} from the allow-list, ``<test id>  # <reason>`` a line.
    A line without a reason is an error: a skip is allowed only with the reason it may skip."""
    path = Path(path)
    allowed = {}
    if not path.exists():
        return allowed
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pattern, _sep, reason = line.partition(" # ")
        if not reason.strip() or not pattern.strip():
            raise ValueError(
                f"{path.name}, line {number}: {line!r} gives no reason; "
                "write `<test id>  # <why it may skip>`"
            )
        allowed[pattern.strip()] = reason.strip()
    return allowed


def unlisted_skips(skips, allowed):
    """The skips that no allow-list entry (exact id or glob) names."""
    return [s for s in skips if not any(fnmatch.fnmatchcase(s.test, p) for p in allowed)]


def skip_lines(suites, allowed):
    """Every skipped test by name and reason, marked when the allow-list names it."""
    lines = []
    for suite in suites:
        unlisted = set(unlisted_skips(suite.skips, allowed))
        for skip in suite.skips:
            mark = "SKIPPED" if skip in unlisted else "skipped (allowed)"
            lines.append(f"{mark} [{suite.name}] {skip.test}: {skip.reason}")
    return lines


def judge(suites, allowed, ci):
    """Reasons the run failed: each suite's problems and failed tests, and under CI every
    skip that the allow-list does not name."""
    reasons = []
    for suite in suites:
        reasons.extend(f"{suite.name}: {problem}" for problem in suite.problems)
        if suite.failed:
            reasons.append(f"{suite.name}: {suite.failed} failed")
        unlisted = unlisted_skips(suite.skips, allowed)
        if ci and unlisted:
            names = ", ".join(s.test for s in unlisted[:3]) + (" ..." if len(unlisted) > 3 else "")
            reasons.append(
                f"{suite.name}: {len(unlisted)} skipped test(s) not in "
                f"{ALLOWED_SKIPS.parent.name}/{ALLOWED_SKIPS.name}: {names}"
            )
    return reasons


def closing_lines(suites, reasons, not_run=()):
    """The run's last lines: the counts alone on a passing run; on a failing one the counts,
    then ``FAILED:`` with every reason, so the reason is the last line. ``not_run`` names the
    suites a developer's run left out (not a failure outside CI, but not a pass either)."""
    passed = sum(s.passed for s in suites)
    failed = sum(s.failed for s in suites)
    skipped = sum(len(s.skips) for s in suites)
    counts = f"acorn: {passed} passed, {failed} failed"
    counts += f", {skipped} skipped" if skipped else ""
    if reasons:
        return [counts, "FAILED: " + "; ".join(reasons)]
    if not_run:
        return [counts, "NOT A PASS (not run: " + "; ".join(not_run) + ")"]
    return [counts]
