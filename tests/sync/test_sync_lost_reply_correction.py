"""2601 冲正 after a lost reply, at a central system whose 5203 does not fence: the original (2304,
2305) is held back, 5203 finds nothing, and the original arrives just before the desk's 2601. Each
answer 2601 can give leads to the right next step, with nothing for the clerk to do:

- ``reversed`` (2304) / ``reinstated`` (2305): 2601 undid the late original; the desk sends the
  entry again and the central system settles (reverses) it anew under its local id: one
  settlement in force (none after a reversal), one final entry in the journal;
- ``already_undone``: the 2601's own reply was lost; the next sync finds the entry's settlement
  undone, asks 2601 again and sends the entry again;
- ``no_effect``: the original reached the central system and was refused: sent again, settled;
- ``already_reversed``: the original took effect and another entry reversed it since: recorded;
- 2601 refused (a reversal that can no longer be undone): the original reversal is recorded.

The outpatient 2207 / 2208 the same way. (``voided``: test_sync_lost_reply.py, a 5203 that
fences.) The real server process on 127.0.0.1 behind the fault-injecting proxy; the proxy takes
``fence`` out of every 5203 (a central system whose 5203 does not fence)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from central_helpers import roster, roster_ytd
from lost_reply_drill import INFNO, MSGID, WAIT, field, quick
from sync_helpers import (
    SITE_A,
    Central,
    FaultProxy,
    central_db,
    client_for,
    desk_request,
    online_desk,
    operator,
    ready_desk,
    site_config,
)

from hospital_client import protocol as p
from hospital_client import store
from hospital_client.app import sync_usecases as su
from hospital_client.app.outpatient import VisitInput, parse_visit
from hospital_client.sync.client import CentralClient
from hospital_client.sync.drain import DrainSettings, drain

PERSONS = sorted(roster())
QUICK = quick(attempts=2)
LOCAL_ID = re.compile(rb'"local_id":"([^"]+)"')
NO_FENCE = b',"fence":true'
OUTPATIENT_PSN = "DEMO990100000015"


def outpatient_visit(psn_no: str, n: int) -> VisitInput:
    return parse_visit({"psn_no": psn_no, "med_type": "11", "begntime": "2026-03-10", "hosp_lv": 2,
                        "ipt_otp_no": f"MZ-RACE-{n:03d}", "dept_code": "A03",
                        "fees": [{"med_list_codg": "XA10ABP052B001010100022", "name": "胰岛素注射液",
                                  "pric": "16.50", "cnt": "6", "det_item_fee_sumamt": "99.00"}]})


class Race:
    """The proxy's choice per POST: every attempt of the first ``infno`` message is held back (the
    desk gets no reply); when the desk's first 2601 comes, ``before`` runs first (by default the
    held original is delivered: it arrives late, just before the 2601). ``drop_2601``: the first
    2601's reply is dropped too (the central system did it)."""

    def __init__(self, proxy: FaultProxy, central: Central, infno: bytes, *,
                 before: Callable[[Race], None] | None = None, drop_2601: bool = False, site: str = SITE_A) -> None:
        self.proxy, self.central, self.infno, self.site = proxy, central, infno, site
        self.before = before or (lambda race: race.deliver_held())
        self.drop_2601 = drop_2601
        self.held: list[bytes] = []
        self.corrections: list[bytes] = []  # msgids of the 2601s
        self.statuses: list[int] = []  # what the central system answered what ``before`` delivered

    def deliver(self, body: bytes) -> None:
        response = self.proxy.forward(p.signed_headers(self.site, self.central.secrets[self.site], body), body)
        self.statuses.append(response.status_code)

    def deliver_held(self, change: Callable[[bytes], bytes] = lambda body: body) -> None:
        self.deliver(change(self.held[0]))

    def __call__(self, body: bytes) -> str:
        infno, msgid = field(INFNO, body), field(MSGID, body)
        if infno == self.infno and not self.held:
            self.held.append(body)
        if infno == self.infno and msgid == field(MSGID, self.held[0]):
            return "lose"
        if infno == b"2601":
            if not self.corrections:
                self.before(self)
            if msgid not in self.corrections:
                self.corrections.append(msgid)
            if self.drop_2601 and msgid == self.corrections[0]:
                return "drop"
        return "pass"


def _non_fencing(proxy: FaultProxy) -> None:
    proxy.rewrite = lambda body: body.replace(NO_FENCE, b"")


def _answers(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What 2601 answered, as the desk logged it before sending the entry again."""
    found = re.compile(r"\(2601 (\w+)\)")
    return [m.group(1) for r in caplog.records if (m := found.search(r.getMessage()))]


def _admissions(central: Central, psn_no: str) -> int:
    with client_for(central, SITE_A) as plain:
        ytd = plain.call(p.PERSON_ACCUMULATORS, {"data": {"psn_no": psn_no, "year": 2026}}).output
    return int(ytd["year_to_date"]["admissions"]) - int(roster_ytd(psn_no)["admissions"])


def _settle(db: store.LocalDatabase, central: Central, client: CentralClient, psn_no: str,
            mdtrt_id: str) -> su.OnlineOutcome:
    return su.settle_online(db, site_config(central), operator(db), desk_request(psn_no, mdtrt_id), client=client,
                            wait=WAIT)


@pytest.fixture
def lost_reply_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="hospital_client.sync.lost_reply")
    return caplog


def test_reversed_the_late_original_and_settles_again_once(tmp_path: Path,
                                                           lost_reply_log: pytest.LogCaptureFixture) -> None:
    """2601 finds the late 2304 committed and reverses it; the desk sends the stay again and it is
    settled anew under its local id: final at once, one settlement in force, one journal entry
    final against it, the person's year counted once; the stay can be reversed as usual after."""
    psn = PERSONS[9]
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central, SITE_A)
        with FaultProxy(central.url, secret=central.secrets[SITE_A]) as proxy, \
                client_for(central, SITE_A, url=proxy.url, settings=QUICK) as client:
            race = Race(proxy, central, b"2304")
            proxy.chooser = race
            _non_fencing(proxy)
            online = _settle(db, central, client, psn, "MDT-RACE-REV")
            assert online.final and online.central_status in ("accepted", "adjusted"), online.reason
            assert race.statuses == [200] and _answers(lost_reply_log) == ["reversed"]
            local_id = online.outcome.committed.local_id

            held = {s["local_id"]: s for s in central.settlements(SITE_A)}
            assert set(held) == {str(local_id), f"{local_id}/2"}
            first, again = held[str(local_id)], held[f"{local_id}/2"]
            assert first["reversed"]["local_id"].startswith("2601:") and again["reversed"] is None
            [entry] = store.journal.list_entries(db)
            assert entry.state == "final" and entry.kind == "settlement"
            assert store.reconcile.remote_result(db, local_id)["central_id"] == again["setl_id"]
            assert _admissions(central, psn) == 1  # never charged twice
            # 5203 by the local id: the settlement in force, as the desk asked for it
            found = client.call(p.SETTLEMENT_QUERY, {"data": {"local_id": str(local_id)}}).output
            assert found["setl_id"] == again["setl_id"] and found["local_id"] == str(local_id)
            assert found["local_key"] == f"{local_id}/2"

            proxy.chooser = proxy.rewrite = None
            reversal = su.reverse_online(db, operator(db), local_id, "重结", client=client, wait=WAIT)
            assert reversal.final and reversal.outcome.committed.kind == "reversal", reversal.reason
        after = {s["local_id"]: s for s in central.settlements(SITE_A)}
        assert after[f"{local_id}/2"]["reversed"]["local_id"] == str(reversal.outcome.committed.local_id)
        assert _admissions(central, psn) == 0
        assert {m.status for m in store.outbox.list_messages(db)} == {"accepted"}
        assert [e.state for e in store.journal.list_entries(db)] == ["final", "final"]
        db.close()


def test_already_undone_when_the_2601_reply_was_lost_and_the_next_sync_settles_again(
        tmp_path: Path, lost_reply_log: pytest.LogCaptureFixture) -> None:
    """2601 reversed the late original but its reply was lost too: the stay waits (provisional) for
    the next sync. The sync finds the stay's settlement undone by its own 2601; 2601 asked again
    answers ``already_undone`` and the stay is sent again: final, once, nothing parked."""
    psn = PERSONS[10]
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central, SITE_A)
        with FaultProxy(central.url, secret=central.secrets[SITE_A]) as proxy, \
                client_for(central, SITE_A, url=proxy.url, settings=QUICK) as client:
            race = Race(proxy, central, b"2304", drop_2601=True)
            proxy.chooser = race
            _non_fencing(proxy)
            online = _settle(db, central, client, psn, "MDT-RACE-UNDONE")
            assert not online.final
            report = drain(db, client, settings=DrainSettings(result_wait=10, poll_initial=0.02))
            assert report.ok and report.parked == 0 and report.still_queued == 0, report
        assert len(race.corrections) == 2 and _answers(lost_reply_log) == ["already_undone"]
        local_id = online.outcome.committed.local_id
        held = {s["local_id"]: s for s in central.settlements(SITE_A)}
        assert held[str(local_id)]["reversed"]["local_id"].startswith("2601:")
        assert held[f"{local_id}/2"]["reversed"] is None and len(held) == 2
        [entry] = store.journal.list_entries(db)
        assert entry.state == "final"
        assert store.reconcile.remote_result(db, local_id)["central_id"] == held[f"{local_id}/2"]["setl_id"]
        assert _admissions(central, psn) == 1
        db.close()


def test_no_effect_when_the_late_original_was_refused_and_the_stay_settles(
        tmp_path: Path, lost_reply_log: pytest.LogCaptureFixture) -> None:
    """The late original reaches the central system damaged and is refused: 2601 answers
    ``no_effect``; the desk sends the stay again under a new msgid and it settles, once."""
    psn = PERSONS[11]
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central, SITE_A)
        with FaultProxy(central.url, secret=central.secrets[SITE_A]) as proxy, \
                client_for(central, SITE_A, url=proxy.url, settings=QUICK) as client:
            race = Race(proxy, central, b"2304", before=lambda race: race.deliver_held(
                lambda body: body.replace(b'"endtime":"2026', b'"endtime":"20X6', 1)))
            proxy.chooser = race
            _non_fencing(proxy)
            online = _settle(db, central, client, psn, "MDT-RACE-NOEFFECT")
        assert online.final, online.reason
        assert race.statuses == [200] and _answers(lost_reply_log) == ["no_effect"]
        [held] = central.settlements(SITE_A)
        assert held["local_id"] == str(online.outcome.committed.local_id) and held["reversed"] is None
        assert _admissions(central, psn) == 1
        db.close()


def test_already_reversed_records_the_settlement_found(tmp_path: Path,
                                                       lost_reply_log: pytest.LogCaptureFixture) -> None:
    """The late original takes effect and another entry reverses it before the 2601: 2601 answers
    ``already_reversed`` with the settlement; the desk records it (as a sync would), not parked."""
    psn = PERSONS[12]
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central, SITE_A)

        def original_then_reversed(race: Race) -> None:
            race.deliver_held()
            target = field(LOCAL_ID, race.held[0]).decode()
            race.deliver(central.raw(SITE_A).body("2305", {"data": {"local_id": "900001",
                                                                    "reverses_local_id": target}}))

        with FaultProxy(central.url, secret=central.secrets[SITE_A]) as proxy, \
                client_for(central, SITE_A, url=proxy.url, settings=QUICK) as client:
            race = Race(proxy, central, b"2304", before=original_then_reversed)
            proxy.chooser = race
            _non_fencing(proxy)
            online = _settle(db, central, client, psn, "MDT-RACE-ALREADY")
        assert race.statuses == [200, 200] and _answers(lost_reply_log) == []
        assert "reversed since by another entry; recorded" in lost_reply_log.text
        assert online.final, online.reason
        [held] = central.settlements(SITE_A)
        assert held["reversed"]["local_id"] == "900001"
        assert store.reconcile.remote_result(db, online.outcome.committed.local_id)["central_id"] == held["setl_id"]
        assert {m.status for m in store.outbox.list_messages(db)} <= {"accepted", "adjusted"}
        db.close()


def _settled_then_reversed(tmp_path: Path, central: Central, psn: str, mdtrt_id: str,
                           before: Callable[[Race], None] | None = None, *,
                           drop_2601: bool = False) -> tuple[su.OnlineOutcome, su.OnlineOutcome, Race,
                                                             store.LocalDatabase]:
    """Settle a stay online (no fault), then reverse it with the 2305 raced against the 2601
    (``drop_2601``: that 2601's reply lost too)."""
    db = ready_desk(tmp_path, central, SITE_A)
    with FaultProxy(central.url, secret=central.secrets[SITE_A]) as proxy, \
            client_for(central, SITE_A, url=proxy.url, settings=QUICK) as client:
        settled = _settle(db, central, client, psn, mdtrt_id)
        assert settled.final
        race = Race(proxy, central, b"2305", before=before, drop_2601=drop_2601)
        proxy.chooser = race
        _non_fencing(proxy)
        reversal = su.reverse_online(db, operator(db), settled.outcome.committed.local_id, "重结", client=client,
                                     wait=WAIT)
    return settled, reversal, race, db


def test_reinstated_the_late_reversal_and_reverses_again(tmp_path: Path,
                                                         lost_reply_log: pytest.LogCaptureFixture) -> None:
    """2305 raced: 2601 finds the late reversal committed and puts the settlement in force again
    (``reinstated``); the desk sends the reversal again and the central system reverses the
    settlement now in force: nothing in force at the end, the reversal final once in the journal."""
    psn = PERSONS[13]
    with central_db(tmp_path / "central") as central:
        _settled, reversal, race, db = _settled_then_reversed(tmp_path, central, psn, "MDT-RACE-REINST")
        assert reversal.final and reversal.outcome.committed.kind == "reversal", reversal.reason
        assert race.statuses == [200] and _answers(lost_reply_log) == ["reinstated"]
        rev_local = str(reversal.outcome.committed.local_id)
        held = central.settlements(SITE_A)
        assert len(held) == 2 and all(s["reversed"] is not None for s in held)  # nothing in force
        assert sorted(s["reversed"]["local_id"] for s in held) == sorted([rev_local, f"{rev_local}/2"])
        assert _admissions(central, psn) == 0
        assert [e.state for e in store.journal.list_entries(db)] == ["final", "final"]
        assert {m.status for m in store.outbox.list_messages(db)} == {"accepted"}
        db.close()


def test_a_2601_refused_leaves_the_reversal_as_it_took_effect_and_records_it(
        tmp_path: Path, lost_reply_log: pytest.LogCaptureFixture) -> None:
    """The late reversal takes effect and the encounter is settled anew (another entry) before the
    2601: 2601 is refused (the reversal can no longer be undone); 5203 finds the reversal and the
    desk records it, final, not parked."""
    psn = PERSONS[14]
    with central_db(tmp_path / "central") as central:

        def reversal_then_settled_anew(race: Race) -> None:
            race.deliver_held()
            [original] = [b for _h, b in race.proxy.captured if field(INFNO, b) == b"2304"]
            data: dict[str, Any] = p.loads(original)["input"]["data"]
            race.deliver(central.raw(SITE_A).body("2304", {"data": {**data, "local_id": "900002"}}))

        settled, reversal, race, db = _settled_then_reversed(tmp_path, central, psn, "MDT-RACE-REFUSED",
                                                              before=reversal_then_settled_anew)
        assert race.statuses == [200, 200] and _answers(lost_reply_log) == []
        assert "2601 refused (3002); the original stands and is recorded" in lost_reply_log.text
        assert reversal.final and reversal.outcome.committed.kind == "reversal", reversal.reason
        held = {s["local_id"]: s for s in central.settlements(SITE_A)}
        first = held[str(settled.outcome.committed.local_id)]
        assert first["reversed"]["local_id"] == str(reversal.outcome.committed.local_id)
        assert held["900002"]["reversed"] is None
        assert _admissions(central, psn) == 1  # the other entry's settlement, once
        assert [e.state for e in store.journal.list_entries(db)] == ["final", "final"]
        db.close()


def test_an_outpatient_visit_and_its_reversal_raced_against_2601_end_once(
        tmp_path: Path, lost_reply_log: pytest.LogCaptureFixture) -> None:
    """The outpatient chain: the 2207 raced (``reversed``, the visit settled again: one settlement in
    force), then its 2208 raced (``reinstated``, reversed again: nothing in force); the journal holds
    the visit and its reversal, both final; the person's fund paid nothing in the end."""
    with central_db(tmp_path / "central") as central:
        desk, clerk, code = online_desk(tmp_path, central)
        try:
            with FaultProxy(central.url, secret=central.secrets[code]) as proxy, \
                    client_for(central, code, url=proxy.url, settings=QUICK) as client:
                desk.use_central_client(client)
                proxy.chooser = Race(proxy, central, b"2207", site=code)
                _non_fencing(proxy)
                settled = desk.outpatient().settle(clerk, outpatient_visit(OUTPATIENT_PSN, 1), wait=WAIT)
                assert settled.final, settled.reason
                local_id = settled.outcome.committed.local_id
                held = {s["local_id"]: s for s in central.settlements(code)}
                assert held[str(local_id)]["reversed"]["local_id"].startswith("2601:")
                assert held[f"{local_id}/2"]["reversed"] is None and len(held) == 2
                assert store.reconcile.remote_result(desk.db(), local_id)["central_id"] == \
                    held[f"{local_id}/2"]["setl_id"]

                proxy.chooser = Race(proxy, central, b"2208", site=code)
                reversal = desk.outpatient().reverse(clerk, local_id, "退费", wait=WAIT)
                assert reversal.final and reversal.outcome.committed.kind == "reversal", reversal.reason
            assert _answers(lost_reply_log) == ["reversed", "reinstated"]
            corrections = [b for _h, b in proxy.captured if field(INFNO, b) == b"2601"]
            assert [b'"oinfno":"2207"' in b for b in corrections] == [True, False]
            assert b'"oinfno":"2208"' in corrections[1]
            rev_local = str(reversal.outcome.committed.local_id)
            after = central.settlements(code)
            assert len(after) == 3 and all(s["reversed"] is not None for s in after)  # nothing in force
            # the visit's first settlement undone by 2601; its second reversed by the late 2208, then
            # put in force again by 2601 (keyed 2601:...), and reversed by the 2208 sent again
            undone_by = {s["local_id"]: s["reversed"]["local_id"] for s in after}
            assert undone_by.pop(str(local_id)).startswith("2601:")
            assert undone_by.pop(f"{local_id}/2") == rev_local
            [(reinstated, last)] = undone_by.items()
            assert reinstated.startswith("2601:") and last == f"{rev_local}/2"
            assert [e.state for e in store.journal.list_entries(desk.db())] == ["final", "final"]
            assert {m.status for m in store.outbox.list_messages(desk.db())} <= {"accepted", "adjusted"}
        finally:
            desk.close_sync()
            desk.close()


def test_a_2601_refused_with_nothing_found_is_parked_with_the_centres_words(tmp_path: Path) -> None:
    """Only when the central system refuses the 2601 and 5203 has nothing to show for the message
    is the entry parked: with the refusal's words in Chinese, for the clerk (and IT). (A central
    system that refuses: the proxy makes the 2601's oinfno one it cannot correct.)"""
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central, SITE_A)
        with FaultProxy(central.url, secret=central.secrets[SITE_A]) as proxy, \
                client_for(central, SITE_A, url=proxy.url, settings=QUICK) as client:
            race = Race(proxy, central, b"2304", before=lambda race: None)  # the original never arrives
            proxy.chooser = race
            proxy.rewrite = lambda body: body.replace(NO_FENCE, b"").replace(b'"oinfno":"2304"', b'"oinfno":"2402"')
            online = _settle(db, central, client, PERSONS[15], "MDT-RACE-REFUSE")
        assert not online.final and online.central_status == "rejected"
        assert "冲正（2601）原住院结算被中心拒绝" in online.reason and "2402" in online.reason
        [message] = store.outbox.list_messages(db)
        assert message.status == "rejected" and message.last_error == online.reason
        assert central.settlements(SITE_A) == []
        db.close()


def _reversal_in_force(central: Central, rev_local: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The encounter's settlements at the central system and the reversal in force (the one under
    ``REV_LOCAL/2``, reversing the settlement 2601 put in force again)."""
    held = central.settlements(SITE_A)
    [last] = [s["reversed"] for s in held if s["reversed"] and s["reversed"]["local_id"] == f"{rev_local}/2"]
    return held, last


def test_a_reinstated_reversal_the_drain_asks_9512_about_first_is_reversed_again(
        tmp_path: Path, lost_reply_log: pytest.LogCaptureFixture) -> None:
    """2305 raced and the 2601's reply lost too: the reversal waits for the next sync while the
    central system has the settlement in force again. The drain asks 9512 first: it answers the
    reversal marked ``reinstated`` (never taken as final); the drain finishes it as after a lost
    reply (2601 ``already_undone``, sent again): one reversal in force, the journal's reversal
    final against it, the person's year as before the stay."""
    psn = PERSONS[16]
    with central_db(tmp_path / "central") as central:
        _settled, reversal, race, db = _settled_then_reversed(tmp_path, central, psn, "MDT-RACE-REINST-DRAIN",
                                                              drop_2601=True)
        assert not reversal.final and race.statuses == [200]
        rev_local = str(reversal.outcome.committed.local_id)
        assert _admissions(central, psn) == 1  # the settlement in force again
        with client_for(central, SITE_A) as plain:
            [view] = plain.call(p.ADJUDICATION_RESULTS, {"data": {"local_ids": [rev_local]}}).output["results"]
        assert view["kind"] == "reversal" and view["reinstated"]["local_id"].startswith("2601:")
        with FaultProxy(central.url, secret=central.secrets[SITE_A]) as proxy, \
                client_for(central, SITE_A, url=proxy.url, settings=QUICK) as client:
            _non_fencing(proxy)
            report = drain(db, client, settings=DrainSettings(result_wait=10, poll_initial=0.02))
            asked = [field(INFNO, b) for _h, b in proxy.captured]
        assert report.ok and report.parked == 0 and report.still_queued == 0, report
        assert asked[0] == b"9512" and asked[1:] == [b"5203", b"2601", b"2305"], asked
        assert _answers(lost_reply_log) == ["already_undone"]
        held, last = _reversal_in_force(central, rev_local)
        assert len(held) == 2 and all(s["reversed"] is not None for s in held)  # nothing in force
        assert store.reconcile.remote_result(db, int(rev_local))["central_id"] == last["rev_setl_id"]
        assert _admissions(central, psn) == 0
        assert [e.state for e in store.journal.list_entries(db)] == ["final", "final"]
        assert {m.status for m in store.outbox.list_messages(db)} == {"accepted"}
        db.close()


def test_a_reversal_sent_again_whose_reply_was_lost_is_what_9512_answers(
        tmp_path: Path, lost_reply_log: pytest.LogCaptureFixture) -> None:
    """2305 raced, 2601 ``reinstated``, the reversal sent again and reversed under ``REV_LOCAL/2``,
    and then the central system unreachable (that reply and everything after it lost): the drain's
    9512 answers the reversal in force under the local id as asked, recorded final against it."""
    psn = PERSONS[17]
    with central_db(tmp_path / "central") as central:
        offline: list[bool] = []

        def cut_after_the_resend(race: Race) -> Callable[[bytes], str]:
            def choose(body: bytes) -> str:
                if offline:
                    return "lose"
                action = race(body)
                if field(INFNO, body) == b"2305" and field(MSGID, body) != field(MSGID, race.held[0]):
                    offline.append(True)
                    return "drop"  # processed, its reply lost
                return action
            return choose

        db = ready_desk(tmp_path, central, SITE_A)
        with FaultProxy(central.url, secret=central.secrets[SITE_A]) as proxy, \
                client_for(central, SITE_A, url=proxy.url, settings=QUICK) as client:
            settled = _settle(db, central, client, psn, "MDT-RACE-REINST-AGAIN")
            assert settled.final
            race = Race(proxy, central, b"2305")
            proxy.chooser = cut_after_the_resend(race)
            _non_fencing(proxy)
            reversal = su.reverse_online(db, operator(db), settled.outcome.committed.local_id, "重结", client=client,
                                         wait=WAIT)
            assert not reversal.final and offline and _answers(lost_reply_log) == ["reinstated"]
            rev_local = str(reversal.outcome.committed.local_id)
            proxy.chooser = proxy.rewrite = None
            report = drain(db, client, settings=DrainSettings(result_wait=10, poll_initial=0.02))
        assert report.ok and report.parked == 0 and report.still_queued == 0, report
        held, last = _reversal_in_force(central, rev_local)
        assert len(held) == 2 and all(s["reversed"] is not None for s in held)
        assert store.reconcile.remote_result(db, int(rev_local))["central_id"] == last["rev_setl_id"]
        assert _admissions(central, psn) == 0
        assert [e.state for e in store.journal.list_entries(db)] == ["final", "final"]
        db.close()
