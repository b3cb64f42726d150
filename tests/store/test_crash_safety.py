"""Crash safety: SIGKILL a committing child at random moments, 200+ times, one database.

After every kill: each settlement and reversal the child reported (it prints only after the
commit returned) is present exactly once with its outbox message; no journal entry is
half-written (lines, state, accumulator delta, outbox, audit all there, nothing orphaned);
accumulator totals equal the sum of their deltas; the audit chain verifies; integrity_check ok.
The databases are encrypted (SQLCipher, key in the keyring) like every database the client makes:
each child reads the key from the keyring, and a killed commit must not leave a page whose HMAC
fails.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hospital_client import store

sys.path.insert(0, str(Path(__file__).parent))
import crashkit

KILLS = 210
LANES = 2  # two kill loops side by side (two cores), each on its own database


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_sigkill_at_random_moments_loses_and_doubles_nothing(tmp_path: Path) -> None:
    template = crashkit.write_template(tmp_path / "template.json")
    paths = [tmp_path / f"crash-{lane}.db" for lane in range(LANES)]
    for path in paths:
        db = store.open_database(path, create=True)
        assert db.encrypted
        db.close()
        assert not path.read_bytes().startswith(b"SQLite format 3")

    with ThreadPoolExecutor(LANES) as pool:
        lanes = list(pool.map(lambda lane: crashkit.run(paths[lane], template, KILLS // LANES, seed=lane),
                              range(LANES)))

    for figures in lanes:
        assert figures.problems == []
        assert figures.kills == KILLS // LANES
        # The kills really landed while work was going on, not only between runs.
        assert figures.reported_settlements > KILLS // LANES
        assert figures.reported_reversals > 0
    assert sum(f.kills for f in lanes) >= 200
    for path in paths:
        assert not path.read_bytes().startswith(b"SQLite format 3")
    print(*lanes, sep="\n")
