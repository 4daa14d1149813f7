"""``./acorn edi parse|ack|validate`` on good and bad files."""

import subprocess
import sys
from pathlib import Path

from acorn_vendor_edi.core import cli, x12

from . import x12_samples

ROOT = Path(__file__).resolve().parent.parent


def _files(tmp_path):
    good = tmp_path / "good.x12"
    good.write_text(
        x12.write(
            [x12_samples.purchase_order(), x12_samples.purchase_order("3TRD2IAB")],
            x12_samples.amazon_env(),
        )
    )
    bad = tmp_path / "bad.x12"
    bad.write_text(good.read_text().replace("BEG*00*NE*3TRD2IAB", "BEG*00*QQ*3TRD2IAB"))
    return good, bad


def test_parse_summarises(tmp_path, capsys):
    good, bad = _files(tmp_path)
    assert cli.main(["parse", str(good)]) == 0
    out = capsys.readouterr().out
    assert "OK  ISA 000007001 GS 7001 850 0001: PurchaseOrder 2JK3S9VC, 3 lines" in out
    assert out.strip().endswith(
        "1 interchange(s), 1 group(s), 2 transaction set(s), 0 error(s), 0 warning(s)"
    )
    assert cli.main(["parse", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "ERR ISA 000007001 GS 7001 850 0002: PurchaseOrder 3TRD2IAB" in out
    assert "BEG02 (segment 2): BEG02 code 'QQ' is not one Amazon accepts" in out


def test_validate_and_ack(tmp_path, capsys):
    good, bad = _files(tmp_path)
    assert cli.main(["validate", str(good)]) == 0
    assert "valid (2 transaction sets)" in capsys.readouterr().out
    assert cli.main(["validate", str(bad)]) == 1
    assert cli.main(["ack", str(bad)]) == 1
    ack = capsys.readouterr().out.split("~\n")
    assert "AK9*P*2*2*1" in ack and "AK4*2**7*QQ" in ack
    assert cli.main(["validate", str(tmp_path / "missing.x12")]) == 2


def test_acorn_entry_point(tmp_path):
    good, _ = _files(tmp_path)
    run = subprocess.run(
        [sys.executable, str(ROOT / "acorn"), "edi", "validate", str(good)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "valid" in run.stdout


def test_edifact_files_go_to_the_edifact_tools(capsys):
    golden = ROOT / "tests" / "golden" / "edifact" / "orders.edi"
    assert cli.main(["validate", str(golden)]) == 0
    assert "0 error(s)" in capsys.readouterr().out
    assert cli.main(["edifact", "validate", str(golden)]) == 0
