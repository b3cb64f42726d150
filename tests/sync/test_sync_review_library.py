"""Review-rule libraries (审核规则库) travel like policy packs: the desk pulls them with the packs
at every sync (9504), checks the sha256 and validates them, caches them, and from then on audits
with the pulled library of the person's region in preference to the bundled one; a new version
loaded at the central system (`central review-load`) reaches the desk at its next sync and is
used by its next settlement (the result's ``review`` says which). A library changed on the way
is not used."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sync_helpers import QUICK_DRAIN, FaultProxy, central_db, client_for, desk_request, new_desk, operator

from hospital_client import paths
from hospital_client.app import sync_usecases as su
from hospital_client.app import usecases
from hospital_client.app.review_rules import desk_review_library
from hospital_client.central.cli import main as central_main
from hospital_client.store import LocalDatabase
from hospital_client.store import review_libraries as review_cache
from hospital_client.sync.errors import PulledDataRejected
from hospital_client.sync.pulls import pull_review_libraries

PSN = "DEMO990100000064"  # insured in 990100, the demo library's region
BUNDLED = (paths.resources_dir() / "review" / "demo_review.toml").read_bytes()
NEXT = BUNDLED.replace(b'version = "2026.1"', b'version = "2026.2"', 1) + """
[[rule]]
id = "MODE-NEXT"
kind = "med_mode"
severity = "warn"
codes = ["XA11GAM668B001010100024"]
mode = "outpatient"
text = "{name}限门诊使用"
""".encode()


def _review_of_next_settlement(db: LocalDatabase, mdtrt_id: str, code: str) -> tuple[dict[str, str], set[str]]:
    outcome = usecases.settle(db, operator(db), desk_request(PSN, mdtrt_id, site=code))
    assert outcome.result is not None
    result = outcome.result.to_dict()
    return result["review"], {v["rule_id"] for v in result["violations"]}


def test_a_new_library_version_reaches_the_desk_and_its_next_settlement(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        db = new_desk(tmp_path, code)
        assert review_cache.library_summaries(db) == []
        with client_for(central, code) as client:
            first = su.sync_now(db, client, drain_settings=QUICK_DRAIN)
            assert first.ok, first.error
            assert first.pulls is not None and first.pulls.review_libraries == ["demo-review 2026.1"]
            review, fired = _review_of_next_settlement(db, "MDT-RL-1", code)
            assert review == {"id": "demo-review", "version": "2026.1", "sha256": hashlib.sha256(BUNDLED).hexdigest()}
            assert "MODE-NEXT" not in fired

            new_file = tmp_path / "demo_review.toml"
            new_file.write_bytes(NEXT)
            assert central_main(["review-load", "--db", str(central.db), str(new_file)]) == 0
            second = su.sync_now(db, client, drain_settings=QUICK_DRAIN)
            assert second.ok, second.error
            assert second.pulls is not None and second.pulls.review_libraries == ["demo-review 2026.2"]
            review, fired = _review_of_next_settlement(db, "MDT-RL-2", code)
            assert review == {"id": "demo-review", "version": "2026.2", "sha256": hashlib.sha256(NEXT).hexdigest()}
            assert "MODE-NEXT" in fired  # the new version's rule is the one audited with

            again = su.sync_now(db, client, drain_settings=QUICK_DRAIN)
            assert again.pulls is not None and again.pulls.review_libraries == []
        assert [(r["id"], r["version"]) for r in review_cache.library_summaries(db)] == [
            ("demo-review", "2026.1"), ("demo-review", "2026.2")]
        db.close()


def test_a_library_changed_on_the_way_is_not_used(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        db = new_desk(tmp_path, code)
        with FaultProxy(central.url, default="tamper") as proxy, client_for(central, code, url=proxy.url) as client:
            with pytest.raises(PulledDataRejected, match="sha256"):
                pull_review_libraries(db, client)
        assert review_cache.library_summaries(db) == []
        library = desk_review_library(db, "990100")  # the bundled library, as before any pull
        assert library is not None and library.identity() == {
            "id": "demo-review", "version": "2026.1", "sha256": hashlib.sha256(BUNDLED).hexdigest()}
        db.close()
