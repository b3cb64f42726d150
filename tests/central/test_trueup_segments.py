"""The year-end true-up reads a pack's 大病保险 segments through the rules core's one definition
(``rules.hifmi_segment_bounds``, what every settlement uses), so the two cannot drift apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from central_helpers import run_cli

from hospital_client.central import trueup
from hospital_client.rules import Pack, hifmi_segment_bounds


def test_the_true_up_takes_the_segments_the_settlements_use(central_db: tuple[Path | str, dict[str, str]],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    db, _ = central_db
    asked: list[str] = []

    def counted(pack: Pack) -> list[tuple[object, object]]:
        asked.append(pack.id)
        return list(hifmi_segment_bounds(pack))

    monkeypatch.setattr(trueup, "hifmi_segment_bounds", counted)
    code, out = run_cli("true-up", "--year", "2026", "--db", str(db), "--json")
    assert code == 0
    result = json.loads(out)
    assert result["persons_checked"] == len(asked) == 71
    # DEMO990100000001 as in test_trueup.py: (38,600 - 6,000) × 65% = 21,190.00 on the demo pack's segments
    row = next(r for r in result["shortfalls"] if r["psn_no"] == "DEMO990100000001")
    assert row["hifmi_annual"] == "21190.00"
