"""A seeded insurance year (2026) of settlements for the fund statements' tests, made through the
central service core (``CentralService.handle``: signatures, msgids, adjudication, storage) on a
real store (an SQLite file, or a database of the tests' PostgreSQL cluster), with the service's
clock set to each message's moment so that settlements are adjudicated, and reversals processed,
in the months of the year.

What the year holds (``SeededYear``):
- every month, three discharge settlements (2304) at the two sites, at hospital levels 1-3, of
  persons whose 大病保险 pays (rural residents of 990100, two employees of 990100, and a
  resident and an employee of 990200); the desk's provisional result is computed with the
  roster's opening figures, so repeat admissions are adjusted by the central system;
- a settlement of 31 January 23:50 adjudicated on 1 February 00:10 (late, after the month);
- an April settlement reversed in June, a July settlement reversed in July;
- a small June bill of a person whose opening figures fall short of the annual 大病保险, and a
  person with no settlement and such a shortfall; the year-end true-up applied on 31 December 20:00;
- two insurers: INSA covers 990100:390, INSB covers 990100:310, 990200:310 and 990200:390.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from central_helpers import HAND_FEES, PERSON_KEYS, SITE_A, SITE_B, SITE_NAMES, local_settle, roster, run_cli

from hospital_client import protocol as p
from hospital_client.central.open_store import open_store
from hospital_client.central.service import CentralService
from hospital_client.central.store import CentralStore
from hospital_client.central.trueup import true_up
from hospital_client.rules import parse_pack

PERSONS = ["DEMO990100000001", "DEMO990100000002", "DEMO990100000006", "DEMO990100000011", "DEMO990100000008",
           "DEMO990100000015", "DEMO990100000040", "DEMO990100000062", "DEMO990100000042"]
# Opening figures short of the annual 大病保险 (test_trueup.py): DEMO990100000065 by 1,800.00, of
# which its one small June settlement at site B pays 900.00 -> true-up 1,440.00 on site B's
# December statement; DEMO990100000024 (no settlement in the year) 3,085.00, paid directly.
SMALL_BILL_PERSON, NO_SETTLEMENT_PERSON = "DEMO990100000065", "DEMO990100000024"
TRUE_UP_AT = "2026-12-31 20:00:00"
_seq = itertools.count(1)


def fees(cnt: int) -> list[dict[str, Any]]:
    return [{**HAND_FEES[0], "cnt": str(cnt), "det_item_fee_sumamt": f"{16.5 * cnt:.2f}"}, HAND_FEES[1]]


def request(psn_no: str, mdtrt_id: str, site: str, day: dt.date, hosp_lv: int, cnt: int) -> dict[str, Any]:
    person = roster()[psn_no]
    return {
        "person": {k: person.get(k) for k in PERSON_KEYS},
        "encounter": {"mdtrt_id": mdtrt_id, "med_type": "21", "fixmedins_code": site, "hosp_lv": hosp_lv,
                      "mdtrtarea_admvs": "990100", "begntime": (day - dt.timedelta(days=5)).isoformat(),
                      "endtime": day.isoformat(), "diagnoses": ["E11.900"]},
        "fees": fees(cnt),
        "year_to_date": {k: v for k, v in person["year_to_date"].items() if k != "year"},
    }


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 1, 1, 8, 0, tzinfo=p.CST)

    def __call__(self) -> float:
        return self.now.timestamp()


@dataclass
class SeededYear:
    db: Path | str
    store: CentralStore
    service: CentralService
    clock: Clock
    secrets: dict[str, str]
    settlements: list[dict[str, Any]] = field(default_factory=list)  # each 2304 answer's output
    late_setl_id: str = ""
    reversed_in_june: str = ""
    reversed_in_july: str = ""
    true_up: dict[str, Any] = field(default_factory=dict)
    small_bill: dict[str, Any] = field(default_factory=dict)

    def call(self, site: str, infno: str, input_: dict[str, Any], at: str) -> Any:
        """One message from ``site`` at ``at`` (CST), through the service core; its output."""
        self.clock.now = dt.datetime.fromisoformat(at).replace(tzinfo=p.CST)
        msgid = p.make_msgid(site, self.clock.now, next(_seq) % 10000)
        envelope = p.build_request(infno, input_, msgid=msgid, fixmedins_code=site, fixmedins_name=SITE_NAMES[site],
                                   mdtrtarea_admvs="990100", insuplc_admdvs="990100", opter="001",
                                   opter_name="收费员", inf_time=self.clock.now.replace(tzinfo=None))
        body = p.dumps(envelope)
        headers = p.signed_headers(site, self.secrets[site], body, timestamp=int(self.clock()))
        reply = self.service.handle(headers, body)
        answer = p.parse_response(reply.body)
        assert reply.status == 200 and answer.infcode == 0, reply.body[:400]
        return answer.output

    def settle(self, site: str, local_id: str, req: dict[str, Any], setl_time: str, at: str) -> dict[str, Any]:
        item = {"kind": "settlement", "local_id": local_id, "setl_time": setl_time, "request": req,
                "provisional": local_settle(req)}
        out = dict(self.call(site, p.SETTLEMENT, {"data": item}, at))
        self.settlements.append(out)
        return out

    def reverse(self, site: str, local_id: str, setl_id: str, at: str) -> dict[str, Any]:
        return dict(self.call(site, p.REVERSAL, {"data": {"kind": "reversal", "local_id": local_id,
                                                           "setl_id": setl_id}}, at))


def setl_id_of(out: dict[str, Any]) -> str:
    return str(out["setl_id"])


def open_year(db: Path | str, secrets: dict[str, str]) -> SeededYear:
    """An initialised central database (demo data, two sites: conftest.new_central_db) with the two
    insurers added, and its service core."""
    for code, name, covers in (("INSA", "甲保险公司", ["990100:390"]),
                               ("INSB", "乙保险公司", ["990100:310", "990200:310", "990200:390"])):
        argv = ["fund", "insurer", "add", "--db", str(db), "--code", code, "--name", name]
        for cover in covers:
            argv += ["--cover", cover]
        assert run_cli(*argv)[0] == 0
    store = open_store(db)
    clock = Clock()
    return SeededYear(db=db, store=store, service=CentralService(store, clock=clock), clock=clock, secrets=secrets)


def seeded(request: Any, tmp: Path) -> SeededYear:
    """The seeded year on the store of a fixture parametrised over conftest.STORES."""
    from central_stores import new_central_db

    db, secrets = new_central_db(request, request.param, tmp)
    return seed_year(db, secrets)


def seed_year(db: Path | str, secrets: dict[str, str]) -> SeededYear:
    """The seeded year (the module's docstring); the store is closed when it returns."""
    year = open_year(db, secrets)
    store = year.store
    n = 0
    april: tuple[str, str] | None = None
    july: tuple[str, str] | None = None
    for month in range(1, 13):
        for k in range(3):
            psn = PERSONS[(3 * (month - 1) + k) % len(PERSONS)]
            site = SITE_A if (month + k) % 2 else SITE_B
            day = dt.date(2026, month, 10 + k)
            n += 1
            out = year.settle(site, str(n), request(psn, f"MDT-{n:03d}", site, day, 1 + (month + k) % 3,
                                                     300 + 40 * n), f"{day} 10:00:00", f"{day} 10:00:05")
            pays_hifmi = out["final"]["setlinfo"]["hifmi_pay"] != "0.00"
            if month == 4 and pays_hifmi and april is None:
                april = (site, setl_id_of(out))
            if month == 7 and pays_hifmi and july is None:
                july = (site, setl_id_of(out))
    # the small bill of June (3,000.00 at a level-2 hospital)
    n += 1
    year.small_bill = year.settle(SITE_B, str(n), request(SMALL_BILL_PERSON, f"MDT-{n:03d}", SITE_B,
                                                          dt.date(2026, 6, 20), 2, 160),
                                  "2026-06-20 10:00:00", "2026-06-20 10:00:05")
    # late: settled at the desk on 31 January, adjudicated on 1 February
    n += 1
    out = year.settle(SITE_A, str(n), request(PERSONS[2], f"MDT-{n:03d}", SITE_A, dt.date(2026, 1, 31), 2, 900),
                      "2026-01-31 23:50:00", "2026-02-01 00:10:00")
    year.late_setl_id = setl_id_of(out)
    # reversals: an April settlement in June, a July settlement in July
    assert april is not None and july is not None
    n += 1
    year.reverse(april[0], str(n), april[1], "2026-06-25 09:00:00")
    year.reversed_in_june = april[1]
    n += 1
    year.reverse(july[0], str(n), july[1], "2026-07-25 09:00:00")
    year.reversed_in_july = july[1]
    # the year-end true-up, applied on 31 December
    packs = [parse_pack(b.data, b.source_name) for b in store.list_packs()]
    year.true_up = true_up(store, packs, 2026, apply=True, at=TRUE_UP_AT)
    store.close()
    return year
