"""The settlement list's checks (rules/settlement_list.py), shared by the desk and the central QC."""

from __future__ import annotations

from typing import Any

from hospital_client.rules.settlement_list import problems


def complete() -> dict[str, Any]:
    return {
        "setlinfo": {"setl_id": "C1", "psn_no": "P1", "mdtrt_id": "M1", "medcasno": "ZY1", "psn_name": "测试",
                     "gend": "1", "brdy": "1960-01-01", "insutype": "310", "ipt_med_type": "1",
                     "adm_time": "2026-03-01", "dscg_time": "2026-03-10", "act_ipt_days": "9", "dscg_caty": "内科",
                     "dscg_way": "1", "chfpdr_name": "王医生"},
        "payinfo": [{"fund_pay_type": "310100", "fund_payamt": "100.00"}],
        "diseinfo": [{"diag_type": "1", "diag_code": "I10.x00", "diag_name": "高血压", "maindiag_flag": "1"}],
        "oprninfo": [{"oprn_oprt_code": "36.0600", "oprn_oprt_name": "冠状动脉支架置入", "oprn_oprt_date": "2026-03-02",
                      "main_oprn_flag": "1"}],
        "iteminfo": [{"med_chrgitm_type": "06", "amt": "200.00", "claa_sumfee": "100.00", "clab_amt": "50.00",
                      "fulamt_ownpay_amt": "30.00", "oth_amt": "20.00"}],
    }


def codes(list_: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.code, p.field) for p in problems(list_)]


def test_a_complete_list_has_no_problem() -> None:
    assert problems(complete()) == []


def test_each_check_names_its_field() -> None:
    bad = complete()
    bad["setlinfo"].update(dscg_way="", dscg_time="2026-02-27", act_ipt_days="3")
    bad["diseinfo"].append({"diag_type": "1", "diag_code": "X99", "diag_name": "", "maindiag_flag": "1"})
    bad["oprninfo"][0].update(oprn_oprt_code="ABC", oprn_oprt_date="2026-04-01")
    bad["iteminfo"][0]["oth_amt"] = "21.00"
    found = codes(bad)
    assert ("QC01", "setlinfo.dscg_way") in found and ("QC01", "diseinfo[1].diag_name") in found
    assert ("QC02", "diseinfo") in found  # two main diagnoses
    assert ("QC05", "setlinfo.dscg_time") in found and ("QC06", "iteminfo[0].amt") in found
    assert ("QC08", "oprninfo[0].oprn_oprt_code") in found
    no_main = complete()
    no_main["diseinfo"][0]["diag_code"] = "W19.x00"
    assert codes(no_main) == [("QC04", "diseinfo[0].diag_code")]
    wrong_days = complete()
    wrong_days["setlinfo"]["act_ipt_days"] = "10"
    assert codes(wrong_days) == [("QC05", "setlinfo.act_ipt_days")]
    outside = complete()
    outside["oprninfo"][0]["oprn_oprt_date"] = "2026-03-11"
    assert codes(outside) == [("QC08", "oprninfo[0].oprn_oprt_date")]
    assert codes({"diseinfo": []}) == [("QC00", "setlinfo")]
    assert ("QC02", "diseinfo") in codes({**complete(), "diseinfo": []})
    assert ("QC00", "oprninfo") in codes({**complete(), "oprninfo": "none"})
