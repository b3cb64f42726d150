"""The outpatient settlement slip (门诊费用结算单): one visit, 普通门诊 (11) or 门诊慢特病 (14, with
its disease), as the patient takes it from the window: who (full name, ID masked), the visit, the
bill by fee category, how it was split (the funds one by one), the cash due and how it was paid,
the operator's real name. Printed like the inpatient slip (ui.slip: ``slip_document`` picks this
layout for an outpatient entry, so the window, the history page and `hospital-client slip` all
print and reprint it); Chinese whatever the interface language."""

from __future__ import annotations

from decimal import Decimal

from ..app import amount_in_words
from .messages import readable_warning
from .slip import (
    _FIGURES,
    _SECTION,
    _TABLE,
    SlipInfo,
    _e,
    _explain_items,
    _head_row,
    _header_table,
    _pairs,
    _payment_lines,
    _refund_voucher,
    _reversal_mark,
    _settled_text,
    _who_rows,
)

__all__ = ["outpatient_slip_html"]

# The 结算信息 figures are the inpatient slip's (ui.slip), with a shorter label here and two shown
# only when not nil: what an outpatient visit rarely has.
_LABELS = {"fulamt_ownpay_amt": "全自费金额"}
_IF_ANY = ("hifmi_pay", "maf_pay")


def _header(info: SlipInfo) -> str:
    visit = [f"就诊类型：<b>{_e(info.med_type_name)}</b>"]
    if info.dept:
        visit.append(f"科室：{_e(info.dept)}")
    disease = ""
    if info.dise_codg:
        named = f"{info.dise_name}（{info.dise_codg}）" if info.dise_name else info.dise_codg
        disease = f"门诊慢特病病种：<b>{_e(named)}</b>"
    rows = [
        *_who_rows(info),
        ("　".join(visit), f"就诊日期：{_e(info.begntime)}"),
        (f"就诊编号：{_e(info.mdtrt_id)}", _settled_text(info)),
    ]
    if disease:
        rows.append((disease, ""))
    return _header_table(rows, "55%")


def outpatient_slip_html(info: SlipInfo) -> str:
    result = info.result
    setlinfo = result["setlinfo"]
    policy = result["policy"]
    cash = str(setlinfo["psn_cash_pay"])
    provisional = info.state != "final"
    title = "门诊费用结算单" + ("（离线结算·暂定）" if provisional else "")
    mark = ""
    if provisional:
        mark = (f'<p style="color:#b00000;font-size:10.5pt;font-weight:bold;margin:2px 0">离线结算 暂定结果　'
                f'排队号 {_e(info.queue_no)}<span style="font-size:8.5pt;font-weight:normal">　联网后由医保中心复核，'
                "如有差额将通知补费或退费。</span></p>")
    shown = [(_LABELS.get(key, label), str(setlinfo.get(key, "0.00"))) for key, label in _FIGURES
             if key not in _IF_ANY or Decimal(str(setlinfo.get(key) or "0"))]
    funds = _pairs([(str(d["fund_pay_type_name"]), str(d["fund_payamt"])) for d in result.get("setldetail", [])], 2)
    categories = _pairs(list(info.fee_categories), 3)
    explain = "".join(f"<li>{item}</li>" for item in _explain_items(result))
    warnings = "".join(f"<li>{_e(readable_warning(w))}</li>" for w in result.get("warnings", []))
    reprint = "<span style='color:#555'>（补打）</span>" if info.reprint else ""
    cashier = (info.payment or {}).get("cashier") or "＿＿＿＿＿＿＿＿"
    voucher = _refund_voucher(info).replace("本次住院的年度累计（起付线、封顶线）", "本次就诊计入的年度累计（起付线、支付限额）")
    return f"""<html><body style="font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC','Microsoft YaHei',sans-serif">
<h2 align="center" style="margin:0 0 2px 0">{_e(title)}{reprint}</h2>
{_reversal_mark(info)}{mark}{_header(info)}
<p {_SECTION}><b>费用分类</b></p>
<table {_TABLE}>{_head_row(3, "类别")}{categories}</table>
<p {_SECTION}><b>结算信息</b></p>
<table {_TABLE}>{_head_row(3, "项目")}{_pairs(shown, 3)}</table>
<p {_SECTION}><b>基金支付</b></p>
<table {_TABLE}>{_head_row(2, "基金名称")}{funds}</table>
<p style="font-size:12pt;margin:3px 0 2px 0"><b>个人现金支付：{_e(cash)} 元　大写：{_e(amount_in_words(Decimal(cash)))}</b></p>
{_payment_lines(info)}
<p {_SECTION}><b>计算说明</b></p><ol style="font-size:8pt;margin-top:0;margin-bottom:0">{explain}</ol>
{'<p ' + _SECTION + '><b>提示</b></p><ul style="font-size:8pt;margin-top:0;margin-bottom:0">' + warnings + '</ul>'
 if warnings else ''}
<table width="100%" cellspacing="0" cellpadding="3" style="font-size:9pt;margin-top:4px"><tr>
<td valign="bottom"><span style="font-size:7.5pt;color:#444">政策包：{_e(policy['id'])}　版本 {_e(policy['version'])}
　校验码 {_e(str(policy['sha256'])[:16])}…　打印时间：{_e(info.printed_at)}</span><br/><br/>
经办人：{_e(info.operator)}　　收款人：{_e(cashier)}<br/><br/>患者（家属）签字：＿＿＿＿＿＿＿＿</td>
<td width="140" height="70" align="center" valign="middle" style="border:1px dashed #888;color:#888">
医疗机构（盖章）</td></tr></table>
{voucher}
</body></html>"""
