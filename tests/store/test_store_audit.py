"""The audit log: every action chained by hash; verify names the first broken entry; no names or
ID numbers in its text."""

from __future__ import annotations

import hashlib
import json

import pytest
from store_helpers import new_settlement

from hospital_client import store
from hospital_client.store import audit


def _drop_guards(db: store.LocalDatabase) -> None:
    """What someone editing the file with an SQLite tool would do first."""
    db.conn.execute("DROP TRIGGER audit_no_update")
    db.conn.execute("DROP TRIGGER audit_no_delete")


def _some_history(db: store.LocalDatabase) -> None:
    store.journal.record_settlement(db, new_settlement("AU-1"))
    store.journal.record_settlement(db, new_settlement("AU-2"))
    store.journal.record_reversal(db, 1, operator="super", reason="x")
    audit.append(db, "print", "demo", "settlement:2", {"copies": 1})
    audit.append(db, "sync", "system", "outbox", {"sent": 3})


def test_chain_is_intact_and_hashes_are_what_the_doc_says(empty_db: store.LocalDatabase) -> None:
    _some_history(empty_db)
    report = audit.verify(empty_db)
    assert report.intact and report.entries == 5
    entries = audit.entries(empty_db)
    assert entries[0].prev_hash == audit.GENESIS
    for prev, entry in zip([None, *entries], entries, strict=False):
        body = json.dumps({"seq": entry.seq, "at": entry.at, "operator": entry.operator, "action": entry.action,
                           "subject": entry.subject, "detail": entry.detail},
                          sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        expected = hashlib.sha256(((prev.hash if prev else audit.GENESIS) + body).encode()).hexdigest()
        assert entry.hash == expected


def test_unknown_action_is_refused(empty_db: store.LocalDatabase) -> None:
    with pytest.raises(ValueError):
        audit.append(empty_db, "coffee", "demo")


@pytest.mark.parametrize("tamper, first, words", [
    ("UPDATE audit SET detail = replace(detail, '\"copies\":1', '\"copies\":2') WHERE seq = 4", 4, "altered"),
    ("UPDATE audit SET operator = 'someone' WHERE seq = 2", 2, "altered"),
    ("DELETE FROM audit WHERE seq = 3", 3, "missing"),
    ("UPDATE audit SET prev_hash = hash WHERE seq = 5", 5, "does not follow"),
])
def test_tampering_names_the_first_broken_entry(empty_db: store.LocalDatabase, tamper: str, first: int,
                                                words: str) -> None:
    _some_history(empty_db)
    _drop_guards(empty_db)
    empty_db.conn.execute(tamper)
    report = audit.verify(empty_db)
    assert not report.intact
    assert report.first_broken == first
    assert words in report.problem and f"entry {first}" in report.problem


def test_rewriting_one_entry_with_a_fresh_hash_breaks_the_next(empty_db: store.LocalDatabase) -> None:
    _some_history(empty_db)
    _drop_guards(empty_db)
    e = audit.entries(empty_db)[1]
    forged = audit.entry_hash(e.prev_hash, e.seq, e.at, "forger", e.action, e.subject, audit.canonical(e.detail))
    empty_db.conn.execute("UPDATE audit SET operator = 'forger', hash = ? WHERE seq = 2", (forged,))
    report = audit.verify(empty_db)
    assert report.first_broken == 3


def test_audit_text_has_no_names_or_id_numbers(demo_db: store.LocalDatabase) -> None:
    new = new_settlement("AU-3")
    store.journal.record_settlement(demo_db, new)
    text = " ".join(f"{e.operator} {e.subject} {json.dumps(e.detail, ensure_ascii=False)}"
                    for e in audit.entries(demo_db))
    person = new.request["person"]
    assert person["certno"] not in text and person["psn_name"] not in text
