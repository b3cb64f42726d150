"""9501 lists the packs the central database holds now: a pack added or changed in the database
while the server runs is listed (with its name and validity), served, and settled with; a pack the
server cannot load is a clear refusal, not an internal error."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from pathlib import Path

from central_helpers import ROOT, Client, Server, is_postgres

from hospital_client import protocol as p

DEMO = (ROOT / "resources" / "policies" / "demo.toml").read_text(encoding="utf-8")


def _write(db: Path | str, statement: str, params: tuple[object, ...]) -> None:
    """A committed write straight into the running server's database (as another process would)."""
    if is_postgres(db):
        import psycopg

        with psycopg.connect(str(db), autocommit=True) as pg:
            pg.execute(statement.replace("?", "%s").encode(), params)
        return
    with contextlib.closing(sqlite3.connect(db, isolation_level=None, timeout=10)) as conn:
        conn.execute(statement, params)


def _put_pack(db: Path | str, pack_id: str, text: str) -> str:
    data = text.encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    _write(db, "INSERT INTO pack (id, version, sha256, source_name, data) VALUES (?, ?, ?, ?, ?) "
               "ON CONFLICT (id) DO UPDATE SET version = excluded.version, sha256 = excluded.sha256, "
               "source_name = excluded.source_name, data = excluded.data",
           (pack_id, "2028.1", sha, f"{pack_id}.toml", data))
    return sha


def _listing(client: Client) -> dict[str, dict[str, object]]:
    return {pk["id"]: pk for pk in client.call(p.PACK_DOWNLOAD, {"data": {}})["packs"]}


def test_a_pack_added_while_running_is_listed_and_served(central: Server, site_a: Client) -> None:
    assert "demo-2028" not in _listing(site_a)
    text = (DEMO.replace('id = "demo"', 'id = "demo-2028"').replace('version = "2026.1"', 'version = "2028.1"')
            .replace("valid_from = 2024-01-01", "valid_from = 2028-01-01")
            .replace("valid_to = 2027-12-31", "valid_to = 2028-12-31")
            .replace("示例地区住院结算（演示）", "示例地区住院结算（2028 演示）"))
    sha = _put_pack(central.db, "demo-2028", text)
    listed = _listing(site_a)["demo-2028"]
    assert listed["sha256"] == sha and listed["name"] == "示例地区住院结算（2028 演示）"
    assert listed["valid_from"] == "2028-01-01" and listed["valid_to"] == "2028-12-31"
    served = site_a.call(p.PACK_DOWNLOAD, {"data": {"id": "demo-2028"}})
    assert served["sha256"] == sha


def test_a_pack_changed_while_running_is_listed_as_it_is_now(central: Server, site_a: Client) -> None:
    before = _listing(site_a)["demo"]
    changed = DEMO.replace("示例地区住院结算（演示）", "示例地区住院结算（演示，已更新）")
    sha = _put_pack(central.db, "demo", changed)
    after = _listing(site_a)["demo"]
    assert after["sha256"] == sha != before["sha256"]
    assert after["name"] == "示例地区住院结算（演示，已更新）"


def test_a_pack_the_server_cannot_load_is_a_clear_refusal(central: Server, site_a: Client) -> None:
    _put_pack(central.db, "broken-2028", "[pack]\nid = 'broken-2028'\n")
    response = site_a.send(p.PACK_DOWNLOAD, {"data": {}})
    envelope = p.parse_response(response.content)
    assert envelope.infcode == p.ServerError("").infcode
    assert "broken-2028" in envelope.err_msg and "无法载入" in envelope.err_msg
    _write(central.db, "DELETE FROM pack WHERE id = ?", ("broken-2028",))
    assert "broken-2028" not in _listing(site_a)  # and the server goes on once the row is gone
