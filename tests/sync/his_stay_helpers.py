"""What the tests of a HIS-handed-over stay share: the stay put in the desk's HIS store, a desk
talking to the real central server through the fault-injecting proxy, and what the proxy saw."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from central_helpers import HAND_FEES, db_rows
from sync_helpers import FAST, Central, FaultProxy, central_db, client_for, operator, ready_desk, site_config

from hospital_client.app.desk import Desk
from hospital_client.store import his
from hospital_client.store.operators import Operator

QUICK = dataclasses.replace(FAST, attempts=1, read_timeout=2.0)
_INFNO = re.compile(rb'"infno":"(\d{4})"')

Running = tuple[Central, Desk, Operator, str, FaultProxy]


def infno(body: bytes) -> str:
    """The transaction number of a captured request body ("" when it has none)."""
    found = _INFNO.search(body)
    return found.group(1).decode() if found else ""


def handed_over(desk: Desk, psn_no: str, stay_key: str) -> his.HisStay:
    total = sum((Decimal(str(f["det_item_fee_sumamt"])) for f in HAND_FEES), Decimal("0"))
    return his.put_stay(desk.db(), his.HisStay(
        ipt_no=stay_key, mdtrt_id="", psn_no=psn_no, begntime="2026-03-01", endtime="2026-03-10", dept="内科",
        doctor="医生甲", diagnoses=("E11.900",), fees=tuple(HAND_FEES), medfee_sumamt=f"{total:.2f}",
        source="test"), operator="his")


@contextmanager
def desk_behind_proxy(tmp_path: Path) -> Iterator[Running]:
    """A real central server, a ready desk on it through the fault proxy, and the desk's clerk."""
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        db = ready_desk(tmp_path, central, code)
        clerk = operator(db)
        db.close()
        with FaultProxy(central.url, secret=central.secrets[code]) as proxy:
            desk = Desk(tmp_path / "desk.db", site_config(central, code, url=proxy.url), first_start=False)
            desk.use_central_client(client_for(central, code, url=proxy.url, settings=QUICK))
            try:
                yield central, desk, clerk, code, proxy
            finally:
                desk.close_sync()
                desk.close()


def admissions(central: Central, stay: str) -> list[dict[str, object]]:
    """The admissions (2401) the central system holds for ``stay``."""
    return [json.loads(row[0]) for row in db_rows(central.db, "SELECT data FROM admission WHERE mdtrt_id = ?",
                                                  (stay,))]
