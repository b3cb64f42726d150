"""Review-rule libraries (审核规则库) held by the central system, on both stores over real HTTP:
the bundled ones stored at `central init`, 9504 listing and download (sha256 over the bytes), a
new version by `central review-load` (checked like `review check`: a bad file exits 2 naming the
rule and the field and changes nothing), and the new version's bytes served to the desks."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from central_helpers import Client, Server, run_cli

from hospital_client import paths
from hospital_client import protocol as p
from hospital_client.central.context import Central
from hospital_client.central.open_store import open_store
from hospital_client.rules.review import parse_library

BUNDLED = (paths.resources_dir() / "review" / "demo_review.toml").read_bytes()
NEXT = BUNDLED.replace(b'version = "2026.1"', b'version = "2026.2"', 1)


@pytest.fixture(scope="module")
def server(central: Server) -> Server:
    return central  # one server per module and store (SQLite, PostgreSQL): tests/central/conftest.py


@pytest.fixture(scope="module")
def a(server: Server) -> Client:
    return server.client()


def _listed(client: Client) -> dict[str, dict[str, object]]:
    listing = client.call(p.REVIEW_LIBRARY_DOWNLOAD, {"data": {}})["libraries"]
    return {str(entry["id"]): entry for entry in listing}


def test_init_stores_the_bundled_library_and_9504_serves_it(a: Client) -> None:
    listed = _listed(a)
    entry = listed["demo-review"]
    assert entry["version"] == "2026.1" and entry["sha256"] == hashlib.sha256(BUNDLED).hexdigest()
    assert entry["regions"] == ["990100"] and entry["rules"] == 16 and entry["size"] == len(BUNDLED)
    out = a.call(p.REVIEW_LIBRARY_DOWNLOAD, {"data": {"id": "demo-review"}})
    data = base64.b64decode(out["bytes_base64"])
    assert data == BUNDLED and hashlib.sha256(data).hexdigest() == out["sha256"]
    assert parse_library(data, out["source_name"]).version == "2026.1"
    missing = p.parse_response(a.send(p.REVIEW_LIBRARY_DOWNLOAD, {"data": {"id": "nowhere"}}).content)
    assert missing.infcode == p.NotFound.infcode


def test_review_load_refuses_a_bad_library_and_changes_nothing(server: Server, a: Client, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad_review.toml"
    bad.write_bytes(NEXT.replace(b'severity = "block"', b'severity = "maybe"', 1))
    code, out = run_cli("review-load", "--db", str(server.db), str(bad))
    assert code == 2 and out == ""
    err = capsys.readouterr().err
    assert "bad_review.toml" in err and "rule SEX-001" in err and "severity" in err
    code, _ = run_cli("review-load", "--db", str(server.db), str(tmp_path / "absent.toml"))
    assert code == 2
    assert _listed(a)["demo-review"]["version"] == "2026.1"


def test_review_load_replaces_the_version_the_desks_download(server: Server, a: Client, tmp_path: Path) -> None:
    file = tmp_path / "demo_review.toml"
    file.write_bytes(NEXT)
    code, out = run_cli("review-load", "--db", str(server.db), str(file), "--json")
    assert code == 0, out
    loaded = json.loads(out)
    sha = hashlib.sha256(NEXT).hexdigest()
    assert (loaded["id"], loaded["version"], loaded["sha256"], loaded["rules"]) == ("demo-review", "2026.2", sha, 16)
    entry = _listed(a)["demo-review"]
    assert (entry["version"], entry["sha256"]) == ("2026.2", sha)
    download = a.call(p.REVIEW_LIBRARY_DOWNLOAD, {"data": {"id": "demo-review"}})
    assert base64.b64decode(download["bytes_base64"]) == NEXT and download["sha256"] == sha
    code, _ = run_cli("review-load", "--db", str(server.db), str(file))  # loading it again changes nothing
    assert code == 0 and _listed(a)["demo-review"]["sha256"] == sha
    store = open_store(server.db)  # the central audit (a server started now) uses the stored version
    try:
        person = store.find_person(psn_no="DEMO990100000031")
        assert person is not None
        library = Central(store).review_for(person)
        assert library is not None and library.identity() == {"id": "demo-review", "version": "2026.2", "sha256": sha}
    finally:
        store.close()
