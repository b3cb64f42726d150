"""Identification at a desk without the central system (the demo site): the card readers (the
plug-in API, the simulated reader, a vendor reader registered as an entry point, the keyboard
wedge's recognition), the roster look-up by certificate, the e-voucher refused offline, and the
benefit periods (待遇暂停, 未生效, 中断) refusing a stay before it is computed and at settlement,
in the desk façade and the command line (exit 2 naming the reason)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from app_helpers import roster, write_request

from hospital_client import app, cli, store
from hospital_client.app import Desk, DischargeInFuture, EncounterInput
from hospital_client.app.card_readers import (
    CardReader,
    Credential,
    NoCardPresent,
    ReaderUnavailable,
    SimulatedReader,
    load_reader,
    recognise_scan,
)
from hospital_client.app.identification import BenefitNotEnjoyed, EvoucherNeedsCentral, NotInRoster

PERSONS = {p["psn_no"]: p for p in roster()}
SUSPENDED, WAITING, INTERRUPTED, HEALED = (f"DEMO9901000000{n}" for n in (68, 69, 70, 71))
NORMAL = "DEMO990100000003"
FEES = [{"feedetl_sn": "1", "med_list_codg": "XA10ABP052B001010100022", "name": "胰岛素注射液", "pric": "16.50",
         "cnt": "10", "det_item_fee_sumamt": "165.00"}]


def _stay(mdtrt_id: str, begin: str = "2026-11-20", end: str = "2026-11-28") -> EncounterInput:
    return EncounterInput(mdtrt_id=mdtrt_id, hosp_lv=2, begntime=dt.date.fromisoformat(begin),
                          endtime=dt.date.fromisoformat(end), diagnoses=("E11.900",))


@pytest.fixture
def desk(demo_path: Path) -> Desk:
    with Desk(demo_path, None, first_start=False) as opened:
        yield opened


def test_the_wedge_recognises_what_a_scanner_types() -> None:
    token = "990100" + "0123456789abcdef" * 2
    assert recognise_scan(f"\x02{token}\x03\r\n") == Credential("01", token, source="scan")
    assert recognise_scan(" 99010019680314115x ") == Credential("02", "99010019680314115X", source="scan")
    assert recognise_scan("BC1380812") == Credential("03", "BC1380812", source="scan")
    for other in ("DEMO990100000001", "ECWG9JP7HC4C53WL57PTFGKXVV8CAASN", "张三", ""):
        assert recognise_scan(other) is None
    assert "0123" not in repr(Credential("01", token)) and Credential("02", "990100196801011234").masked() != ""


def test_the_demo_site_has_a_simulated_reader(desk: Desk) -> None:
    reader = desk.card_reader()
    assert isinstance(reader, SimulatedReader) and isinstance(reader, CardReader)
    first = desk.read_card()
    assert (first.cert_type, first.number) == ("03", roster()[0]["card_no"])
    found = desk.identify(first)
    assert (found.person.psn_no, found.source, found.cert_type) == (roster()[0]["psn_no"], "roster", "03")
    assert found.person.certno != roster()[0]["certno"]  # masked on the way to the screen
    assert found.benefit.enjoyed and found.benefit.state == "normal"


def test_a_reader_with_nothing_on_it_and_no_reader(desk: Desk) -> None:
    desk.use_card_reader(SimulatedReader(cycle=False))
    with pytest.raises(NoCardPresent):
        desk.read_card()
    assert load_reader("none", demo=True) is None and load_reader("", demo=False) is None
    with pytest.raises(ReaderUnavailable, match="no reader of that name"):
        load_reader("acme-t10", demo=False)


def test_a_vendor_reader_plugs_in_by_entry_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A vendor package registers its reader in the entry-point group; the site file names it."""
    (tmp_path / "acme_reader.py").write_text(
        "from hospital_client.app.card_readers import Credential\n"
        "class AcmeT10:\n"
        "    name = 'acme-t10'\n"
        "    def read(self):\n"
        "        return Credential('03', 'BC1380812', card_sn='0011AABB', source=self.name)\n"
        "class Broken:\n"
        "    def __init__(self):\n"
        "        raise OSError('libacme.so: cannot open shared object file')\n", encoding="utf-8")
    info = tmp_path / "acme_reader-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-reader\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[hospital_client.card_readers]\nacme-t10 = acme_reader:AcmeT10\n"
                                           "acme-broken = acme_reader:Broken\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    reader = load_reader("acme-t10", demo=False)
    assert reader is not None and reader.name == "acme-t10"
    assert reader.read() == Credential("03", "BC1380812", card_sn="0011AABB", source="acme-t10")
    with pytest.raises(ReaderUnavailable, match="cannot open shared object"):
        load_reader("acme-broken", demo=False)
    sys.modules.pop("acme_reader", None)


def test_offline_the_roster_answers_for_cards_and_an_e_voucher_is_refused(desk: Desk) -> None:
    person = PERSONS[NORMAL]
    for credential in (Credential("02", person["certno"].lower()), Credential("03", person["card_no"]),
                       Credential("01", person["ecard_code"])):  # the roster's static e-card code
        assert desk.identify(credential).person.psn_no == NORMAL
    with pytest.raises(EvoucherNeedsCentral):
        desk.identify(Credential("01", "990100" + "ab" * 16))
    with pytest.raises(NotInRoster):
        desk.identify(Credential("02", "990100190001010000"))
    # the lookup box: a scanned ID number is identified, a psn_no looked up as before
    assert [v.psn_no for v in desk.identify_key(person["certno"])] == [NORMAL]
    assert [v.psn_no for v in desk.identify_key(NORMAL)] == [NORMAL]
    assert desk.identify_key("990100190001010000") == []
    with pytest.raises(EvoucherNeedsCentral):
        desk.identify_key("990100" + "ab" * 16)


@pytest.mark.parametrize(("psn_no", "state", "words"), [
    (SUSPENDED, "suspended", "缴费未到账"), (WAITING, "waiting", "等待期"), (INTERRUPTED, "interrupted", "中断缴费")])
def test_a_stay_in_a_benefit_period_is_refused_before_computing(desk: Desk, psn_no: str, state: str,
                                                               words: str) -> None:
    found = desk.identify(Credential("03", PERSONS[psn_no]["card_no"]))
    assert not found.benefit.enjoyed and found.benefit.state == state and words in found.benefit.reason
    request = desk.build_request(psn_no, _stay(f"ZY-B-{state}"), FEES)
    with pytest.raises(BenefitNotEnjoyed) as refused:
        desk.preview(request)
    assert refused.value.state == state and words in str(refused.value) and refused.value.exit_code == 2
    clerk = desk.login("demo", "demo123")
    with pytest.raises(BenefitNotEnjoyed):
        desk.settle(clerk, request)
    with pytest.raises(BenefitNotEnjoyed):
        desk.settle_online(clerk, request)
    assert store.journal.list_entries(desk.db()) == []


def test_outside_the_period_the_stay_is_paid(desk: Desk) -> None:
    assert desk.benefit_status(HEALED, dt.date(2026, 11, 20), dt.date(2026, 11, 28)).enjoyed
    status = desk.benefit_status(HEALED, dt.date(2026, 5, 28), dt.date(2026, 6, 3))
    assert (status.enjoyed, status.state, status.begndate, status.enddate) == (False, "suspended", "2026-03-01",
                                                                               "2026-05-31")
    clerk = desk.login("demo", "demo123")
    outcome = desk.settle(clerk, desk.build_request(HEALED, _stay("ZY-HEALED"), FEES))
    assert outcome.committed.local_id == 1
    with pytest.raises(BenefitNotEnjoyed, match="2026-03-01"):
        desk.preview(desk.build_request(HEALED, _stay("ZY-HEALED-2", "2026-05-20", "2026-06-02"), FEES))


def test_the_command_line_refuses_with_exit_2_naming_the_reason(demo_path: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with Desk(demo_path, None, first_start=False) as desk:
        request = desk.build_request(SUSPENDED, _stay("ZY-CLI-1"), FEES)
    path = write_request(tmp_path, request)
    code = cli.main(["settle", str(path), "--commit", "--db", str(demo_path)])
    _, err = capsys.readouterr()
    assert code == 2 and "suspended" in err and "缴费未到账" in err and "2026-09-01" in err
    with Desk(demo_path, None, first_start=False) as desk:
        assert store.journal.list_entries(desk.db()) == []
    fine = json.loads(path.read_text(encoding="utf-8"))
    fine["encounter"].update(begntime="2026-08-01", endtime="2026-08-10", mdtrt_id="ZY-CLI-2")
    code = cli.main(["settle", str(write_request(tmp_path, fine, "fine.json")), "--commit", "--db", str(demo_path)])
    out, _ = capsys.readouterr()
    assert code == 0 and json.loads(out)["local_id"] == 1


def test_the_demo_roster_carries_the_periods(demo_db: store.LocalDatabase) -> None:
    assert [p.state for p in store.benefits.get_periods(demo_db, SUSPENDED)] == ["suspended"]
    assert store.benefits.get_periods(demo_db, NORMAL) == []
    assert app.Desk is Desk


def test_the_identify_command(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    person = PERSONS[WAITING]
    code = cli.main(["identify", "--social-card", person["card_no"], "--from", "2026-11-20", "--to", "2026-11-28",
                     "--json", "--db", str(demo_path)])
    out, _ = capsys.readouterr()
    data = json.loads(out)
    assert code == 0 and data["person"]["psn_no"] == WAITING and data["source"] == "roster"
    assert data["person"]["certno"] != person["certno"] and data["cert_type"] == "03"
    assert (data["benefit"]["enjoyed"], data["benefit"]["state"], data["benefit"]["enddate"]) == (
        False, "waiting", "2027-01-14")
    code = cli.main(["identify", "--id-card", person["certno"], "--from", "2027-02-01", "--db", str(demo_path)])
    out, _ = capsys.readouterr()
    assert code == 0 and "benefits 2027-02-01..2027-02-01: normal" in out and person["certno"] not in out
    code = cli.main(["identify", "--e-voucher", "990100" + "ab" * 16, "--db", str(demo_path)])
    _, err = capsys.readouterr()
    assert code == 2 and "central system" in err
    code = cli.main(["identify", "--read-card", "--json", "--db", str(demo_path)])
    out, _ = capsys.readouterr()
    assert code == 0 and json.loads(out)["person"]["psn_no"] == roster()[0]["psn_no"]


def test_a_stay_not_yet_over_shows_no_figures(desk: Desk) -> None:
    """The figures of a stay ending after today are not shown either: the clerk corrects the date
    at 试算, before any money is asked for."""
    today = store.now().date()
    future = EncounterInput(mdtrt_id="ZY-FUTURE", hosp_lv=2, begntime=today,
                            endtime=today + dt.timedelta(days=2), diagnoses=("E11.900",))
    with pytest.raises(DischargeInFuture, match="after today"):
        desk.preview(desk.build_request(NORMAL, future, FEES))
    ended = EncounterInput(mdtrt_id="ZY-FUTURE", hosp_lv=2, begntime=today - dt.timedelta(days=2),
                           endtime=today, diagnoses=("E11.900",))
    assert desk.preview(desk.build_request(NORMAL, ended, FEES)).result["setlinfo"]["medfee_sumamt"] == "165.00"
