"""Identification through the desk façade against a real central server process: an e-voucher
token issued by the central system (9531, the patient's app) read by a reader and resolved by
1101, the platform's refusals as clerk sentences, 2001 before the bill, and the same desk when
the central system is down (the roster answers for cards, an e-voucher is refused)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from central_helpers import roster
from sync_helpers import HAND_FEES, Central, central_db, client_for, operator, ready_desk, site_config

from hospital_client import credentials, store
from hospital_client import protocol as p
from hospital_client.app import sync_usecases as su
from hospital_client.app.card_readers import Credential, SimulatedReader
from hospital_client.app.desk import Desk, EncounterInput
from hospital_client.app.identification import BenefitNotEnjoyed, EvoucherNeedsCentral
from hospital_client.sync.client import ClientSettings
from hospital_client.sync.errors import CentralRefused
from hospital_client.sync.evoucher import issue_ec_token

SUSPENDED, WAITING = "DEMO990100000068", "DEMO990100000069"
NORMAL = "DEMO990100000041"


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    with central_db(tmp_path_factory.mktemp("central")) as running:
        yield running


@pytest.fixture
def desk(central: Central, tmp_path: Path) -> Iterator[Desk]:
    code = central.new_site()
    credentials.set_secret(su.secret_name(code), central.secrets[code])
    ready_desk(tmp_path, central, code).close()
    opened = Desk(tmp_path / "desk.db", site_config(central, code), first_start=False)
    try:
        yield opened
    finally:
        opened.close_sync()
        opened.close()


def _token(central: Central, desk: Desk, psn_no: str, valid_seconds: int | None = None) -> str:
    with client_for(central, desk.fixmedins_code) as phone:  # the patient's app shows the QR code
        token, _expires = issue_ec_token(phone, psn_no=psn_no, valid_seconds=valid_seconds)
    return token


def test_an_e_voucher_read_by_the_reader_is_resolved_by_the_central_system(central: Central, desk: Desk) -> None:
    token = _token(central, desk, NORMAL)
    desk.use_card_reader(SimulatedReader([Credential("01", token, source="simulated")]))
    found = desk.identify(desk.read_card())
    assert (found.person.psn_no, found.source, found.cert_type) == (NORMAL, "central", "01")
    assert found.benefit.enjoyed and found.benefit.source == "central"
    assert found.person.psn_name == roster()[NORMAL]["psn_name"]  # the clerk verifies the patient
    assert found.person.certno != roster()[NORMAL]["certno"]
    # the same token scanned into the lookup box by a keyboard-wedge scanner
    assert [v.psn_no for v in desk.identify_key(token + "\r\n")] == [NORMAL]


def test_the_platform_refusals_reach_the_clerk_as_sentences(central: Central, desk: Desk) -> None:
    token = _token(central, desk, NORMAL, valid_seconds=1)
    time.sleep(2.1)
    with pytest.raises(CentralRefused) as expired:
        desk.identify(Credential("01", token))
    assert isinstance(expired.value.protocol_error, p.EcTokenExpired) and expired.value.exit_code == 1
    assert expired.value.clerk_text == p.EcTokenExpired.clerk_text
    fresh = _token(central, desk, NORMAL)
    with pytest.raises(CentralRefused) as mismatch:  # a stay of another patient was taken from HIS
        desk.identify(Credential("01", fresh), expected_psn_no=SUSPENDED)
    assert isinstance(mismatch.value.protocol_error, p.CertificateMismatch)
    assert desk.identify(Credential("01", fresh), expected_psn_no=NORMAL).person.psn_no == NORMAL
    with pytest.raises(CentralRefused) as unknown:
        desk.identify_key("990100" + "cd" * 16)
    assert isinstance(unknown.value.protocol_error, p.EcTokenUnknown)


def test_2001_answers_before_the_bill_and_the_stay_is_refused(central: Central, desk: Desk) -> None:
    found = desk.identify(Credential("02", roster()[SUSPENDED]["certno"]))
    assert (found.source, found.benefit.source, found.benefit.enjoyed, found.benefit.state) == (
        "central", "central", False, "suspended")
    assert [x.state for x in store.benefits.get_periods(desk.db(), SUSPENDED)] == ["suspended"]
    request = desk.build_request(SUSPENDED, EncounterInput("ZY-S-1", 2, dt.date(2026, 11, 20),
                                                           dt.date(2026, 11, 28)), HAND_FEES)
    with pytest.raises(BenefitNotEnjoyed):
        desk.preview(request)
    clerk = operator(desk.db())
    with pytest.raises(BenefitNotEnjoyed):
        desk.settle_online(clerk, request)
    assert central.settlements(desk.fixmedins_code) == []


def test_offline_cards_use_the_roster_and_an_e_voucher_waits_for_the_central_system(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        credentials.set_secret(su.secret_name(code), central.secrets[code])
        ready_desk(tmp_path, central, code).close()
        token = ""
        with client_for(central, code) as phone:
            token, _ = issue_ec_token(phone, psn_no=NORMAL)
        central.stop()  # the township's line is down
        desk = Desk(tmp_path / "desk.db", site_config(central, code), first_start=False)
        try:
            desk.central_client().settings = ClientSettings(connect_timeout=0.5, attempts=1, max_elapsed=1.0)
            found = desk.identify(Credential("03", roster()[WAITING]["card_no"]))
            assert (found.person.psn_no, found.source) == (WAITING, "roster")
            assert (found.benefit.enjoyed, found.benefit.state, found.benefit.source) == (False, "waiting", "roster")
            with pytest.raises(EvoucherNeedsCentral):
                desk.identify(Credential("01", token))
            central.start()  # back: the same token now works
            assert desk.identify(Credential("01", token)).source == "central"
        finally:
            desk.close_sync()
            desk.close()
