"""9521 / 9522: the central system keeps each site's audit chain head, append-only, and refuses a
head that does not follow the last one it holds (lower seq, same seq with another hash, newer
without the held head as prior). A restart is accepted only when a restore later than the held
head explains it, and is kept with the head it replaced."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

import pytest
from central_helpers import Client, Server, db_refusal, db_rows, run_cli

from hospital_client import protocol as p

_CODES = itertools.count(7000)


def _new_site(central: Server) -> Client:
    code = f"H9901{next(_CODES):07d}"
    status, out = run_cli("site", "add", "--db", str(central.db), "--code", code, "--name", f"审计{code[-3:]}")
    assert status == 0
    return Client(central.url, code, out.strip().splitlines()[-1])


@pytest.fixture
def site(central: Server) -> Client:
    """A new site of its own (the server sees it at once): each test starts with no head held."""
    return _new_site(central)


def _hash(n: int) -> str:
    return hashlib.sha256(f"entry {n}".encode()).hexdigest()


def _head(seq: int, at: str = "2026-11-20T10:00:00+08:00", **extra: Any) -> dict[str, Any]:
    return {"data": {"seq": seq, "hash": _hash(seq), "at": at, **extra}}


def _refusal(site: Client, input_: dict[str, Any]) -> tuple[int, str]:
    envelope = p.parse_response(site.send(p.AUDIT_HEAD_UPLOAD, input_).content)
    return envelope.infcode, envelope.err_msg


def test_the_first_head_is_recorded_and_returned_by_the_query(site: Client) -> None:
    assert site.call(p.AUDIT_HEAD_QUERY, {"data": {}}) == {"head": None, "restarts": []}
    out = site.call(p.AUDIT_HEAD_UPLOAD, _head(5))
    assert out["recorded"] is True and out["previous"] is None and out["head"]["seq"] == 5
    held = site.call(p.AUDIT_HEAD_QUERY, {})["head"]
    assert (held["seq"], held["hash"], held["kind"]) == (5, _hash(5), "head")


def test_a_newer_head_needs_the_held_one_as_prior(site: Client) -> None:
    site.call(p.AUDIT_HEAD_UPLOAD, _head(5))
    assert _refusal(site, _head(9))[0] == 3002
    code, msg = _refusal(site, _head(9, prior={"seq": 5, "hash": _hash(6)}))
    assert code == 3002 and "第 5 条" in msg
    out = site.call(p.AUDIT_HEAD_UPLOAD, _head(9, prior={"seq": 5, "hash": _hash(5)}))
    assert out["recorded"] is True and out["previous"]["seq"] == 5
    assert site.call(p.AUDIT_HEAD_QUERY, {})["head"]["seq"] == 9


def test_the_same_head_again_is_not_recorded_twice(site: Client, central: Server) -> None:
    site.call(p.AUDIT_HEAD_UPLOAD, _head(5))
    out = site.call(p.AUDIT_HEAD_UPLOAD, _head(5))
    assert out["recorded"] is False and out["head"]["seq"] == 5
    assert db_rows(central.db, "SELECT COUNT(*) FROM audit_head WHERE site = ?", (site.site,)) == [(1,)]


@pytest.mark.parametrize("head, words", [
    ({"seq": 4, "hash": _hash(4)}, "早于"),             # the newest entries were cut off
    ({"seq": 5, "hash": _hash(55)}, "不同"),            # the same entry, rewritten
])
def test_an_older_or_different_head_is_refused(site: Client, head: dict[str, Any], words: str) -> None:
    site.call(p.AUDIT_HEAD_UPLOAD, _head(5))
    code, msg = _refusal(site, {"data": {**head, "at": "2026-11-20T10:00:00+08:00"}})
    assert code == 3002 and words in msg, msg
    assert site.call(p.AUDIT_HEAD_QUERY, {})["head"]["hash"] == _hash(5)


def test_a_restart_needs_a_restore_later_than_the_held_head(site: Client) -> None:
    site.call(p.AUDIT_HEAD_UPLOAD, _head(40, at="2026-11-20T10:00:00+08:00"))
    early = {"seq": 31, "hash": _hash(31), "at": "2026-11-19T09:00:00+08:00", "reason": "restore"}
    assert _refusal(site, _head(33, at="2026-11-21T08:00:00+08:00", restart=early))[0] == 3002
    restore = {"seq": 31, "hash": _hash(31), "at": "2026-11-21T08:00:00+08:00", "reason": "restore"}
    out = site.call(p.AUDIT_HEAD_UPLOAD, _head(33, at="2026-11-21T08:00:01+08:00", restart=restore))
    assert out["recorded"] is True and out["head"]["kind"] == "restart"
    assert (out["head"]["replaced_seq"], out["head"]["replaced_hash"]) == (40, _hash(40))
    query = site.call(p.AUDIT_HEAD_QUERY, {})
    assert query["head"]["seq"] == 33 and [r["replaced_seq"] for r in query["restarts"]] == [40]
    # From the restart on, the usual rules again.
    assert _refusal(site, _head(32, at="2026-11-21T08:00:02+08:00"))[0] == 3002


@pytest.mark.parametrize("data, field", [
    ({"seq": 0, "hash": _hash(0), "at": "2026-11-20T10:00:00+08:00"}, "seq"),
    ({"seq": 1, "hash": "ABC", "at": "2026-11-20T10:00:00+08:00"}, "hash"),
    ({"seq": 1, "hash": _hash(1), "at": "2026-11-20 10:00:00"}, "时区"),
    ({"seq": 1, "hash": _hash(1), "at": "yesterday"}, "at"),
])
def test_a_malformed_head_is_bad_input(site: Client, data: dict[str, Any], field: str) -> None:
    code, msg = _refusal(site, {"data": data})
    assert code == 2003 and field in msg, msg


def test_heads_are_per_site(site: Client, central: Server) -> None:
    other = _new_site(central)
    site.call(p.AUDIT_HEAD_UPLOAD, _head(50))
    assert other.call(p.AUDIT_HEAD_QUERY, {})["head"] is None
    assert other.call(p.AUDIT_HEAD_UPLOAD, _head(3))["recorded"] is True  # not refused as "older than 50"


def test_the_heads_are_append_only(site: Client, central: Server) -> None:
    site.call(p.AUDIT_HEAD_UPLOAD, _head(5))
    for sql in ("UPDATE audit_head SET seq = 99", "DELETE FROM audit_head"):
        assert "append-only" in db_refusal(central.db, sql)
