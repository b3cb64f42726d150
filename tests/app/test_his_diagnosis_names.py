"""The discharge diagnoses' names come with the HIS hand-off (docs/his-interface.md, "Diagnosis
names"): a JSON item {"code", "name"} or the CSV/XLSX row 出院诊断名称 parallel to the codes; the
codes stay what the request carries; the names are kept with the stay in the encrypted database
and reach the slip's 出院诊断 as 肺炎（J18.900）, the code alone where HIS gave no name."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from app_helpers import ROOT

from hospital_client import app, cli, store
from hospital_client.app.his_handoff import HandoffError, read_handoff
from hospital_client.app.slips import diagnosis_text

HIS_DEMO = ROOT / "resources" / "demo" / "his"
JSON_HANDOFF = HIS_DEMO / "handoff_01_ZY20261101.json"
CSV_HANDOFF = HIS_DEMO / "handoff_03_ZY20261103.csv"


def _json(tmp: Path, diagnoses: object, name: str = "stay.json", **admission: object) -> Path:
    data = json.loads(JSON_HANDOFF.read_text(encoding="utf-8"))
    data["admission"].update(diagnoses=diagnoses, ipt_no="T-DX", **admission)
    path = tmp / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _csv(tmp: Path, codes: str, names: str | None, name: str = "stay.csv") -> Path:
    text = CSV_HANDOFF.read_text(encoding="utf-8").replace("住院号,ZY20261103", "住院号,T-CSV")
    lines = [line for line in text.split("\n") if not line.startswith("出院诊断")]
    at = next(i for i, line in enumerate(lines) if line.startswith("主治医师")) + 1
    block = [f"出院诊断,{codes}"] + ([f"出院诊断名称,{names}"] if names is not None else [])
    path = tmp / name
    path.write_text("\n".join(lines[:at] + block + lines[at:]), encoding="utf-8")
    return path


def test_the_object_form_gives_each_code_its_name(tmp_path: Path) -> None:
    demo = read_handoff(JSON_HANDOFF).stay
    assert (demo.diagnoses, demo.diagnosis_names) == (("J18.900",), ("肺炎",))
    mixed = read_handoff(_json(tmp_path, [{"code": "j18.900", "name": " 肺炎，未特指 "}, "I10.x00",
                                          {"code": "E11.900"}])).stay
    assert mixed.diagnoses == ("J18.900", "I10.X00", "E11.900")  # codes as before: checked, upper case
    assert mixed.diagnosis_names == ("肺炎，未特指", "", "")
    assert mixed.diagnosis_name("J18.900") == "肺炎，未特指" and mixed.diagnosis_name("I10.X00") == ""
    # the codes as plain strings (the form of before) still read, with no names
    plain = read_handoff(_json(tmp_path, ["J18.900", "I10.x00"])).stay
    assert plain.diagnoses == ("J18.900", "I10.X00") and plain.diagnosis_names == ("", "")


def test_the_csv_row_names_the_codes_in_order(tmp_path: Path) -> None:
    demo = read_handoff(CSV_HANDOFF).stay
    assert (demo.diagnoses, demo.diagnosis_names) == (("J44.100",), ("慢性阻塞性肺病伴有急性加重",))
    stay = read_handoff(_csv(tmp_path, "J18.900、I10.x00、E11.900", "肺炎，未特指;；2型糖尿病")).stay
    assert stay.diagnoses == ("J18.900", "I10.X00", "E11.900")
    assert stay.diagnosis_names == ("肺炎，未特指", "", "2型糖尿病")  # a comma is part of a name
    short = read_handoff(_csv(tmp_path, "J18.900 I10.x00", "肺炎", "short.csv")).stay
    assert short.diagnosis_names == ("肺炎", "")  # a missing tail: the code alone
    none = read_handoff(_csv(tmp_path, "J18.900", None, "none.csv")).stay
    assert none.diagnosis_names == ("",)


def test_a_name_without_a_code_is_refused_naming_file_line_and_field(
        demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad_csv = _csv(tmp_path, "J18.900", "肺炎;高血压", "two_names.csv")
    code = cli.main(["his", "import", str(bad_csv), "--db", str(demo_path)])
    err = capsys.readouterr().err
    # 说明, 人员编号, 身份证号, 姓名, 住院号, 入院日期, 出院日期, 科室, 主治医师, 出院诊断, then the names: line 11
    assert code == 2 and "two_names.csv:11: diagnosis_names:" in err and "'高血压' has no code" in err
    bad_json = _json(tmp_path, ["I10.x00", {"name": "肺炎"}], "nameonly.json")
    with pytest.raises(HandoffError) as caught:
        read_handoff(bad_json)
    assert caught.value.field == "diagnoses[1].code" and str(caught.value).startswith("nameonly.json: ")
    assert "'肺炎' has no ICD-10 code" in str(caught.value)
    twice = _json(tmp_path, [{"code": "J18.900", "name": "肺炎"}], "twice.json", diagnosis_names=["哮喘"])
    with pytest.raises(HandoffError, match=r"twice\.json: diagnosis_names: diagnosis J18\.900 is named twice"):
        read_handoff(twice)
    with pytest.raises(HandoffError, match=r"diagnoses\[0\]\.name: a diagnosis name longer than 100"):
        read_handoff(_json(tmp_path, [{"code": "J18.900", "name": "肺" * 101}], "long.json"))
    # the code is still checked when a name comes with it
    with pytest.raises(HandoffError, match="'X1' is not an ICD-10 code"):
        read_handoff(_json(tmp_path, [{"code": "X1", "name": "肺炎"}], "badcode.json"))
    assert cli.main(["his", "list", "--json", "--db", str(demo_path)]) == 0
    assert "T-CSV" not in capsys.readouterr().out  # nothing refused reached the list


def test_diagnosis_text_puts_the_name_before_the_code_main_first(tmp_path: Path) -> None:
    stay = read_handoff(_json(tmp_path, [{"code": "J18.900", "name": "肺炎"}, "I10.x00"])).stay
    assert diagnosis_text(["J18.900", "I10.X00"], stay) == "肺炎（J18.900），I10.X00"
    assert diagnosis_text(["I10.X00", "J18.900"], stay) == "I10.X00，肺炎（J18.900）"  # the settled order
    assert diagnosis_text(["J18.900"], None) == "J18.900" and diagnosis_text([], stay) == ""


def test_the_slip_shows_the_names_the_request_carries_the_codes(demo_path: Path) -> None:
    with app.Desk(demo_path) as desk:
        desk.his_import(JSON_HANDOFF, "test")
        clerk = desk.login("demo", "demo123")
        settled = desk.settle_his(clerk, "ZY20261101").committed.local_id
        entry = desk.entry(settled)
        assert entry["request"]["encounter"]["diagnoses"] == ["J18.900"]
        assert "肺炎" not in json.dumps(entry["request"], ensure_ascii=False)
        assert desk.slip_data(settled, "demo")["diagnosis"] == "肺炎（J18.900）"
        # a stay typed at the window: the code alone
        desk.his_waiting()  # the demo drop folder: its three hand-offs
        fees = [dict(f) for f in desk.his_take("ZY20261102", None).fees]
        today = dt.date.today()
        typed = desk.settle(clerk, desk.build_request(
            "DEMO990100000002", app.EncounterInput("ZY-TYPED-1", 2, today - dt.timedelta(days=3), today,
                                                   diagnoses=("K35.800",)), fees)).committed.local_id
        assert desk.slip_data(typed, "demo")["diagnosis"] == "K35.800"
        waiting = json.dumps(desk.his_waiting(), ensure_ascii=False)
        assert "K35.800" in waiting and "急性阑尾炎" not in waiting  # the list shows no names
        audit_rows = desk.db().conn.execute("SELECT * FROM audit").fetchall()
        assert "肺炎" not in json.dumps([list(map(str, r)) for r in audit_rows], ensure_ascii=False)
    # the names are in the encrypted database only: not readable in its file
    assert "肺炎".encode() not in demo_path.read_bytes()
    assert "急性阑尾炎".encode() not in demo_path.read_bytes()


def test_a_database_from_before_the_names_is_upgraded_with_its_stays(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from hospital_client.store.connection import raw_connection
    from hospital_client.store.schema import MIGRATION_NAMES, migrations

    path = tmp_path / "old.db"
    conn = raw_connection(path, mode="rwc")
    migrations().apply(Database(conn, execute_plugins=False),
                       stop_before=MIGRATION_NAMES[MIGRATION_NAMES.index("m009_his_diagnosis_names")])
    conn.execute("INSERT INTO his_stay VALUES ('OLD-1', 'OLD-1', '', 'P1', '2026-01-02', '2026-01-05', '', '', "
                 "'[\"J18.900\"]', '[]', '0.00', 0, 'old.json', 'his-drop', '2026-01-05T10:00:00')")
    conn.close()
    db = store.open_database(path)
    try:
        assert store.schema_version(db) == store.SCHEMA_VERSION
        stay = store.his.get_stay(db, "OLD-1")
        assert stay.diagnoses == ("J18.900",) and stay.diagnosis_names == ()
        assert diagnosis_text(["J18.900"], stay) == "J18.900"
    finally:
        db.close()
