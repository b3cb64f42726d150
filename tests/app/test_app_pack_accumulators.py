"""The year-to-date keys a pack declares beyond the rules core's, kept by the desk: an employee
pack's 职工大额医疗费用补助 (hifob) has its own annual cap, counted in hifob_base/hifob_pay. Two
admissions settled offline (accumulators from the local roster and journal) must share that cap,
and a reversal must give back what it took; a roster pull brings the central figures for these
keys, rebased like the core ones."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app_helpers import roster

from hospital_client import app, store

D = Decimal
PSN_NO = "DEMO990100000015"          # an employee (insutype 310) of 990100, nothing paid in 2026
JIA = "XA02BAK990A001010100006"     # 法莫替丁片: 甲类, no price cap
EMPLOYEE_PACK = """
[pack]
id = "test-employee"
name = "test employee scheme"
version = "1"
source = "test"
admdvs = ["990100"]
insutypes = ["310"]
valid_from = 2026-01-01
valid_to = 2026-12-31
illustrative = ["basic", "hifob"]

[basic]
deductible = { 1 = 300, 2 = 600, 3 = 900 }
ratio = { 1 = 0.90, 2 = 0.85, 3 = 0.80 }
annual_cap = 60000

[hifob]
base = "over_pool_cap"
ratio = 0.90
annual_cap = 10000

[funds.basic]
code = "310100"
name = "职工基本医疗保险统筹基金"

[funds.hifob]
code = "330100"
name = "职工大额医疗费用补助基金"
""".encode()


def admission(mdtrt_id: str, amount: str, day: int) -> dict[str, Any]:
    """A level-3 stay with one 甲 line of ``amount``, without year_to_date (the desk supplies it)."""
    person = next(p for p in roster() if p["psn_no"] == PSN_NO)
    return {
        "person": {k: person[k] for k in ("psn_no", "psn_name", "certno", "insutype", "psn_type", "insuplc_admdvs",
                                          "assistance_group", "residence")},
        "encounter": {"mdtrt_id": mdtrt_id, "med_type": "21", "fixmedins_code": "H99010000001", "hosp_lv": 3,
                      "begntime": f"2026-03-{day:02d}", "endtime": f"2026-03-{day + 5:02d}"},
        "fees": [{"feedetl_sn": "0001", "med_list_codg": JIA, "name": "法莫替丁片", "pric": amount, "cnt": "1",
                  "det_item_fee_sumamt": amount}],
    }


def settle(db: store.LocalDatabase, clerk: store.Operator, mdtrt_id: str, amount: str, day: int) -> Any:
    outcome = app.settle(db, clerk, admission(mdtrt_id, amount, day), pack_id="test-employee")
    assert outcome.ytd_source == "local"
    return outcome


def figures(outcome: Any) -> tuple[str, str, str]:
    setlinfo = outcome.result.to_dict()["setlinfo"]
    return setlinfo["hifp_pay"], setlinfo["hifob_pay"], setlinfo["psn_cash_pay"]


def test_two_offline_admissions_share_the_hifob_cap_and_a_reversal_gives_it_back(
    demo_db: store.LocalDatabase, clerk: store.Operator, supervisor: store.Operator
) -> None:
    store.caches.put_pack(demo_db, EMPLOYEE_PACK, "test-employee.toml", operator="demo")
    # First, 甲 80,900: deductible 900; 80,000 × 80% = 64,000, the pool's cap pays 60,000.00, covering
    # 60,000 ÷ 80% = 75,000; the 5,000 above it × 90% = 4,500.00 大额; cash 80,900 − 64,500 = 16,400.00.
    first = settle(demo_db, clerk, "EMP-1", "80900.00", 1)
    assert figures(first) == ("60000.00", "4500.00", "16400.00")
    assert store.accumulators.pack_key_totals(demo_db, PSN_NO, 2026) == {
        "hifob_base": D("5000.00"), "hifob_pay": D("4500.00")}
    # Second, 甲 80,900 again: deductible 900 again, the pool is at its cap and pays 0; all 80,000 is
    # above the cap, the year's 85,000 × 90% = 76,500 is held to the annual 10,000: less the 4,500 paid,
    # 5,500.00 (computed from zero, as before the desk kept these keys, it would pay the whole 10,000.00).
    second = settle(demo_db, clerk, "EMP-2", "80900.00", 11)
    entry = store.journal.get_entry(demo_db, second.committed.local_id)
    assert entry.request is not None
    assert (entry.request["year_to_date"]["hifob_base"], entry.request["year_to_date"]["hifob_pay"]) == \
        ("5000.00", "4500.00")
    assert figures(second) == ("0.00", "5500.00", "75400.00")
    assert store.accumulators.pack_key_totals(demo_db, PSN_NO, 2026) == {
        "hifob_base": D("85000.00"), "hifob_pay": D("10000.00")}

    # Reversing the second gives its 5,500.00 back: a third stay like it is paid 5,500.00 again.
    app.reverse(demo_db, supervisor, second.committed.local_id, "wrong bill")
    assert store.accumulators.pack_key_totals(demo_db, PSN_NO, 2026) == {
        "hifob_base": D("5000.00"), "hifob_pay": D("4500.00")}
    third = settle(demo_db, clerk, "EMP-3", "80900.00", 21)
    assert figures(third) == ("0.00", "5500.00", "75400.00")
    # Reversing the third and the first leaves nothing counted for the year.
    app.reverse(demo_db, supervisor, third.committed.local_id, "wrong bill")
    app.reverse(demo_db, supervisor, first.committed.local_id, "wrong bill")
    assert store.accumulators.pack_key_totals(demo_db, PSN_NO, 2026) == {
        "hifob_base": D("0.00"), "hifob_pay": D("0.00")}
    assert store.check.check_database(demo_db).problems == []


def test_a_roster_pull_brings_the_pack_keys_rebased_onto_this_desk(
    demo_db: store.LocalDatabase, clerk: store.Operator
) -> None:
    store.caches.put_pack(demo_db, EMPLOYEE_PACK, "test-employee.toml", operator="demo")
    first = settle(demo_db, clerk, "EMP-1", "80900.00", 1)
    person = next(p for p in roster() if p["psn_no"] == PSN_NO)
    # The central system adjudicated the first stay (hifob 4,500 on a base of 5,000) and another
    # hospital's, which added 2,000 to the base and 1,800 to what 大额 paid.
    central = {"year": 2026, "admissions": 2, "act_pay_dedc": "1800.00", "hifp_pay": "60000.00",
               "hifob_base": "7000.00", "hifob_pay": "6300.00"}
    store.reconcile.put_pulled_persons(
        demo_db, [{**person, "year_to_date": central, "site_local_ids": [first.committed.local_id]}],
        operator="demo", source="test")
    assert store.accumulators.pack_key_totals(demo_db, PSN_NO, 2026) == {
        "hifob_base": D("7000.00"), "hifob_pay": D("6300.00")}
    # A second stay (甲 80,900) now counts the other hospital's too: 87,000 × 90% is held to the cap,
    # 10,000 − 6,300 = 3,700.00.
    second = settle(demo_db, clerk, "EMP-2", "80900.00", 11)
    assert figures(second)[1] == "3700.00"
    assert store.accumulators.pack_key_totals(demo_db, PSN_NO, 2026)["hifob_pay"] == D("10000.00")
