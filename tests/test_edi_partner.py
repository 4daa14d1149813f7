"""The local Amazon EDI partner: answers what Acorn sends with a 997 / CONTRL, once."""

import json
import os

from acorn_vendor_edi.core import cli, edifact, exchange, partner, x12
from acorn_vendor_edi.tests.bots_check import edifact_errors as bots_validate
from acorn_vendor_edi.tests.bots_check import x12_errors as bots_errors

from . import edifact_samples, x12_samples

PROFILE = exchange.Profile("x12", "4010", "ACMEVENDOR", "ZZ", "AMAZON", "ZZ", test=True)
EU_PROFILE = exchange.Profile(
    "edifact", "", edifact_samples.VENDOR, "14", edifact_samples.AMAZON, "14", test=False
)


def _dirs(tmp_path):
    out_dir, in_dir = tmp_path / "out", tmp_path / "in"
    out_dir.mkdir()
    in_dir.mkdir()
    return out_dir, in_dir


def _send(out_dir, outbound):
    (out_dir / outbound.filename).write_bytes(outbound.data)


def _inbox(in_dir):
    return sorted(p.name for p in in_dir.iterdir())


def test_an_855_gets_an_accepting_997_that_matches_its_control_numbers(tmp_path):
    out_dir, in_dir = _dirs(tmp_path)
    sent = exchange.render_outbound("acknowledgement", x12_samples.acknowledgement(), PROFILE, 41)
    _send(out_dir, sent)
    (answer,) = partner.Partner(out_dir, in_dir, PROFILE).run_once()
    assert (answer.name, answer.set_id, answer.accepted, answer.groups) == (
        "855_000000041.edi",
        "997",
        True,
        1,
    )
    assert _inbox(in_dir) == [answer.reply] == ["997_000000001.edi"]
    text = (in_dir / answer.reply).read_text()
    assert bots_errors(text) == []
    inbound = exchange.read_file(text.encode())
    # Addressed from Amazon to Acorn, as Acorn's inbox expects.
    assert (inbound.sender.strip(), inbound.receiver.strip()) == ("AMAZON", "ACMEVENDOR")
    assert exchange.acknowledgement_for(inbound, PROFILE, 1) is None  # never answered back
    (outcome,) = exchange.ack_outcomes(inbound.messages[0])
    assert (outcome.group_control, outcome.accepted, outcome.errors) == (
        sent.group_control,
        True,
        [],
    )


def test_856_and_810_are_answered_too_and_numbered_in_turn(tmp_path):
    out_dir, in_dir = _dirs(tmp_path)
    _send(
        out_dir,
        exchange.render_outbound("shipment_confirmation", x12_samples.shipment(), PROFILE, 50),
    )
    _send(out_dir, exchange.render_outbound("invoice", x12_samples.invoice(), PROFILE, 51))
    answers = partner.Partner(out_dir, in_dir, PROFILE).run_once()
    assert sorted(a.name for a in answers) == ["810_000000051.edi", "856_000000050.edi"]
    assert all(a.accepted for a in answers)
    assert _inbox(in_dir) == ["997_000000001.edi", "997_000000002.edi"]
    for name in _inbox(in_dir):
        assert bots_errors((in_dir / name).read_text()) == []


def test_a_broken_855_is_rejected_naming_segment_and_element(tmp_path):
    out_dir, in_dir = _dirs(tmp_path)
    sent = exchange.render_outbound("acknowledgement", x12_samples.acknowledgement(), PROFILE, 42)
    assert "BAK*00*AC*2JK3S9VC*" in sent.text
    broken = sent.text.replace("BAK*00*AC*2JK3S9VC*", "BAK*00*AC**", 1)  # no PO number
    (out_dir / sent.filename).write_text(broken)
    (answer,) = partner.Partner(out_dir, in_dir, PROFILE).run_once()
    assert not answer.accepted and answer.errors and "BAK03 is mandatory" in answer.errors[0]
    text = (in_dir / answer.reply).read_text()
    assert bots_errors(text) == []
    assert "AK3*BAK*" in text and "AK4*3**1" in text and "AK5*R" in text and "AK9*R*1*1*0" in text
    (outcome,) = exchange.ack_outcomes(exchange.read_file(text.encode()).messages[0])
    assert (outcome.group_control, outcome.accepted) == (sent.group_control, False)
    assert "855 0001 rejected" in outcome.errors[0] and "BAK" in outcome.errors[0]


def test_each_file_is_answered_once_and_acknowledgements_never(tmp_path):
    out_dir, in_dir = _dirs(tmp_path)
    sent = exchange.render_outbound("acknowledgement", x12_samples.acknowledgement(), PROFILE, 43)
    _send(out_dir, sent)
    # Acorn's own 997 for an 850, and a TA1-only interchange: acknowledgements, not answered.
    (out_dir / "997_000000044.edi").write_text(
        x12.acknowledge(x12.write([x12_samples.purchase_order()], x12_samples.amazon_env()))[0]
    )
    isa = sent.text.split("~", 1)[0]
    (out_dir / "TA1_000000045.edi").write_text(
        f"{isa}~TA1*000000009*240304*1200*R*018~IEA*0*000000043~"
    )
    (out_dir / "notes.txt").write_text("hello")
    first = partner.Partner(out_dir, in_dir, PROFILE)
    answers = {a.name: a for a in first.run_once()}
    assert answers["855_000000043.edi"].reply == "997_000000001.edi"
    assert "never acknowledged" in answers["997_000000044.edi"].skipped
    assert "TA1 is never acknowledged" in answers["TA1_000000045.edi"].skipped
    assert "neither X12" in answers["notes.txt"].skipped
    assert _inbox(in_dir) == ["997_000000001.edi"]
    # Again, and from a new Partner over the same folders: nothing new to answer.
    assert first.run_once() == []
    again = partner.Partner(out_dir, in_dir, PROFILE)
    assert again.run_once() == []
    assert _inbox(in_dir) == ["997_000000001.edi"]
    state = json.loads((tmp_path / "partner" / "partner_state.json").read_text())
    assert state["control"] == 1 and state["answered"]["855_000000043.edi"]["accepted"]
    # A new file is answered with the next control number.
    _send(out_dir, exchange.render_outbound("invoice", x12_samples.invoice(), PROFILE, 46))
    (answer,) = again.run_once()
    assert answer.reply == "997_000000002.edi"


def test_a_file_for_someone_else_is_not_answered(tmp_path):
    out_dir, in_dir = _dirs(tmp_path)
    other = exchange.Profile("x12", "4010", "ACMEVENDOR", "ZZ", "WALMART", "ZZ")
    _send(
        out_dir,
        exchange.render_outbound("acknowledgement", x12_samples.acknowledgement(), other, 7),
    )
    (answer,) = partner.Partner(out_dir, in_dir, PROFILE).run_once()
    assert "addressed to 'WALMART'" in answer.skipped and _inbox(in_dir) == []


def test_edifact_ordrsp_gets_a_contrl(tmp_path):
    out_dir, in_dir = _dirs(tmp_path)
    po = edifact_samples.purchase_order()
    sent = exchange.render_outbound(
        "acknowledgement", edifact_samples.acknowledgement(po), EU_PROFILE, 6, purchase_order=po
    )
    _send(out_dir, sent)
    (answer,) = partner.Partner(out_dir, in_dir, EU_PROFILE).run_once()
    assert (answer.set_id, answer.accepted) == ("CONTRL", True)
    data = (in_dir / answer.reply).read_bytes()
    assert bots_validate(data.decode("latin-1")) == []
    inbound = exchange.read_file(data)
    assert (inbound.sender, inbound.receiver) == (edifact_samples.AMAZON, edifact_samples.VENDOR)
    (outcome,) = exchange.ack_outcomes(inbound.messages[0])
    assert (outcome.interchange_control, outcome.accepted) == ("6", True)
    assert partner.Partner(out_dir, in_dir, EU_PROFILE).run_once() == []
    assert edifact.read(data)[0].messages[0].type == "CONTRL"


def test_cli_partner_answers_and_prints_what_it_did(tmp_path, capsys):
    out_dir, in_dir = _dirs(tmp_path)
    _send(
        out_dir,
        exchange.render_outbound("acknowledgement", x12_samples.acknowledgement(), PROFILE, 9),
    )
    argv = ["partner", "--out", str(out_dir), "--in", str(in_dir)]
    argv += ["--sender", "ACMEVENDOR", "--receiver", "AMAZON"]
    assert cli.main(argv) == 0
    assert "855_000000009.edi: 997 997_000000001.edi accepted" in capsys.readouterr().out
    assert cli.main(argv) == 0
    assert "nothing new" in capsys.readouterr().out
    assert os.listdir(in_dir) == ["997_000000001.edi"]


def test_a_new_file_under_an_answered_name_is_answered_and_watch_repeats(tmp_path):
    out_dir, in_dir = _dirs(tmp_path)
    first = exchange.render_outbound("acknowledgement", x12_samples.acknowledgement(), PROFILE, 1)
    _send(out_dir, first)
    amazon = partner.Partner(out_dir, in_dir, PROFILE, state_dir=tmp_path / "amazon")
    lines = []
    amazon.watch(0, report=lines.append, rounds=2)
    assert lines == ["855_000000001.edi: 997 997_000000001.edi accepted"]
    assert (tmp_path / "amazon" / "partner_state.json").exists()
    # Acorn's outbox was emptied and its numbers started again: same name, other bytes.
    second = exchange.render_outbound("invoice", x12_samples.invoice(), PROFILE, 1)
    (out_dir / first.filename).write_bytes(second.data)
    (answer,) = amazon.run_once()
    assert (answer.name, answer.reply) == (first.filename, "997_000000002.edi")
