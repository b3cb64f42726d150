"""Stays handed over by HIS (docs/his-interface.md): `his import` of a JSON and of a CSV with its
header block puts them on the waiting list, `settle --his` settles one from its hand-off, a second
settlement of the same stay exits 2 naming the first, and a hand-off of another person than the
one identified is refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from app_helpers import ROOT

from hospital_client import app, cli
from hospital_client.app.his_handoff import HandoffError, HandoffMismatch, read_handoff

HIS_DEMO = ROOT / "resources" / "demo" / "his"
JSON_HANDOFF = HIS_DEMO / "handoff_01_ZY20261101.json"
CSV_HANDOFF = HIS_DEMO / "handoff_03_ZY20261103.csv"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def waiting(db: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    code, out, err = run(["his", "list", "--json", "--db", str(db)], capsys)
    assert code == 0, err
    rows: list[dict[str, Any]] = json.loads(out)
    return rows


def variants(tmp: Path) -> tuple[Path, Path]:
    """The demo JSON and CSV hand-offs for other stays (T-1, T-2) of the same persons."""
    data = json.loads(JSON_HANDOFF.read_text(encoding="utf-8"))
    data["admission"]["ipt_no"] = "T-1"
    json_path = tmp / "stay_t1.json"
    json_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    csv_path = tmp / "stay_t2.csv"
    csv_path.write_bytes(CSV_HANDOFF.read_text(encoding="utf-8").replace("住院号,ZY20261103", "住院号,T-2")
                         .encode("gbk"))
    return json_path, csv_path


def test_the_demo_site_lists_its_demo_handoffs(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = waiting(demo_path, capsys)
    assert [r["ipt_no"] for r in rows] == ["ZY20261101", "ZY20261102", "ZY20261103"]
    assert waiting(demo_path, capsys) == rows  # read once, not again


def test_his_import_of_json_and_csv_lists_the_stays(demo_path: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    for handoff in variants(tmp_path):
        code, out, err = run(["his", "import", str(handoff), "--db", str(demo_path)], capsys)
        assert code == 0, err
        assert json.loads(out)["state"] == "waiting"
    rows = {r["ipt_no"]: r for r in waiting(demo_path, capsys)}
    assert {"T-1", "T-2"} <= set(rows)
    csv_stay = rows["T-2"]
    assert (csv_stay["psn_no"], csv_stay["begntime"], csv_stay["endtime"]) == ("DEMO990100000003", "2026-11-14",
                                                                               "2026-11-20")
    assert csv_stay["dept"] == "呼吸内科" and csv_stay["diagnoses"] == ["J44.100"] and csv_stay["lines"] == 20
    assert rows["T-1"]["lines"] == 33 and rows["T-1"]["medfee_sumamt"] == "3377.10"
    assert "990100195705062867" not in json.dumps(rows)


def test_settle_his_commits_and_a_second_one_exits_2_naming_the_first(
        demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["his", "import", str(JSON_HANDOFF), "--db", str(demo_path)], capsys)[0] == 0
    code, out, err = run(["settle", "--his", "ZY20261101", "--commit", "--db", str(demo_path)], capsys)
    assert code == 0, err
    first = json.loads(out)
    assert first["state"] == "provisional"
    with app.Desk(demo_path) as desk:
        entry = desk.entry(first["local_id"])
    assert entry["request"]["encounter"]["mdtrt_id"] == "ZY20261101"
    assert entry["request"]["encounter"]["begntime"] == "2026-11-13"
    assert entry["request"]["encounter"]["hosp_lv"] == 2 and entry["request"]["encounter"]["diagnoses"] == ["J18.900"]
    assert "ZY20261101" not in [r["ipt_no"] for r in waiting(demo_path, capsys)]

    code, out, err = run(["settle", "--his", "ZY20261101", "--commit", "--db", str(demo_path)], capsys)
    assert code == 2 and out == ""
    assert f"settlement {first['local_id']}" in err and first["queue_no"] in err and "clerk 示例收费员 (demo)" in err
    assert first["result"]["setlinfo"]["medfee_sumamt"] in err and err.count("\n") == 1
    # the hand-off again (HIS sent it twice): refused too, naming the settlement
    code, _, err = run(["his", "import", str(JSON_HANDOFF), "--db", str(demo_path)], capsys)
    assert code == 2 and first["queue_no"] in err


def test_settle_his_after_a_reversal_settles_again(demo_path: Path) -> None:
    with app.Desk(demo_path) as desk:
        desk.his_import(JSON_HANDOFF, "test")
        clerk, supervisor = desk.login("demo", "demo123"), desk.login("super", "super123")
        first = desk.settle_his(clerk, "ZY20261101")
        with pytest.raises(app.RecordError):
            desk.settle_his(clerk, "ZY20261101")
        desk.reverse(supervisor, first.committed.local_id, "wrong bill")
        assert "ZY20261101" in [r["ipt_no"] for r in desk.his_waiting()]
        assert desk.settle_his(clerk, "ZY20261101").committed.local_id > first.committed.local_id


def test_a_handoff_for_another_person_than_identified_is_refused(demo_path: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with app.Desk(demo_path) as desk:
        desk.his_import(JSON_HANDOFF, "test")
        taken = desk.his_take("ZY20261101", "DEMO990100000001")
        assert taken.psn_no == "DEMO990100000001"
        with pytest.raises(HandoffMismatch, match="not for the identified person DEMO990100000002"):
            desk.his_take("ZY20261101", "DEMO990100000002")
    # a hand-off whose identifications name two different persons
    data = json.loads(JSON_HANDOFF.read_text(encoding="utf-8"))
    data["patient"]["certno"] = "990100195007209497"  # the second demo person's
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(["his", "import", str(other), "--db", str(demo_path)], capsys)
    assert code == 2 and "certno is not the identified person's" in err
    assert HandoffMismatch.clerk_text


def test_a_csv_handoff_without_its_admission_number_names_the_field(demo_path: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    text = CSV_HANDOFF.read_text(encoding="utf-8").replace("住院号,ZY20261103\n", "")
    bad = tmp_path / "no_ipt.csv"
    bad.write_text(text, encoding="utf-8")
    code, _, err = run(["his", "import", str(bad), "--db", str(demo_path)], capsys)
    assert code == 2 and "no_ipt.csv" in err and "ipt_no" in err
    broken = tmp_path / "broken.csv"
    broken.write_text(text.replace("科室,呼吸内科", "科室,呼吸内科,extra"), encoding="utf-8")
    code, _, err = run(["his", "import", str(broken), "--db", str(demo_path)], capsys)
    assert code == 2 and "broken.csv:7:" in err
    with pytest.raises(HandoffError):
        read_handoff(bad)


def test_a_refused_file_in_the_drop_folder_does_not_stop_the_others(demo_path: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    for handoff in variants(tmp_path):
        shutil.copy(handoff, drop)
    (drop / "broken.json").write_text("{", encoding="utf-8")
    monkeypatch.setattr(app.Desk, "his_drop_folder", property(lambda self: drop))
    with app.Desk(demo_path) as desk:
        assert sorted(r["ipt_no"] for r in desk.his_waiting()) == ["T-1", "T-2"]
        assert list(desk.his_refused) == ["broken.json"]
