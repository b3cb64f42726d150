"""Security: a wrong secret, a replayed nonce, a stale timestamp, site A uploading for site B are
each refused and nothing is stored; a server clock more than 5 minutes off raises the warning."""

from __future__ import annotations

import io
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from central_helpers import roster
from sync_helpers import (
    ADMIN,
    ADMIN_PASSWORD,
    QUICK_DRAIN,
    Central,
    FaultProxy,
    central_db,
    client_for,
    desk_request,
    operator,
    outbox_statuses,
    ready_desk,
    site_config,
)

from hospital_client import cli, store
from hospital_client import protocol as p
from hospital_client.app import sync_usecases as su
from hospital_client.app import usecases
from hospital_client.store import journal, upload
from hospital_client.sync.drain import ACK_ADJUDICATED, batch_input, drain, upload_item
from hospital_client.sync.errors import CentralRefused, CredentialsMissing, NotConfigured

_persons = iter(sorted(roster())[10:])


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    with central_db(tmp_path_factory.mktemp("central")) as server:
        yield server


def _batch(db: store.LocalDatabase, local_ids: list[int]) -> dict[str, object]:
    """The input of a 9511 message as the drain builds it (results in the answer)."""
    items = [upload_item(s) for s in upload.upload_sources(db, local_ids)]
    return dict(p.loads(batch_input(items, ACK_ADJUDICATED)))


def test_wrong_secret_is_refused_and_nothing_is_stored(tmp_path: Path, central: Central) -> None:
    code = central.new_site()
    db = ready_desk(tmp_path, central, code)
    usecases.settle(db, operator(db), desk_request(next(_persons), "MDT-S-1", site=code))
    with client_for(central, code, secret="not-the-secret") as client:
        summary = su.sync_now(db, client, drain_settings=QUICK_DRAIN)
        check = su.test_connection(client)
    assert not summary.ok and "1003" in summary.error
    assert not check.ok and isinstance(check.failure, CentralRefused)
    assert "secret" in check.failure.clerk_text  # the desk says the access secret is wrong, not just "refused"
    assert central.settlements(code) == []
    assert outbox_statuses(db) == {1: "queued"}  # nothing sent, nothing parked: the credentials are wrong
    assert su.sync_status(db, site_config(central, code)).last_error == summary.error
    db.close()


def test_replayed_nonce_and_stale_timestamp_are_refused(tmp_path: Path, central: Central) -> None:
    code = central.new_site()
    db = ready_desk(tmp_path, central, code)
    clerk = operator(db)
    for n in range(3):
        usecases.settle(db, clerk, desk_request(next(_persons), f"MDT-R-{n}", site=code))
    raw = central.raw(code)
    body = raw.body(p.BATCH_UPLOAD, _batch(db, [1]))
    headers = raw.headers(body)
    status, answer = raw.post(body, headers)
    assert status == 200 and answer.ok
    # The same bytes and headers again (a replay): refused, not processed again.
    status, answer = raw.post(body, headers)
    assert (status, answer.infcode) == (401, p.ReusedNonce.infcode)
    # Another message under a nonce already used: refused, nothing stored.
    other = raw.body(p.BATCH_UPLOAD, _batch(db, [2]))
    status, answer = raw.post(other, raw.headers(other, nonce=headers[p.HEADER_NONCE]))
    assert (status, answer.infcode) == (401, p.ReusedNonce.infcode)
    # A timestamp 15 minutes old: refused, nothing stored.
    status, answer = raw.post(other, raw.headers(other, timestamp=int(time.time()) - 900))
    assert (status, answer.infcode) == (401, p.StaleTimestamp.infcode)
    # A wrong secret on a well-formed message: refused.
    status, answer = raw.post(other, raw.headers(other, secret="wrong"))
    assert (status, answer.infcode) == (401, p.BadSignature.infcode)
    assert [r["local_id"] for r in central.settlements(code)] == ["1"]  # only the one genuine message
    db.close()


def test_site_a_cannot_upload_for_site_b(tmp_path: Path, central: Central, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code_a, code_b = central.new_site(), central.new_site()
    # The envelope claims site B under site A's credentials.
    raw = central.raw(code_a)
    db = ready_desk(tmp_path, central, code_a)
    clerk = operator(db)
    good_1 = usecases.settle(db, clerk, desk_request(next(_persons), "MDT-AB-1", site=code_a)).committed.local_id
    bad = usecases.settle(db, clerk, desk_request(next(_persons), "MDT-AB-2", site=code_b)).committed.local_id
    good_2 = usecases.settle(db, clerk, desk_request(next(_persons), "MDT-AB-3", site=code_a)).committed.local_id
    body = raw.body(p.BATCH_UPLOAD, _batch(db, [good_1]), fixmedins_code=code_b)
    status, answer = raw.post(body, raw.headers(body))
    assert (status, answer.infcode) == (403, p.WrongSite.infcode)
    # A batch whose settlement names site B is refused as a whole; the drain finds and parks that
    # one entry with its reason and sends the others.
    with client_for(central, code_a) as client:
        report = drain(db, client, settings=QUICK_DRAIN)
    assert report.ok and (report.accepted, report.rejected, report.parked) == (2, 1, 1)
    assert report.rejections[0]["local_id"] == bad and report.rejections[0]["infcode"] == p.WrongSite.infcode
    statuses = outbox_statuses(db)
    assert (statuses[good_1], statuses[bad], statuses[good_2]) == ("accepted", "rejected", "accepted")
    [parked] = [m for m in usecases.list_outbox(db) if m["status"] == "rejected"]
    assert parked["last_error"].startswith("1006 ") and code_b in parked["last_error"]
    assert [r["local_id"] for r in central.settlements(code_a)] == [str(good_1), str(good_2)]
    assert central.settlements(code_b) == []
    assert journal.get_entry(db, bad).state == "provisional"
    # The clerk may put it back in the queue; it is refused again and parked again, never lost.
    monkeypatch.setattr(sys, "stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
    assert cli.main(["outbox", "retry", str(parked["id"]), "--db", str(db.path), "--operator", ADMIN,
                     "--password-stdin"]) == 0
    retried = json.loads(capsys.readouterr().out)
    assert retried["status"] == "queued" and retried["local_id"] == bad
    with pytest.raises(store.RecordError, match="not rejected"):
        su.retry_message(db, clerk, parked["id"])
    with client_for(central, code_a) as client:
        again = drain(db, client, settings=QUICK_DRAIN)
    assert (again.rejected, again.parked) == (1, 1) and outbox_statuses(db)[bad] == "rejected"
    db.close()


def test_a_server_clock_five_minutes_off_is_reported(tmp_path: Path, central: Central) -> None:
    code = central.new_site()
    db = ready_desk(tmp_path, central, code)
    with FaultProxy(central.url, default="skew:-420") as proxy, client_for(central, code, url=proxy.url) as client:
        summary = su.sync_now(db, client, drain_settings=QUICK_DRAIN)
    assert summary.ok  # 7 minutes off in the answer only: our signatures are still on time
    assert summary.clock_warning is not None and "420" in summary.clock_warning
    assert summary.clock_skew is not None and -425 < summary.clock_skew < -415
    status = su.sync_status(db, site_config(central, code))
    assert status.clock_warning is not None
    db.close()


def test_no_site_and_no_secret_are_clear_errors() -> None:
    with pytest.raises(NotConfigured):
        su.open_client(None)
    with pytest.raises(CredentialsMissing, match="hospital-client setup"):
        su.open_client(site_config(None, "H99019999999"))
