"""What `./acorn test` makes of its suites: skips by name, the allow-list, the closing lines."""

import time
from pathlib import Path

import pytest

from tools import dev, test_report
from tools.test_report import Skip, Suite

ODOO_SKIP_LINE = (
    "2026-12-06 01:42:07,118 4242 INFO acorn_test_4242 "
    "odoo.addons.acorn_vendor.tests.test_menu_counters: skipped "
    "TestMenuCountersTour.test_counters_tour : Chrome executable not found\n"
)


def test_an_odoo_skip_line_gives_the_test_by_module_class_and_method():
    assert test_report.odoo_skip(ODOO_SKIP_LINE) == Skip(
        "acorn_vendor.tests.test_menu_counters.TestMenuCountersTour.test_counters_tour",
        "Chrome executable not found",
    )


def test_a_plain_unittest_skip_in_the_odoo_log_gives_the_same_kind_of_id():
    line = (
        "2026-12-06 02:03:17,991 22790 INFO ? odoo.addons.acorn_vendor.tests.test_x: skipped "
        "test_tour (odoo.addons.acorn_vendor.tests.test_x.TestDemo.test_tour) : no Chrome \n"
    )
    assert test_report.odoo_skip(line) == Skip(
        "acorn_vendor.tests.test_x.TestDemo.test_tour", "no Chrome"
    )


def test_other_odoo_lines_are_not_skips():
    for line in (
        "2026-12-06 01:42:07,118 4242 INFO acorn_test_4242 odoo.modules.loading: skipping "
        "reset_modules_state, ir_module_module table does not exists",
        "2026-12-06 01:42:07,118 4242 INFO acorn_test_4242 odoo.addons.acorn_vendor.tests."
        "test_asn: Starting TestAsn.test_skipped_lines_are_kept ...",
        "2026-12-06 01:42:07,118 4242 ERROR acorn_test_4242 odoo.addons.x.tests.test_y: "
        "skipped T.t : not at INFO, not a skip report",
    ):
        assert test_report.odoo_skip(line) is None, line


def test_odoo_and_pytest_closing_lines_are_read():
    line = (
        "2026-12-06 01:50:00,000 4242 ERROR acorn_test_4242 odoo.service.server: "
        "2 failed, 1 error(s) of 310 tests when loading database 'acorn_test_4242'"
    )
    assert test_report.odoo_counts(line) == (2, 1, 310)
    assert test_report.odoo_counts("2 failed, 1 error(s) of 310 tests") is None
    assert test_report.pytest_counts("3 failed, 640 passed, 2 skipped, 1 error in 81.20s") == {
        "failed": 3,
        "passed": 640,
        "skipped": 2,
        "error": 1,
    }
    assert test_report.pytest_counts("===== 12 passed, 2 errors in 1.01s =====") == {
        "passed": 12,
        "error": 2,
    }
    assert test_report.pytest_counts("tests/test_x.py ....") is None


def test_the_allow_list_needs_a_reason_on_every_line(tmp_path):
    path = tmp_path / "allowed_skips.txt"
    path.write_text(
        "# comment\n\ntests/test_a.py::test_one  # needs a GPU\nacorn_vendor.tests.*  # why\n"
    )
    assert test_report.read_allowed_skips(path) == {
        "tests/test_a.py::test_one": "needs a GPU",
        "acorn_vendor.tests.*": "why",
    }
    path.write_text("tests/test_a.py::test_one\n")
    with pytest.raises(ValueError, match=r"line 1: .*gives no reason"):
        test_report.read_allowed_skips(path)
    assert test_report.read_allowed_skips(tmp_path / "absent.txt") == {}


def test_the_project_allow_list_is_empty_on_purpose():
    assert test_report.read_allowed_skips() == {}


def test_a_skip_pytest_counts_but_nobody_named_fails_the_suite(tmp_path):
    """Outside tests/ the naming hooks do not load: the count alone must still catch it."""
    module = tmp_path / "test_skipped_module.py"
    module.write_text(
        "import pytest\npytest.importorskip('no_such_module_here')\n\ndef test_x():\n    pass\n"
    )
    suite = dev.pytest_suite([str(module)], name="tmp suite")
    assert "1 skip(s) counted by pytest but not named" in suite.problems


def test_under_ci_a_skip_not_on_the_allow_list_fails_the_run():
    listed = Skip("tests/test_a.py::test_one[x]", "needs a GPU")
    unlisted = Skip("acorn_vendor.tests.test_b.T.test_tour", "Chrome executable not found")
    suites = [Suite("pure pytest", passed=5, skips=[listed]), Suite("odoo", 9, 0, [unlisted])]
    allowed = {"tests/test_a.py::test_one[[]*": "needs a GPU"}
    (reason,) = test_report.judge(suites, allowed, ci=True)
    assert reason.startswith("odoo: 1 skipped test(s) not in tests/allowed_skips.txt")
    assert unlisted.test in reason
    assert test_report.judge(suites, allowed, ci=False) == []
    assert test_report.skip_lines(suites, allowed) == [
        "skipped (allowed) [pure pytest] tests/test_a.py::test_one[x]: needs a GPU",
        "SKIPPED [odoo] acorn_vendor.tests.test_b.T.test_tour: Chrome executable not found",
    ]


def test_a_passing_run_ends_on_its_counts_and_a_failing_one_on_its_reason():
    suites = [Suite("pure pytest", 600, 0), Suite("odoo", 300, 0, [Skip("t", "r")])]
    assert test_report.closing_lines(suites, []) == ["acorn: 900 passed, 0 failed, 1 skipped"]
    suites = [Suite("pure pytest", 600, 1, problems=["pytest exit code 1"])]
    reasons = test_report.judge(suites, {}, ci=True) + ["Odoo suites did not run: no odoo"]
    assert test_report.closing_lines(suites, reasons) == [
        "acorn: 600 passed, 1 failed",
        "FAILED: pure pytest: pytest exit code 1; pure pytest: 1 failed; "
        "Odoo suites did not run: no odoo",
    ]
    not_run = ["Odoo suites did not run: --no-odoo given"]
    assert test_report.closing_lines([Suite("pure", 600, 0)], [], not_run)[-1] == (
        "NOT A PASS (not run: Odoo suites did not run: --no-odoo given)"
    )


def test_ci_is_on_unless_unset_or_an_explicit_no():
    assert test_report.under_ci({"CI": "true"})
    assert test_report.under_ci({"CI": "1"})
    assert not test_report.under_ci({})
    assert not test_report.under_ci({"CI": "false"})
    assert not test_report.under_ci({"CI": "0"})


def test_a_timed_out_odoo_run_is_stopped_with_the_processes_it_started():
    """The Odoo run's timeout stops the whole process group (Odoo and its browsers)."""
    import subprocess
    import threading

    from tools import dev

    proc = subprocess.Popen(
        ["sh", "-c", "sleep 300 & echo $!; wait"],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    child = int(proc.stdout.readline())
    stopped = threading.Event()
    dev._stop_group(proc, stopped)
    assert stopped.is_set()
    assert proc.poll() is not None
    deadline = time.monotonic() + 10  # the signal reaches the child within moments
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(child), "the process Odoo started outlived the timeout"


def _running(pid):
    """True while ``pid`` exists and is not a zombie waiting for its reaper."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False
